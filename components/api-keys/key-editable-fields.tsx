"use client";

import { Pencil } from "lucide-react";
import { useRouter } from "next/navigation";
import { startTransition, useActionState, useRef, useState, type FormEvent } from "react";

import { KeyOwnerFields } from "@/components/api-keys/key-owner-fields";
import { Button } from "@/components/ui/button";
import { CodeBlock } from "@/components/ui/code-block";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Textarea } from "@/components/ui/textarea";
import { toast } from "@/components/ui/toaster";
import { FormAlert } from "@/components/ui/form-alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { updateApiKeyAction } from "@/lib/actions/api-keys";
import type { FormState } from "@/lib/actions/form-state";
import { checkMetadata } from "@/lib/validations/key-fields";

export type EditableKey = {
  /** The key's Sid (publicId). */
  keyId: string;
  name: string;
  description: string;
  /** The owner, or null. */
  externalId: string | null;
  /** The key's JSON object ({} when unset). */
  metadata: Record<string, unknown>;
};

export type KeyEditableFieldsProps = EditableKey & {
  /** Shows the Edit button; pass `can(user, "keys.update")` and "not revoked". */
  canEdit: boolean;
  limits: { name: number; description: number };
  /** Class names of each `<div>` row, so the rows match the surrounding description list. */
  rowClassName: string;
};

const metadataText = (metadata: Record<string, unknown>) => (Object.keys(metadata).length === 0 ? "" : JSON.stringify(metadata, null, 2));

/**
 * The Name, Description, Owner and Metadata rows of the key's description list, editable in
 * place. Rendered inside the page's `<dl>`, so it returns `<div><dt/><dd/></div>` rows.
 */
export function KeyEditableFields({ canEdit, limits, rowClassName, ...key }: KeyEditableFieldsProps) {
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
        <dt className="sr-only">Name, description, owner and metadata</dt>
        <dd className="sm:col-span-2">
          <EditKeyForm editable={key} limits={limits} onDone={stopEditing} />
        </dd>
      </div>
    );
  }

  const metadata = metadataText(key.metadata);
  return (
    <>
      <div className={rowClassName}>
        <dt className="text-sm text-muted-foreground">Name</dt>
        <dd className="flex min-w-0 items-start justify-between gap-3">
          <span className="text-sm font-medium break-words">{key.name}</span>
          {canEdit ? (
            <Button
              ref={editButton}
              variant="outline"
              size="sm"
              onClick={() => setEditing(true)}
              aria-label="Edit name, description, owner and metadata"
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
          {key.description || <span className="text-muted-foreground">No description</span>}
        </dd>
      </div>
      <div className={rowClassName}>
        <dt className="text-sm text-muted-foreground">Owner</dt>
        <dd className="text-sm break-words">
          {key.externalId ? <code className="font-mono text-[13px]">{key.externalId}</code> : <span className="text-muted-foreground">No owner</span>}
        </dd>
      </div>
      <div className={rowClassName}>
        <dt className="text-sm text-muted-foreground">Metadata</dt>
        <dd className="min-w-0 text-sm">
          {metadata ? (
            <CodeBlock label="Metadata" className="max-h-48 p-2 leading-normal">
              {metadata}
            </CodeBlock>
          ) : (
            <span className="text-muted-foreground">None</span>
          )}
        </dd>
      </div>
    </>
  );
}

type EditKeyFormProps = {
  editable: EditableKey;
  limits: { name: number; description: number };
  onDone: () => void;
};

function EditKeyForm({ editable, limits, onDone }: EditKeyFormProps) {
  const router = useRouter();
  const [name, setName] = useState(editable.name);
  const [description, setDescription] = useState(editable.description);
  const [externalId, setExternalId] = useState(editable.externalId ?? "");
  const [metadata, setMetadata] = useState(metadataText(editable.metadata));
  const [showAllErrors, setShowAllErrors] = useState(false);
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
    if (!checkMetadata(metadata).ok) {
      setShowAllErrors(true);
      document.getElementById("metadata")?.focus();
      return;
    }
    const data = new FormData(event.currentTarget);
    startTransition(() => formAction(data));
  }

  return (
    <form onSubmit={submit} className="grid gap-4">
      <input type="hidden" name="keyId" value={editable.keyId} />
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
      <KeyOwnerFields
        externalId={externalId}
        onExternalIdChange={setExternalId}
        metadata={metadata}
        onMetadataChange={setMetadata}
        showAllErrors={showAllErrors}
        errors={{ externalId: errors.externalId, metadata: errors.metadata }}
      />
      {state.error && !pending ? <FormAlert>{state.error}</FormAlert> : null}
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
