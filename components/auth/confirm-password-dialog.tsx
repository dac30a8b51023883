"use client";
// Re-authentication in the browser: the dialog that asks for the password again, and the hook
// that puts it in front of any server action guarded by requireRecentAuth() (lib/auth/recent-auth.ts).
//
//   const { action, dialog } = useReauthAction(resetUserPasswordAction);
//   …useActionState(action, {})…; render {dialog} anywhere in the component.
//
// When the action answers `reauthRequired`, the dialog opens; once the password is confirmed the
// same form data is submitted again, and the caller sees only the second answer. Cancelling
// leaves the first answer (a message saying why nothing changed).
import { LockKeyhole } from "lucide-react";
import { startTransition, useActionState, useCallback, useState, type FormEvent, type ReactNode } from "react";

import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
} from "@/components/ui/dialog";
import { FormAlert } from "@/components/ui/form-alert";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { SubmitButton } from "@/components/ui/submit-button";
import type { FormState } from "@/lib/actions/form-state";
import { confirmPasswordAction } from "@/lib/actions/reauth";
import { RECENT_AUTH_MS } from "@/lib/auth/session-policy";

export type ConfirmPasswordDialogProps = {
  open: boolean;
  /** true once the password is confirmed; false when the dialog is dismissed. */
  onDone: (confirmed: boolean) => void;
};

export function ConfirmPasswordDialog({ open, onDone }: ConfirmPasswordDialogProps) {
  return (
    <Dialog open={open} onOpenChange={(next) => (next ? undefined : onDone(false))}>
      <DialogContent className="sm:max-w-md">
        {/* Mounted only while open, so a wrong password from last time is not shown again. */}
        {open ? <ConfirmPasswordForm onConfirmed={() => onDone(true)} /> : null}
      </DialogContent>
    </Dialog>
  );
}

function ConfirmPasswordForm({ onConfirmed }: { onConfirmed: () => void }) {
  const [state, formAction, pending] = useActionState(async (previous: FormState, form: FormData) => {
    const result = await confirmPasswordAction(previous, form);
    if (result.ok) onConfirmed();
    return result;
  }, {});

  function submit(event: FormEvent<HTMLFormElement>) {
    // By hand, so that a wrong password stays in the field to be corrected.
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    startTransition(() => formAction(data));
  }

  return (
    <form onSubmit={submit} className="grid gap-4" noValidate>
      <DialogHeader>
        <DialogTitle>Confirm it is you</DialogTitle>
        <DialogDescription>
          Enter your password to continue. Keydesk asks again before sensitive changes when you have not signed in or confirmed it in the
          last {Math.round(RECENT_AUTH_MS / 60_000)} minutes.
        </DialogDescription>
      </DialogHeader>
      <FormField label="Your password" name="password" id="confirm-password" required error={state.fieldErrors?.password}>
        {(field) => <Input {...field} type="password" autoComplete="current-password" autoFocus />}
      </FormField>
      {state.error && !state.fieldErrors && !pending ? <FormAlert>{state.error}</FormAlert> : null}
      <DialogFooter>
        <DialogClose asChild>
          <Button variant="outline" disabled={pending}>
            Cancel
          </Button>
        </DialogClose>
        <SubmitButton pending={pending} pendingLabel="Checking…" icon={<LockKeyhole aria-hidden="true" />}>
          Confirm
        </SubmitButton>
      </DialogFooter>
    </form>
  );
}

/**
 * Wraps a server action so that a `reauthRequired` answer asks for the password and then runs the
 * action again with the same form data. The first answer (a message saying why nothing changed
 * yet) is what the form shows meanwhile; the retry's answer goes to `onRetried`.
 *
 * The retry cannot happen inside the first call: Next.js runs server actions one at a time, so
 * an action that waited for the dialog's own action would wait forever.
 */
export function useReauthAction<S extends FormState>(
  action: (previous: S, form: FormData) => Promise<S>,
  onRetried: (result: S) => void,
): { action: (previous: S, form: FormData) => Promise<S>; dialog: ReactNode } {
  const [retry, setRetry] = useState<{ previous: S; form: FormData } | null>(null);

  const guarded = useCallback(
    async (previous: S, form: FormData): Promise<S> => {
      const result = await action(previous, form);
      if (result.reauthRequired) setRetry({ previous, form });
      return result;
    },
    [action],
  );

  async function onDone(confirmed: boolean) {
    const pending = retry;
    setRetry(null);
    if (confirmed && pending) onRetried(await action(pending.previous, pending.form));
  }

  const dialog = <ConfirmPasswordDialog open={retry !== null} onDone={(confirmed) => void onDone(confirmed)} />;
  return { action: guarded, dialog };
}
