"use client";

import { startTransition, useActionState, useRef, type FormEvent } from "react";

import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { toast } from "@/components/ui/toaster";
import { FormAlert } from "@/components/ui/form-alert";
import { SubmitButton } from "@/components/ui/submit-button";
import type { FormState } from "@/lib/actions/form-state";
import { changePasswordAction } from "@/lib/actions/profile";
import { MIN_PASSWORD_LENGTH } from "@/lib/auth/password-policy";

export type ChangePasswordFormProps = {
  email: string;
  /** "Temporary password" on the forced change after signing in with one. */
  currentPasswordLabel?: string;
  /** Called after a successful change (instead of only the toast). */
  onChanged?: () => void;
};

/** Current password, new password and confirmation; the fields are cleared once it worked. */
export function ChangePasswordForm({ email, currentPasswordLabel = "Current password", onChanged }: ChangePasswordFormProps) {
  const formRef = useRef<HTMLFormElement>(null);
  const [state, formAction, pending] = useActionState(async (previous: FormState, form: FormData) => {
    const result = await changePasswordAction(previous, form);
    if (result.ok) {
      formRef.current?.reset();
      toast.success(result.message ?? "Password changed.");
      onChanged?.();
    }
    return result;
  }, {});
  const errors = state.fieldErrors ?? {};

  function submit(event: FormEvent<HTMLFormElement>) {
    // Submitting by hand keeps what was typed when the server refuses it (e.g. a typo in "confirm").
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    startTransition(() => formAction(data));
  }

  return (
    <form ref={formRef} onSubmit={submit} className="grid gap-4" noValidate>
      {/* Lets password managers file the new password under the right account. */}
      <input type="text" name="username" autoComplete="username" value={email} readOnly hidden />
      <FormField label={currentPasswordLabel} name="currentPassword" required error={errors.currentPassword}>
        {(field) => <Input {...field} type="password" autoComplete="current-password" />}
      </FormField>
      <FormField
        label="New password"
        name="password"
        id="new-password"
        required
        error={errors.password}
        hint={`At least ${MIN_PASSWORD_LENGTH} characters. A few unrelated words make a strong one.`}
      >
        {(field) => <Input {...field} type="password" autoComplete="new-password" />}
      </FormField>
      <FormField label="Confirm new password" name="confirmPassword" required error={errors.confirmPassword}>
        {(field) => <Input {...field} type="password" autoComplete="new-password" />}
      </FormField>
      {state.error && !pending && !state.fieldErrors ? (
        <FormAlert>{state.error}</FormAlert>
      ) : null}
      <div>
        <SubmitButton pending={pending} pendingLabel="Changing…">
          Change password
        </SubmitButton>
      </div>
    </form>
  );
}
