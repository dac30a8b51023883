import type { ComponentProps } from "react";

import { cn } from "@/lib/utils";

/** Shared look of text-like form controls (input, textarea, select). */
export const controlClassName =
  "w-full min-w-0 rounded-md border border-input bg-background text-sm text-foreground shadow-xs " +
  "transition-[color,border-color,box-shadow] placeholder:text-muted-foreground " +
  "focus-visible:border-ring disabled:cursor-not-allowed disabled:bg-muted disabled:opacity-60 " +
  "[&[readonly]]:bg-muted/60 aria-invalid:border-destructive aria-invalid:focus-visible:outline-destructive";

export type InputProps = ComponentProps<"input">;

/**
 * Text input. Give it an `id` and pair it with a `<Label htmlFor>` (or wrap it in
 * `<FormField>`, which wires `aria-invalid` / `aria-describedby`).
 */
export function Input({ className, type = "text", ...props }: InputProps) {
  return (
    <input
      data-slot="input"
      type={type}
      className={cn(
        controlClassName,
        "h-9 px-3 py-1",
        "file:mr-3 file:inline-flex file:h-7 file:border-0 file:bg-transparent file:text-sm file:font-medium file:text-foreground",
        className,
      )}
      {...props}
    />
  );
}
