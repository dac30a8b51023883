"use client";

import { UserPlus } from "lucide-react";
import { useRouter } from "next/navigation";
import { startTransition, useActionState, useEffect, useRef, useState, type FormEvent } from "react";

import { CredentialDialog } from "@/components/admin/users/credential-dialog";
import { ROLE_DESCRIPTIONS } from "@/components/admin/users/role-descriptions";
import { Button } from "@/components/ui/button";
import { DialogClose, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { FormField, fieldErrorId } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { toast } from "@/components/ui/toaster";
import { FormAlert } from "@/components/ui/form-alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { createUserAction, type CreateUserState, type RevealedCredential } from "@/lib/actions/users";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { cn } from "@/lib/utils";
import { ROLES, type OnboardingMethod } from "@/lib/validations/admin-user";

/**
 * "Create user": name, email, role and how they get a password (a temporary password or an
 * invite link), then the one-time reveal of that password or link.
 */
export function CreateUserDialog() {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [revealed, setRevealed] = useState<RevealedCredential | null>(null);
  // A new user remounts the form, so nothing from the last one survives.
  const [formKey, setFormKey] = useState(0);

  function onDismiss() {
    const name = revealed?.name;
    setRevealed(null);
    setOpen(false);
    setFormKey((key) => key + 1);
    toast.success(name ? `${name} has been added.` : "User added.");
    router.refresh();
  }

  return (
    <CredentialDialog
      open={open}
      onOpenChange={setOpen}
      revealed={revealed}
      onDismiss={onDismiss}
      trigger={
        <Button>
          <UserPlus aria-hidden="true" />
          Create user
        </Button>
      }
    >
      <CreateUserForm key={formKey} onCreated={setRevealed} />
    </CredentialDialog>
  );
}

const METHODS: { value: OnboardingMethod; label: string; description: string }[] = [
  {
    value: "password",
    label: "Temporary password",
    description: "Keydesk generates a strong password for you to pass on. They can change it after signing in.",
  },
  {
    value: "invite",
    label: "Invite link",
    description: "A one-time link, valid for 7 days, where they choose their own password.",
  },
];

type CreateUserFormProps = {
  onCreated: (created: RevealedCredential) => void;
};

function CreateUserForm({ onCreated }: CreateUserFormProps) {
  const [role, setRole] = useState<(typeof ROLES)[number]>("viewer");
  const [method, setMethod] = useState<OnboardingMethod>("password");
  const [state, formAction, pending] = useActionState(
    async (previous: CreateUserState, form: FormData): Promise<CreateUserState> => {
      const result = await createUserAction(previous, form);
      if (result.created) {
        onCreated(result.created);
        // The password or link goes to the reveal only; this form's state never holds it.
        return { ok: true };
      }
      return result;
    },
    {},
  );
  const errors = state.fieldErrors ?? {};
  const formRef = useRef<HTMLFormElement>(null);

  // After a refused submit, take keyboard and screen-reader users to the first field to fix.
  useEffect(() => {
    if (state.fieldErrors) formRef.current?.querySelector<HTMLElement>("[aria-invalid=true]")?.focus();
  }, [state.fieldErrors]);

  function submit(event: FormEvent<HTMLFormElement>) {
    // Submitting by hand (not via `action`) keeps React from resetting the fields on failure.
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    startTransition(() => formAction(data));
  }

  return (
    <>
      <DialogHeader>
        <DialogTitle>Create user</DialogTitle>
        <DialogDescription>Add a person who signs in to Keydesk. Their role decides what they can do.</DialogDescription>
      </DialogHeader>

      <form ref={formRef} onSubmit={submit} className="grid gap-5" noValidate>
        <FormField label="Name" name="name" required error={errors.name}>
          {(field) => (
            <Input {...field} maxLength={100} autoComplete="off" autoFocus />
          )}
        </FormField>

        <FormField label="Email" name="email" required error={errors.email} hint="They sign in with this address.">
          {(field) => (
            <Input
              {...field}
              type="email"
              maxLength={254}
              autoComplete="off"
              spellCheck={false}
            />
          )}
        </FormField>

        <FormField label="Role" name="role" required error={errors.role} hint={ROLE_DESCRIPTIONS[role]}>
          {(field) => (
            <Select
              {...field}
              value={role}
              onChange={(event) => setRole(event.target.value as (typeof ROLES)[number])}
            >
              {ROLES.map((value) => (
                <option key={value} value={value}>
                  {ROLE_LABELS[value]}
                </option>
              ))}
            </Select>
          )}
        </FormField>

        <fieldset
          className="grid gap-2"
          aria-describedby={errors.method ? fieldErrorId("method") : undefined}
        >
          <legend className="mb-2 text-sm leading-none font-medium">How do they get a password?</legend>
          {METHODS.map((option) => {
            const id = `method-${option.value}`;
            const checked = method === option.value;
            return (
              <label
                key={option.value}
                htmlFor={id}
                className={cn(
                  "flex cursor-pointer gap-3 rounded-md border p-3 transition-colors",
                  checked ? "border-primary bg-primary/5" : "border-border hover:bg-accent/60",
                )}
              >
                <input
                  type="radio"
                  id={id}
                  name="method"
                  value={option.value}
                  checked={checked}
                  onChange={() => setMethod(option.value)}
                  // The visible label wraps the description too; name the radio by its title alone.
                  aria-labelledby={`${id}-label`}
                  aria-describedby={`${id}-description`}
                  className="mt-0.5 size-4 shrink-0 accent-primary"
                />
                <span className="grid gap-1">
                  <span id={`${id}-label`} className="text-sm font-medium">
                    {option.label}
                  </span>
                  <span id={`${id}-description`} className="text-[13px] text-muted-foreground">
                    {option.description}
                  </span>
                </span>
              </label>
            );
          })}
          {errors.method ? (
            <p id={fieldErrorId("method")} role="alert" className="text-[13px] font-medium text-destructive">
              {errors.method.join(" ")}
            </p>
          ) : null}
        </fieldset>

        {state.error && !pending ? (
          <FormAlert>{state.error}</FormAlert>
        ) : null}

        <DialogFooter>
          <DialogClose asChild>
            <Button variant="outline" disabled={pending}>
              Cancel
            </Button>
          </DialogClose>
          <SubmitButton pending={pending} pendingLabel="Creating…">
            {method === "invite" ? "Create and get link" : "Create user"}
          </SubmitButton>
        </DialogFooter>
      </form>
    </>
  );
}
