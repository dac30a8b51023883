import type { ReactNode } from "react";

import { Button, type ButtonProps } from "@/components/ui/button";
import { Spinner } from "@/components/ui/spinner";

export type SubmitButtonProps = Omit<ButtonProps, "type"> & {
  /** While the form's action runs: disabled, a spinner instead of the icon, `pendingLabel`. */
  pending: boolean;
  pendingLabel: ReactNode;
  icon?: ReactNode;
};

/**
 * A form's submit button. The label itself says what is happening ("Saving…"), so the spinner
 * stays silent for screen readers.
 */
export function SubmitButton({ pending, pendingLabel, icon, disabled, children, ...props }: SubmitButtonProps) {
  return (
    <Button type="submit" disabled={pending || disabled} {...props}>
      {pending ? <Spinner label={null} /> : icon}
      {pending ? pendingLabel : children}
    </Button>
  );
}
