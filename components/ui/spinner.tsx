import type { ComponentProps } from "react";
import { LoaderCircle } from "lucide-react";

import { cn } from "@/lib/utils";

export type SpinnerProps = Omit<ComponentProps<"span">, "children"> & {
  /** Text for screen readers; pass `null` when a visible text next to it already says it. */
  label?: string | null;
  size?: "sm" | "md" | "lg";
};

const sizes = { sm: "size-4", md: "size-5", lg: "size-8" } as const;

/** Animated loading indicator with a screen-reader-only status text. */
export function Spinner({ className, label = "Loading…", size = "sm", ...props }: SpinnerProps) {
  return (
    <span
      data-slot="spinner"
      role={label ? "status" : undefined}
      className={cn("inline-flex items-center", className)}
      {...props}
    >
      <LoaderCircle className={cn("animate-spin", sizes[size])} aria-hidden="true" />
      {label ? <span className="sr-only">{label}</span> : null}
    </span>
  );
}
