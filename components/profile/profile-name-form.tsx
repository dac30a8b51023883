"use client";

import { useRouter } from "next/navigation";
import { startTransition, useActionState, type FormEvent } from "react";

import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { toast } from "@/components/ui/toaster";
import { FormAlert } from "@/components/ui/form-alert";
import { SubmitButton } from "@/components/ui/submit-button";
import type { FormState } from "@/lib/actions/form-state";
import { updateProfileAction } from "@/lib/actions/profile";

export type ProfileNameFormProps = {
  name: string;
};

/** The signed-in user's display name, shown in the top bar and the audit log's summaries. */
export function ProfileNameForm({ name }: ProfileNameFormProps) {
  const router = useRouter();
  const [state, formAction, pending] = useActionState(async (previous: FormState, form: FormData) => {
    const result = await updateProfileAction(previous, form);
    if (result.ok) {
      toast.success(result.message ?? "Saved.");
      router.refresh();
    }
    return result;
  }, {});

  function submit(event: FormEvent<HTMLFormElement>) {
    // Submitting by hand (not via `action`) keeps React from resetting the field on failure.
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    startTransition(() => formAction(data));
  }

  return (
    <form onSubmit={submit} className="grid gap-4" noValidate>
      <FormField label="Name" name="name" id="profile-name" required error={state.fieldErrors?.name}>
        {(field) => <Input {...field} defaultValue={name} maxLength={100} autoComplete="name" />}
      </FormField>
      {state.error && !pending && !state.fieldErrors ? (
        <FormAlert>{state.error}</FormAlert>
      ) : null}
      <div>
        <SubmitButton pending={pending} pendingLabel="Saving…">
          Save name
        </SubmitButton>
      </div>
    </form>
  );
}
