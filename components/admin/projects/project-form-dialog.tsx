"use client";

import { Lock, Pencil, Plus } from "lucide-react";
import { startTransition, useActionState, useId, useState, type FormEvent, type ReactNode } from "react";

import { LimitsEditor } from "@/components/limits/limits-editor";
import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { toast } from "@/components/ui/toaster";
import { SubmitButton } from "@/components/ui/submit-button";
import { createProjectAction, updateProjectAction } from "@/lib/actions/projects";
import type { FormState } from "@/lib/actions/form-state";
import type { RateLimitConfig } from "@/lib/keys/limits/types";
import type { CreditsInput } from "@/lib/validations/limits";
import { cn } from "@/lib/utils";
import {
  DEFAULT_ACTIVE_KEY_LIMIT,
  LEAK_POLICIES,
  LIFETIME_PRESETS,
  MAX_ACTIVE_KEY_LIMIT,
  DEFAULT_REQUEST_RETENTION_DAYS,
  MAX_LIFETIME_DAYS,
  MAX_REQUEST_RETENTION_DAYS,
  PROJECT_NAME_MAX_LENGTH,
  PROJECT_SLUG_MAX_LENGTH,
  lifetimeChoice,
  slugify,
  suggestKeyPrefix,
} from "@/lib/validations/project";

/** What the edit form needs to know about a project. */
export type EditableProject = {
  id: string;
  name: string;
  slug: string;
  keyPrefix: string;
  activeKeyLimit: number;
  maxLifetimeDays: number | null;
  allowNoExpiry: boolean;
  requestRetentionDays: number;
  logUnknownKeys: boolean;
  defaultRatelimits: RateLimitConfig[];
  defaultCredits: CreditsInput | null;
  capLimitsAtDefaults: boolean;
  leakPolicy: "revoke" | "report";
  isSystem: boolean;
  /** Keys ever issued: once there is one, the prefix is fixed. */
  totalKeys: number;
};

export type ProjectFormDialogProps = {
  /** Absent: the "New project" dialog. */
  project?: EditableProject;
  /** An icon-only Edit button (table rows); its name and tooltip still say what it edits. */
  compact?: boolean;
};

/** "New project" button or a row's "Edit" button, and the dialog with the project form. */
export function ProjectFormDialog({ project, compact = false }: ProjectFormDialogProps) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        {project ? (
          <Button variant="ghost" size={compact ? "icon-sm" : "sm"} aria-label={`Edit ${project.name}`} title={compact ? "Edit" : undefined}>
            <Pencil aria-hidden="true" />
            {compact ? null : "Edit"}
          </Button>
        ) : (
          <Button>
            <Plus aria-hidden="true" />
            New project
          </Button>
        )}
      </DialogTrigger>
      <DialogContent className="max-w-xl">
        <DialogHeader>
          <DialogTitle>{project ? `Edit ${project.name}` : "New project"}</DialogTitle>
          <DialogDescription>
            {project
              ? "Changes to the limits and lifetime apply to keys created from now on; existing keys keep theirs."
              : "A project groups the keys of one application or partner and sets the rules for them."}
          </DialogDescription>
        </DialogHeader>
        {/* Inside the content, so every opening starts from a fresh form and no stale error. */}
        <ProjectForm project={project} onSaved={() => setOpen(false)} />
      </DialogContent>
    </Dialog>
  );
}

type ProjectFormProps = {
  project?: EditableProject;
  onSaved: () => void;
};

