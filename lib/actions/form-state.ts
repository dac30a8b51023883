// The shape every form action returns to `useActionState`.
export interface FormState {
  ok?: boolean;
  /** Shown as a toast or banner: success or a failure that is not about one field. */
  message?: string;
  error?: string;
  fieldErrors?: Record<string, string[] | undefined>;
  /** The action needs a recent password proof first (lib/auth/recent-auth.ts); see useReauthAction. */
  reauthRequired?: boolean;
  /** Echo of submitted non-secret values, so a failed submit does not clear the form. */
  values?: Record<string, string>;
}

/** A form's text fields by name (files and repeated names' earlier values are left out). */
export function formValues(form: FormData, skip: readonly string[] = []): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of form.entries()) if (typeof value === "string" && !skip.includes(name)) values[name] = value;
  return values;
}
