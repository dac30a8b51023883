"use client";

import { startTransition, useActionState, useState, type FormEvent } from "react";

import { CanaryField } from "@/components/api-keys/canary-field";
import { ConstraintsEditor, constraintDraftErrors, type ConstraintDraft } from "@/components/api-keys/constraints-editor";
import type { CreateKeyConfig } from "@/components/api-keys/create-key-config";
import { CreateKeyFooter, type DiscardPrompt } from "@/components/api-keys/create-key-footer";
import { ExpiryField } from "@/components/api-keys/expiry-field";
import { KeyLimitsChoice } from "@/components/api-keys/key-limits-choice";
import { KeyOwnerFields } from "@/components/api-keys/key-owner-fields";
import { ProjectScopeField } from "@/components/api-keys/project-scope-field";
import { useReauthAction } from "@/components/auth/confirm-password-dialog";
import { DialogDescription, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { FormAlert } from "@/components/ui/form-alert";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Textarea } from "@/components/ui/textarea";
import { toast } from "@/components/ui/toaster";
import { createApiKeyAction, type CreateKeyState, type RevealedKey } from "@/lib/actions/api-keys";
import type { ExpiryPreset } from "@/lib/validations/api-key";
import { checkMetadata } from "@/lib/validations/key-fields";

type CreateKeyFormProps = {
  config: CreateKeyConfig;
  onCreated: (key: RevealedKey) => void;
  /** Called on every edit (typing, choosing, adding a constraint). */
  onEdit: () => void;
  /** Set while the dialog asks whether to throw away what was typed. */
  discard: DiscardPrompt | null;
};

/** The create form: every field of a new key, checked in the browser before the action runs. */
export function CreateKeyForm({ config, onCreated, onEdit, discard }: CreateKeyFormProps) {
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const [externalId, setExternalId] = useState("");
  const [metadata, setMetadata] = useState("");
  const [expiry, setExpiry] = useState<ExpiryPreset>(config.defaultExpiry);
  const [customDate, setCustomDate] = useState("");
  const [drafts, setDrafts] = useState<ConstraintDraft[]>([]);
  const [showAllErrors, setShowAllErrors] = useState(false);

  // Creating a management key needs a recent sign-in or the password again (lib/auth/recent-auth.ts).
  const { action: guardedAction, dialog: reauthDialog } = useReauthAction(createApiKeyAction, (retried) => {
    if (retried.created) onCreated(retried.created);
    else toast.error(retried.error ?? "The key was not created.");
  });
  const [state, formAction, pending] = useActionState(
    async (previous: CreateKeyState, form: FormData): Promise<CreateKeyState> => {
      const result = await guardedAction(previous, form);
      if (result.created) {
        onCreated(result.created);
        // The secret goes to the reveal only; this form's state never holds it.
        return { ok: true };
      }
      return result;
    },
    {},
  );
  const errors = state.fieldErrors ?? {};

  function submit(event: FormEvent<HTMLFormElement>) {
    // Submitting by hand (not via `action`) keeps React from resetting the fields on failure.
    event.preventDefault();
    if (!checkMetadata(metadata).ok) {
      setShowAllErrors(true);
      document.getElementById("metadata")?.focus();
      return;
    }
    for (const draft of drafts) {
      const problems = constraintDraftErrors(draft);
      if (!problems) continue;
      setShowAllErrors(true);
      // The first field with a problem: the value, or the first method checkbox.
      document.getElementById(`constraint-${draft.id}-${problems.value ? "value" : "method-GET"}`)?.focus();
      return;
    }
    const data = new FormData(event.currentTarget);
    startTransition(() => formAction(data));
  }

  return (
    <>
      <DialogHeader>
        <DialogTitle>Create API key</DialogTitle>
        <DialogDescription>
          One key per app or partner in {config.project.name}. You will see the key once, right after creating it.
        </DialogDescription>
      </DialogHeader>

      {/* Change events bubble from every field, the uncontrolled limits and canary ones too. */}
      <form onSubmit={submit} onChange={onEdit} className="grid gap-5">
        <input type="hidden" name="projectId" value={config.project.id} />

        <FormField
          label="Name"
          name="name"
          required
          error={errors.name}
          hint="Say which app or partner uses it, e.g. “Stripe invoice sync”."
        >
          {(field) => (
            <Input
              {...field}
              value={name}
              onChange={(event) => setName(event.target.value)}
              maxLength={config.limits.name}
              autoComplete="off"
              autoFocus
            />
          )}
        </FormField>

        <FormField
          label={
            <>
              Description <span className="font-normal text-muted-foreground">(optional)</span>
            </>
          }
          name="description"
          error={errors.description}
          hint={`${description.length} of ${config.limits.description} characters`}
        >
          {(field) => (
            <Textarea
              {...field}
              value={description}
              onChange={(event) => setDescription(event.target.value)}
              maxLength={config.limits.description}
              rows={2}
              placeholder="What it is for, who to ask before revoking it"
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

        <ExpiryField
          config={config}
          value={expiry}
          onChange={setExpiry}
          customDate={customDate}
          onCustomDateChange={setCustomDate}
          errors={{ expiry: errors.expiry, customDate: errors.customDate }}
        />

        {config.scopeProjects ? <ProjectScopeField projects={config.scopeProjects} error={errors.projectScope} /> : null}

        <ConstraintsEditor
          drafts={drafts}
          onChange={(next) => {
            setDrafts(next);
            onEdit();
          }}
          showAllErrors={showAllErrors}
          maxConstraints={config.limits.constraints}
          maxValueLength={config.limits.constraintValue}
          error={errors.constraints}
        />

        <KeyLimitsChoice defaults={config.usageDefaults} errors={{ ratelimits: errors.ratelimits, credits: errors.credits }} />

        <CanaryField defaultChecked={state.values?.canary === "on"} />

        {state.error && !pending ? (
          <FormAlert>
            {state.error}
            {errors.projectId ? ` ${errors.projectId.join(" ")}` : null}
          </FormAlert>
        ) : null}

        <CreateKeyFooter pending={pending} discard={discard} />
      </form>
      {reauthDialog}
    </>
  );
}
