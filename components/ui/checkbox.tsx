import type { ComponentProps } from "react";

import { cn } from "@/lib/utils";

export type CheckboxProps = Omit<ComponentProps<"input">, "type">;

/**
 * Native checkbox (works without JS, submits with the form). Pair it with a label:
 * `<Checkbox id="x" name="x" /> <Label htmlFor="x">…</Label>` or wrap both in `<label>`.
 */
export function Checkbox({ className, ...props }: CheckboxProps) {
  return (
    <input
      data-slot="checkbox"
      type="checkbox"
      className={cn(
        "peer size-4 shrink-0 cursor-pointer accent-primary",
        "disabled:cursor-not-allowed disabled:opacity-50 aria-invalid:outline-2 aria-invalid:outline-destructive",
        className,
      )}
      {...props}
    />
  );
}
