"use client";

import { Pencil } from "lucide-react";
import { useRouter } from "next/navigation";
import { startTransition, useActionState, useRef, useState, type FormEvent } from "react";

import { Button } from "@/components/ui/button";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Textarea } from "@/components/ui/textarea";
import { toast } from "@/components/ui/toaster";
import { FormAlert } from "@/components/ui/form-alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { updateApiKeyAction } from "@/lib/actions/api-keys";
import type { FormState } from "@/lib/actions/form-state";

export type KeyNameFieldsProps = {
  /** The key's Sid (publicId). */
  keyId: string;
  name: string;
  description: string;
  /** Shows the Edit button; pass `can(user, "keys.update")` and "not revoked". */
  canEdit: boolean;
  limits: { name: number; description: number };
  /** Class names of each `<div>` row, so the rows match the surrounding description list. */
  rowClassName: string;
};

/**
 * The Name and Description rows of the key's description list, editable in place. Rendered
 * inside the page's `<dl>`, so it returns `<div><dt/><dd/></div>` rows.
 */
export function KeyNameFields({ keyId, name, description, canEdit, limits, rowClassName }: KeyNameFieldsProps) {
  const [editing, setEditing] = useState(false);
  const editButton = useRef<HTMLButtonElement>(null);

  function stopEditing() {
    setEditing(false);
    // The form held focus; give it back to the button that opened it.
    requestAnimationFrame(() => editButton.current?.focus());
  }

  if (editing) {
    return (
      <div className={rowClassName}>
        <dt className="sr-only">Name and description</dt>
        <dd className="sm:col-span-2">
          <EditKeyForm keyId={keyId} name={name} description={description} limits={limits} onDone={stopEditing} />
        </dd>
      </div>
    );
  }

  return (
    <>
      <div className={rowClassName}>
        <dt className="text-sm text-muted-foreground">Name</dt>
        <dd className="flex min-w-0 items-start justify-between gap-3">
          <span className="text-sm font-medium break-words">{name}</span>
          {canEdit ? (
            <Button
              ref={editButton}
              variant="outline"
              size="sm"
              onClick={() => setEditing(true)}
              aria-label="Edit name and description"
              className="-my-1"
            >
              <Pencil aria-hidden="true" />
              Edit
            </Button>
          ) : null}
        </dd>
      </div>
      <div className={rowClassName}>
        <dt className="text-sm text-muted-foreground">Description</dt>
        <dd className="text-sm break-words whitespace-pre-line">
          {description || <span className="text-muted-foreground">No description</span>}
        </dd>
      </div>
    </>
  );
}

type EditKeyFormProps = {
  keyId: string;
  name: string;
  description: string;
  limits: { name: number; description: number };
  onDone: () => void;
};

function EditKeyForm({ keyId, name: initialName, description: initialDescription, limits, onDone }: EditKeyFormProps) {
  const router = useRouter();
  const [name, setName] = useState(initialName);
  const [description, setDescription] = useState(initialDescription);
  const [state, formAction, pending] = useActionState(async (previous: FormState, form: FormData) => {
    const result = await updateApiKeyAction(previous, form);
    if (result.ok) {
      toast.success(result.message ?? "Saved.");
      router.refresh();
      onDone();
    }
    return result;
  }, {});
  const errors = state.fieldErrors ?? {};

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    startTransition(() => formAction(data));
  }

  return (
    <form onSubmit={submit} className="grid gap-4">
      <input type="hidden" name="keyId" value={keyId} />
      <FormField label="Name" name="name" required error={errors.name}>
        {(field) => (
          <Input
            {...field}
            value={name}
            onChange={(event) => setName(event.target.value)}
            maxLength={limits.name}
            autoComplete="off"
            autoFocus
          />
        )}
      </FormField>
      <FormField
        label="Description"
        name="description"
        error={errors.description}
        hint={`${description.length} of ${limits.description} characters`}
      >
        {(field) => (
          <Textarea
            {...field}
            value={description}
            onChange={(event) => setDescription(event.target.value)}
            maxLength={limits.description}
            rows={3}
          />
        )}
      </FormField>
      {state.error && !pending ? (
        <FormAlert>{state.error}</FormAlert>
      ) : null}
      <div className="flex flex-wrap gap-2">
        <SubmitButton pending={pending} pendingLabel="Saving…">
          Save
        </SubmitButton>
        <Button variant="outline" onClick={onDone} disabled={pending}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
