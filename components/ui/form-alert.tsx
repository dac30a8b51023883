import type { ComponentProps } from "react";

import { cn } from "@/lib/utils";

export type FormAlertProps = ComponentProps<"p">;

/**
 * A form's own error, as opposed to one field's (FormField shows those): announced at once by
 * screen readers, boxed in the destructive colour, the same in every form and dialog. Forms that
 * keep it mounted as a live region pass `aria-live` and `empty:hidden`.
 */
export function FormAlert({ className, ...props }: FormAlertProps) {
  return (
    <p
      role="alert"
      className={cn("rounded-md border border-destructive/30 bg-destructive/10 px-3 py-2 text-sm text-destructive", className)}
      {...props}
    />
  );
}
