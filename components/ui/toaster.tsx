"use client";

import type { ComponentProps, CSSProperties } from "react";
import { Toaster as Sonner } from "sonner";

export { toast } from "sonner";

export type ToasterProps = ComponentProps<typeof Sonner>;

/**
 * Toast outlet: mount once in the root layout. Trigger toasts from client code with
 * `toast.success("Key revoked")`, `toast.error(…)` (import `toast` from here).
 */
export function Toaster(props: ToasterProps) {
  return (
    <Sonner
      richColors
      closeButton
      theme="system"
      // Top centre, just under the 56 px header: clear of the pager and bulk actions at the
      // bottom of lists and of the user menu at the top right.
      position="top-center"
      offset={{ top: 64 }}
      mobileOffset={{ top: 64 }}
      style={
        {
          "--normal-bg": "var(--popover)",
          "--normal-text": "var(--popover-foreground)",
          "--normal-border": "var(--border)",
          // Sonner's own rich colours miss AA contrast (success text 4.25:1 on its green tint):
          // the theme's tokens, on the popover surface, pass in light and dark (globals.css).
          ...Object.fromEntries(
            (["success", "error", "warning", "info"] as const).flatMap((kind) => [
              [`--${kind}-bg`, "var(--popover)"],
              [`--${kind}-border`, "var(--border)"],
              [`--${kind}-text`, `var(--${kind === "error" ? "destructive" : kind})`],
            ]),
          ),
          fontFamily: "var(--font-sans)",
        } as CSSProperties
      }
      {...props}
    />
  );
}
