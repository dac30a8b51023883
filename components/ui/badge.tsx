import type { ComponentProps } from "react";

import { cn } from "@/lib/utils";

export type BadgeVariant = "neutral" | "success" | "warning" | "destructive" | "info";

const variants: Record<BadgeVariant, string> = {
  neutral: "border-border bg-muted text-muted-foreground",
  success: "border-success/25 bg-success/12 text-success",
  warning: "border-warning/25 bg-warning/12 text-warning",
  destructive: "border-destructive/25 bg-destructive/12 text-destructive",
  info: "border-info/25 bg-info/12 text-info",
};

export type BadgeProps = ComponentProps<"span"> & {
  variant?: BadgeVariant;
};

/** Small status label. Colour is never the only signal: the text must say the status. */
export function Badge({ className, variant = "neutral", ...props }: BadgeProps) {
  return (
    <span
      data-slot="badge"
      data-variant={variant}
      className={cn(
        "inline-flex w-fit shrink-0 items-center gap-1 rounded-md border px-2 py-0.5 text-xs leading-4 font-medium whitespace-nowrap",
        "[&_svg]:pointer-events-none [&_svg]:size-3",
        variants[variant],
        className,
      )}
      {...props}
    />
  );
}
