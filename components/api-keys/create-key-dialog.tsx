"use client";

import { Plus } from "lucide-react";
import { useRouter } from "next/navigation";
import {
  createContext,
  startTransition,
  useActionState,
  useContext,
  useState,
  type FormEvent,
  type ReactNode,
} from "react";

import {
  ConstraintsEditor,
  constraintDraftError,
  type ConstraintDraft,
} from "@/components/api-keys/constraints-editor";
import { CanaryField } from "@/components/api-keys/canary-field";
import type { CreateKeyConfig } from "@/components/api-keys/create-key-config";
import { ExpiryField } from "@/components/api-keys/expiry-field";
import { KeyLimitsChoice } from "@/components/api-keys/key-limits-choice";
import { KeyOwnerFields } from "@/components/api-keys/key-owner-fields";
import { KeyRevealDialog } from "@/components/api-keys/key-reveal-dialog";
import { ProjectScopeField } from "@/components/api-keys/project-scope-field";
import { useReauthAction } from "@/components/auth/confirm-password-dialog";
import { Button } from "@/components/ui/button";
import { DialogClose, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Spinner } from "@/components/ui/spinner";
import { Textarea } from "@/components/ui/textarea";
import { toast } from "@/components/ui/toaster";
import { FormAlert } from "@/components/ui/form-alert";
import { createApiKeyAction, type CreateKeyState, type RevealedKey } from "@/lib/actions/api-keys";
import type { ExpiryPreset } from "@/lib/validations/api-key";
import { checkMetadata } from "@/lib/validations/key-fields";

export type CreateKeyDialogProps = {
  /** Built on the server by `createKeyConfig(project, now)`. */
  config: CreateKeyConfig;
};

type CreateKeyControls = { open: boolean; setOpen: (open: boolean) => void };

const CreateKeyContext = createContext<CreateKeyControls | null>(null);

/**
 * Shares the open state of the page's one CreateKeyDialog with CreateKeyButtons elsewhere on
 * the page. There must be one dialog only: a dialog inside the empty state would unmount when
 * the new key's row replaces the empty state, taking the one-time secret with it.
 */
export function CreateKeyProvider({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState(false);
  return <CreateKeyContext value={{ open, setOpen }}>{children}</CreateKeyContext>;
}

/** Another "Create API key" button (e.g. in an empty state) that opens the page's CreateKeyDialog. */
export function CreateKeyButton() {
  const controls = useContext(CreateKeyContext);
  if (!controls) return null;
  return (
    <Button onClick={() => controls.setOpen(true)}>
      <Plus aria-hidden="true" />
      Create API key
    </Button>
  );
}

/**
 * "+ Create API key": the create form in a dialog, then the one-time reveal of the new key.
 * Render it only for users with `keys.create` (the action checks again on the server), in a
 * place that stays mounted when the list changes, such as the page header.
 */
export function CreateKeyDialog({ config }: CreateKeyDialogProps) {
  const router = useRouter();
  const shared = useContext(CreateKeyContext);
  const [localOpen, setLocalOpen] = useState(false);
  const open = shared ? shared.open : localOpen;
  const setOpen = shared ? shared.setOpen : setLocalOpen;
  const [revealed, setRevealed] = useState<RevealedKey | null>(null);
  // A new key remounts the form, so nothing from the last key (values, server state) survives.
  const [formKey, setFormKey] = useState(0);
  // Something typed into the form: closing it (Escape, Cancel, the overlay, X) asks first.
  const [dirty, setDirty] = useState(false);
  const [confirmingDiscard, setConfirmingDiscard] = useState(false);

  function resetForm() {
    setFormKey((key) => key + 1);
    setDirty(false);
    setConfirmingDiscard(false);
  }

  function onOpenChange(next: boolean) {
    if (!next && dirty) setConfirmingDiscard(true);
    else setOpen(next);
  }

  function keepEditing() {
    setConfirmingDiscard(false);
    // The question unmounts with its buttons; focus goes back to the form's first field.
    requestAnimationFrame(() => document.getElementById("name")?.focus());
  }

  function discard() {
    setOpen(false);
    resetForm();
  }

  function onDismiss() {
    setRevealed(null);
    setOpen(false);
    resetForm();
    toast.success("API key created");
    router.refresh();
  }

  return (
    <KeyRevealDialog
      open={open}
      onOpenChange={onOpenChange}
      revealed={revealed}
      onDismiss={onDismiss}
      revealDescription={revealed ? `“${revealed.name}” is ready to use in ${config.project.name}.` : null}
      trigger={
        <Button>
          <Plus aria-hidden="true" />
          Create API key
        </Button>
      }
      contentClassName="max-w-2xl"
    >
      <CreateKeyForm
        key={formKey}
        config={config}
        onCreated={setRevealed}
        onEdit={() => setDirty(true)}
        discard={confirmingDiscard ? { onKeepEditing: keepEditing, onDiscard: discard } : null}
      />
    </KeyRevealDialog>
  );
}

type CreateKeyFormProps = {
  config: CreateKeyConfig;
  onCreated: (key: RevealedKey) => void;
  /** Called on every edit (typing, choosing, adding a constraint). */
  onEdit: () => void;
  /** Set while the dialog asks whether to throw away what was typed. */
  discard: { onKeepEditing: () => void; onDiscard: () => void } | null;
};

function CreateKeyForm({ config, onCreated, onEdit, discard }: CreateKeyFormProps) {
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
    const firstInvalid = drafts.find((draft) => constraintDraftError(draft, config.limits.constraintValue) !== null);
    if (firstInvalid) {
      setShowAllErrors(true);
      document.getElementById(`constraint-${firstInvalid.id}-${firstInvalid.type === "verb" ? "method-GET" : "value"}`)?.focus();
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

        {/* Sticky, so "Create key" stays in reach however many constraints the form grows. */}
        <DialogFooter className="sticky -bottom-6 z-10 -mx-6 -mb-6 border-t border-border bg-popover px-6 py-4">
          {discard ? (
            <div role="alert" className="grid w-full gap-3 rounded-md border border-destructive/30 bg-destructive/10 p-3">
              <p className="text-sm font-medium">Discard this key? What you entered will be lost.</p>
              <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
                <Button variant="outline" onClick={discard.onKeepEditing} autoFocus>
                  Keep editing
                </Button>
                <Button variant="destructive" onClick={discard.onDiscard}>
                  Discard
                </Button>
              </div>
            </div>
          ) : null}
          <DialogClose asChild className={discard ? "hidden" : undefined}>
            <Button variant="outline" disabled={pending}>
              Cancel
            </Button>
          </DialogClose>
          <Button type="submit" disabled={pending} className={discard ? "hidden" : undefined}>
            {pending ? <Spinner label={null} /> : null}
            {pending ? "Creating…" : "Create key"}
          </Button>
        </DialogFooter>
      </form>
      {reauthDialog}
    </>
  );
}