function ProjectForm({ project, onSaved }: ProjectFormProps) {
  const [state, formAction, pending] = useActionState<FormState, FormData>(async (previous, form) => {
    const result = await (project ? updateProjectAction : createProjectAction)(previous, form);
    if (result.ok) {
      toast.success(result.message ?? "Saved.");
      onSaved();
    }
    return result;
  }, {});
  const values = state.values;
  const errors = state.fieldErrors ?? {};
  const idPrefix = useId();

  const [name, setName] = useState(values?.name ?? project?.name ?? "");
  // On a new project the slug and prefix follow the name until the user types their own.
  const [slug, setSlug] = useState<string | null>(values?.slug ?? (project ? project.slug : null));
  const [keyPrefix, setKeyPrefix] = useState<string | null>(values?.keyPrefix ?? (project ? project.keyPrefix : null));
  const [lifetime, setLifetime] = useState(values?.maxLifetime ?? (project ? lifetimeChoice(project.maxLifetimeDays) : "unlimited"));

  const prefixLock: ReactNode = project?.isSystem
    ? "Fixed: management tools recognise this project's keys by it."
    : project && project.totalKeys > 0
      ? `Fixed: ${project.totalKeys === 1 ? "a key already starts" : `${project.totalKeys} keys already start`} with it.`
      : null;
  const unlimited = lifetime === "unlimited";
  const lifetimeError = errors.maxLifetimeDays;
  // A field's own message is already shown beside it; repeat only what no field shows.
  const formError = state.error && !Object.values(errors).flat().includes(state.error) ? state.error : null;
  const customDays =
    values?.maxLifetimeCustom ??
    (project && lifetimeChoice(project.maxLifetimeDays) === "custom" ? String(project.maxLifetimeDays) : "");

  // Not `action={formAction}`: React resets a form after its action, and the controlled selects,
  // checkboxes and the limits editor would then show other values than they hold.
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    startTransition(() => formAction(data));
  }

  return (
    <form onSubmit={submit} className="grid gap-5" noValidate>
      {project ? <input type="hidden" name="projectId" value={project.id} /> : null}

      <FormField label="Name" name="name" id={`${idPrefix}-name`} error={errors.name} required>
        {(field) => (
          <Input
            {...field}
            value={name}
            onChange={(event) => setName(event.target.value)}
            maxLength={PROJECT_NAME_MAX_LENGTH}
            autoComplete="off"
            placeholder="e.g. Billing service"
          />
        )}
      </FormField>

      <div className="grid gap-5 sm:grid-cols-2">
        <FormField
          label="Slug"
          name="slug"
          id={`${idPrefix}-slug`}
          error={errors.slug}
          hint={project ? "Used in API URLs; links using the old slug stop working." : "Used in API URLs. Lowercase letters, digits and dashes."}
        >
          {(field) => (
            <Input
              {...field}
              value={slug ?? slugify(name)}
              onChange={(event) => setSlug(event.target.value)}
              maxLength={PROJECT_SLUG_MAX_LENGTH}
              autoComplete="off"
              spellCheck={false}
              className="font-mono"
            />
          )}
        </FormField>

        <FormField
          label="Key prefix"
          name="keyPrefix"
          id={`${idPrefix}-prefix`}
          error={errors.keyPrefix}
          required={!prefixLock}
          hint={prefixLock ?? "Secrets start with it, e.g. bill_…. 2–12 lowercase letters or digits; fixed once a key exists."}
        >
          {(field) => (
            <div className="relative">
              <Input
                {...field}
                value={keyPrefix ?? suggestKeyPrefix(name)}
                onChange={(event) => setKeyPrefix(event.target.value)}
                readOnly={Boolean(prefixLock)}
                maxLength={12}
                autoComplete="off"
                spellCheck={false}
                className={cn("font-mono", prefixLock && "pr-9")}
              />
              {prefixLock ? (
                <Lock className="pointer-events-none absolute top-1/2 right-3 size-4 -translate-y-1/2 text-muted-foreground" aria-hidden="true" />
              ) : null}
            </div>
          )}
        </FormField>
      </div>

      <div className="grid gap-5 sm:grid-cols-2">
        <FormField
          label="Active-key limit"
          name="activeKeyLimit"
          id={`${idPrefix}-limit`}
          error={errors.activeKeyLimit}
          hint={`Most keys that may be active at once (1–${MAX_ACTIVE_KEY_LIMIT}).`}
          required
        >
          {(field) => (
            <Input
              {...field}
              type="number"
              inputMode="numeric"
              min={1}
              max={MAX_ACTIVE_KEY_LIMIT}
              step={1}
              defaultValue={values?.activeKeyLimit ?? project?.activeKeyLimit ?? DEFAULT_ACTIVE_KEY_LIMIT}
            />
          )}
        </FormField>

        <div className="grid content-start gap-2">
          <FormField
            label="Maximum key lifetime"
            name="maxLifetime"
            id={`${idPrefix}-lifetime`}
            error={lifetime === "custom" ? undefined : lifetimeError}
            hint={unlimited ? "Keys may live as long as their creator chooses." : "New keys must expire within it."}
          >
            {(field) => (
              <Select {...field} value={lifetime} onChange={(event) => setLifetime(event.target.value)}>
                {LIFETIME_PRESETS.map((preset) => (
                  <option key={preset.value} value={preset.value}>
                    {preset.label}
                  </option>
                ))}
                <option value="custom">Custom number of days…</option>
              </Select>
            )}
          </FormField>
          {lifetime === "custom" ? (
            <FormField label="Days" name="maxLifetimeCustom" id={`${idPrefix}-days`} error={lifetimeError} required>
              {(field) => (
                <Input
                  {...field}
                  type="number"
                  inputMode="numeric"
                  min={1}
                  max={MAX_LIFETIME_DAYS}
                  step={1}
                  defaultValue={customDays}
                  placeholder="e.g. 180"
                />
              )}
            </FormField>
          ) : null}
        </div>
      </div>

      <div className="grid gap-1.5">
        <div className="flex items-start gap-2.5">
          <Checkbox
            id={`${idPrefix}-no-expiry`}
            name="allowNoExpiry"
            className="mt-0.5"
            disabled={!unlimited}
            aria-describedby={`${idPrefix}-no-expiry-hint`}
            // Remounted when the lifetime changes, so the box reflects what will be stored.
            key={unlimited ? "open" : "limited"}
            defaultChecked={unlimited && (values ? values.allowNoExpiry === "on" : (project?.allowNoExpiry ?? true))}
          />
          <Label htmlFor={`${idPrefix}-no-expiry`} className="leading-snug">
            Allow keys without expiry
          </Label>
        </div>
        <p id={`${idPrefix}-no-expiry-hint`} className="pl-6.5 text-[13px] text-muted-foreground">
          {unlimited
            ? "When off, every new key must have an expiry date."
            : "Not available with a maximum lifetime: every key expires within it."}
        </p>
      </div>

      <fieldset className="grid gap-3">
        <legend className="mb-1 text-sm font-medium">Request trail</legend>
        <FormField
          label="Keep requests for (days)"
          name="requestRetentionDays"
          id={`${idPrefix}-retention`}
          error={errors.requestRetentionDays}
          hint={`1 to ${MAX_REQUEST_RETENTION_DAYS} days. Older requests are deleted a whole day at a time.`}
        >
          {(field) => (
            <Input
              {...field}
              type="number"
              inputMode="numeric"
              min={1}
              max={MAX_REQUEST_RETENTION_DAYS}
              step={1}
              defaultValue={values?.requestRetentionDays ?? String(project?.requestRetentionDays ?? DEFAULT_REQUEST_RETENTION_DAYS)}
              className="w-32"
            />
          )}
        </FormField>
        <div className="grid gap-1.5">
          <div className="flex items-start gap-2.5">
            <Checkbox
              id={`${idPrefix}-unknown`}
              name="logUnknownKeys"
              className="mt-0.5"
              aria-describedby={`${idPrefix}-unknown-hint`}
              defaultChecked={values ? values.logUnknownKeys === "on" : (project?.logUnknownKeys ?? false)}
            />
            <Label htmlFor={`${idPrefix}-unknown`} className="leading-snug">
              Log requests with unknown or malformed keys one by one
            </Label>
          </div>
          <p id={`${idPrefix}-unknown-hint`} className="pl-6.5 text-[13px] text-muted-foreground">
            They are always counted. Logged, they show up on the Requests page with their path and client, but without a key.
          </p>
        </div>
      </fieldset>
      <div className="grid gap-3 border-t border-border pt-4">
        <LimitsEditor
          initialRatelimits={project?.defaultRatelimits ?? []}
          initialCredits={project?.defaultCredits ?? null}
          names={{ ratelimits: "defaultRatelimits", credits: "defaultCredits" }}
          errors={{ ratelimits: errors.defaultRatelimits, credits: errors.defaultCredits }}
          description="Keys created without limits of their own get these. The create dialog shows them and can set others."
        />
        <div className="grid gap-1.5">
          <div className="flex items-start gap-2.5">
            <Checkbox
              id={`${idPrefix}-cap-limits`}
              name="capLimitsAtDefaults"
              className="mt-0.5"
              aria-describedby={`${idPrefix}-cap-limits-hint`}
              defaultChecked={values ? values.capLimitsAtDefaults === "on" : (project?.capLimitsAtDefaults ?? false)}
            />
            <Label htmlFor={`${idPrefix}-cap-limits`} className="leading-snug">
              Keys may not exceed these limits
            </Label>
          </div>
          <p id={`${idPrefix}-cap-limits-hint`} className="pl-6.5 text-[13px] text-muted-foreground">
            When on, a key&apos;s own limits must be at least as strict, and a key cannot go without them.
          </p>
        </div>
      </div>
      <FormField
        label="When a key is reported leaked"
        name="leakPolicy"
        id={`${idPrefix}-leak-policy`}
        error={errors.leakPolicy}
        hint="Reports come from secret scanners through POST /api/v1/keys/leaked. Either way, administrators are alerted."
      >
        {(field) => (
          <Select {...field} defaultValue={values?.leakPolicy ?? project?.leakPolicy ?? "revoke"}>
            {LEAK_POLICIES.map((policy) => (
              <option key={policy.value} value={policy.value}>
                {policy.label}
              </option>
            ))}
          </Select>
        )}
      </FormField>

      <p role="alert" aria-live="polite" className="text-sm font-medium text-destructive empty:hidden">
        {formError}
      </p>

      <DialogFooter>
        <DialogClose asChild>
          <Button variant="outline">Cancel</Button>
        </DialogClose>
        <SubmitButton pending={pending} pendingLabel={project ? "Saving…" : "Creating…"}>
          {project ? "Save changes" : "Create project"}
        </SubmitButton>
      </DialogFooter>
    </form>
  );
}
