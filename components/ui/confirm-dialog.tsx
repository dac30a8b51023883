"use client";

import { startTransition, useActionState, useRef, useState, type FormEvent, type ReactNode } from "react";

import {
  AlertDialog,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "@/components/ui/alert-dialog";
import { Button, type ButtonVariant } from "@/components/ui/button";
import { DialogClose, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Tooltip, TooltipContent, TooltipTrigger } from "@/components/ui/tooltip";
import { FormAlert } from "@/components/ui/form-alert";
import { SubmitButton } from "@/components/ui/submit-button";
import type { FormState } from "@/lib/actions/form-state";
import { cn } from "@/lib/utils";

export type ConfirmFormProps = {
  /** `alert` inside an AlertDialog (irreversible acts), `dialog` inside a Dialog. */
  kind: "alert" | "dialog";
  title: ReactNode;
  description: ReactNode;
  /** Hidden inputs that say what the action is about, e.g. `{ keyId }`. */
  fields: Record<string, string>;
  /** The server action. Whatever it returns becomes the form's state, so it must hold no secret. */
  action: (previous: FormState, form: FormData) => Promise<FormState>;
  /** Called with the action's result when it is `ok`. */
  onSuccess?: (result: FormState) => void;
  confirmLabel: string;
  /** The button's text while the action runs; the confirm label by default. */
  pendingLabel?: string;
  /** An icon before the label, replaced by a spinner while the action runs. */
  confirmIcon?: ReactNode;
  confirmVariant?: ButtonVariant;
  /** Keeps the confirm button disabled, e.g. while a notice says why it cannot be done. */
  disabled?: boolean;
  /** Classes of the form (its gap). */
  className?: string;
  /** Between the description and the error: notices, choices. Gets the form state. */
  children?: ReactNode | ((state: FormState) => ReactNode);
};

/**
 * The inside of a confirmation: title, description, the caller's fields, the action's error and
 * Cancel / confirm. It lives inside the dialog's content, so an error from a previous attempt
 * is gone on reopen.
 */
export function ConfirmForm({
  kind,
  title,
  description,
  fields,
  action,
  onSuccess,
  confirmLabel,
  pendingLabel = confirmLabel,
  confirmIcon,
  confirmVariant = "default",
  disabled = false,
  className,
  children,
}: ConfirmFormProps) {
  const [state, formAction, pending] = useActionState(async (previous: FormState, form: FormData) => {
    const result = await action(previous, form);
    if (result.ok) onSuccess?.(result);
    return result;
  }, {});
  const alert = kind === "alert";
  const Header = alert ? AlertDialogHeader : DialogHeader;
  const Title = alert ? AlertDialogTitle : DialogTitle;
  const Description = alert ? AlertDialogDescription : DialogDescription;
  const Footer = alert ? AlertDialogFooter : DialogFooter;

  function submit(event: FormEvent<HTMLFormElement>) {
    // Submitting by hand (not via `action`) keeps React from resetting the fields on failure.
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    startTransition(() => formAction(data));
  }

  return (
    <>
      <Header>
        <Title className="break-words">{title}</Title>
        <Description>{description}</Description>
      </Header>
      <form onSubmit={submit} className={cn("grid gap-4", className)}>
        {Object.entries(fields).map(([name, value]) => (
          <input key={name} type="hidden" name={name} value={value} />
        ))}
        {typeof children === "function" ? children(state) : children}
        {state.error && !pending ? (
          <FormAlert>{state.error}</FormAlert>
        ) : null}
        <Footer>
          {alert ? (
            <AlertDialogCancel disabled={pending}>Cancel</AlertDialogCancel>
          ) : (
            <DialogClose asChild>
              <Button variant="outline" disabled={pending}>
                Cancel
              </Button>
            </DialogClose>
          )}
          <SubmitButton pending={pending} pendingLabel={pendingLabel} icon={confirmIcon} variant={confirmVariant} disabled={disabled}>
            {confirmLabel}
          </SubmitButton>
        </Footer>
      </form>
    </>
  );
}

export type ConfirmButtonProps = Omit<ConfirmFormProps, "kind" | "onSuccess"> & {
  /** The button that asks for the confirmation; icon-only ones need an aria-label. */
  trigger: ReactNode;
  triggerTooltip?: string;
  /** After the action succeeded and the dialog closes: a toast, a refresh. */
  onDone: (result: FormState) => void;
  /**
   * Success takes the trigger away (a revoked key has no Revoke button), so focus goes to the
   * page's main region instead of being lost.
   */
  removesTrigger?: boolean;
};

/**
 * A button that acts only after an AlertDialog confirms it: for what cannot be undone, or not
 * easily. Initial focus is on Cancel.
 */
export function ConfirmButton({ trigger, triggerTooltip, onDone, removesTrigger = false, ...form }: ConfirmButtonProps) {
  const [open, setOpen] = useState(false);
  const done = useRef(false);
  const alertTrigger = <AlertDialogTrigger asChild>{trigger}</AlertDialogTrigger>;

  return (
    <AlertDialog open={open} onOpenChange={setOpen}>
      {triggerTooltip ? (
        <Tooltip>
          <TooltipTrigger asChild>{alertTrigger}</TooltipTrigger>
          <TooltipContent>{triggerTooltip}</TooltipContent>
        </Tooltip>
      ) : (
        alertTrigger
      )}
      <AlertDialogContent
        onCloseAutoFocus={(event) => {
          if (!removesTrigger || !done.current) return;
          event.preventDefault();
          document.getElementById("main")?.focus();
        }}
      >
        <ConfirmForm
          kind="alert"
          {...form}
          onSuccess={(result) => {
            done.current = true;
            setOpen(false);
            onDone(result);
          }}
        />
      </AlertDialogContent>
    </AlertDialog>
  );
}
