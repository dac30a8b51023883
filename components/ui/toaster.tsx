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
      position="bottom-right"
      style={
        {
          "--normal-bg": "var(--popover)",
          "--normal-text": "var(--popover-foreground)",
          "--normal-border": "var(--border)",
          fontFamily: "var(--font-sans)",
        } as CSSProperties
      }
      {...props}
    />
  );
}
