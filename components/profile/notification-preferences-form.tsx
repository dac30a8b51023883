"use client";

import { useRouter } from "next/navigation";
import { startTransition, useActionState, type FormEvent } from "react";

import { Checkbox } from "@/components/ui/checkbox";
import { FormAlert } from "@/components/ui/form-alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { toast } from "@/components/ui/toaster";
import type { FormState } from "@/lib/actions/form-state";
import { updateNotificationPreferencesAction } from "@/lib/actions/notification-preferences";

export type NotificationPreferencesFormProps = {
  emailReminders: boolean;
  emailAlerts: boolean;
};

const OPTIONS = [
  {
    name: "emailReminders",
    label: "Expiry reminders and weekly digest",
    description: "7 days and 1 day before a key you created (or, as an administrator, any key) expires, and a weekly list of keys unused for 90 days.",
  },
  {
    name: "emailAlerts",
    label: "Security alerts",
    description: "At once when a key is reported leaked or a canary key is tried.",
  },
] as const;

/** The signed-in user's own email opt-outs. */
export function NotificationPreferencesForm(props: NotificationPreferencesFormProps) {
  const router = useRouter();
  const [state, formAction, pending] = useActionState(async (previous: FormState, form: FormData) => {
    const result = await updateNotificationPreferencesAction(previous, form);
    if (result.ok) {
      toast.success(result.message ?? "Saved.");
      router.refresh();
    }
    return result;
  }, {});

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    startTransition(() => formAction(data));
  }

  return (
    <form onSubmit={submit} className="grid gap-4" noValidate>
      <fieldset className="grid gap-3">
        <legend className="sr-only">Email me about</legend>
        {OPTIONS.map((option) => (
          <div key={option.name} className="flex items-start gap-2.5">
            <Checkbox
              id={`pref-${option.name}`}
              name={option.name}
              defaultChecked={props[option.name]}
              aria-describedby={`pref-${option.name}-description`}
              className="mt-0.5"
            />
            <label htmlFor={`pref-${option.name}`} className="grid gap-0.5 text-sm">
              <span className="font-medium">{option.label}</span>
              <span id={`pref-${option.name}-description`} className="text-muted-foreground">
                {option.description}
              </span>
            </label>
          </div>
        ))}
      </fieldset>
      {state.error && !pending ? <FormAlert>{state.error}</FormAlert> : null}
      <div>
        <SubmitButton pending={pending} pendingLabel="Saving…">
          Save email settings
        </SubmitButton>
      </div>
    </form>
  );
}
