"use client";

import { startTransition, useActionState, useEffect, useId, useRef, useState, type FormEvent } from "react";

import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { DialogClose, DialogFooter } from "@/components/ui/dialog";
import { FormAlert } from "@/components/ui/form-alert";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
import { SubmitButton } from "@/components/ui/submit-button";
import type { FormState } from "@/lib/actions/form-state";
import { EVENT_TYPE_LIST, type EventTypeInfo } from "@/lib/notifications/event-types";
import { WEBHOOK_DESCRIPTION_MAX_LENGTH, WEBHOOK_URL_MAX_LENGTH } from "@/lib/validations/webhook";

const OFFERED: readonly EventTypeInfo[] = EVENT_TYPE_LIST.filter((event: EventTypeInfo) => !event.pending);

export type ProjectOption = { id: string; name: string };

/** What the edit form starts from. */
export type EditableEndpoint = {
  id: string;
  url: string;
  description: string;
  projectId: string | null;
  eventTypes: string[];
};

export type WebhookFormProps = {
  projects: ProjectOption[];
  endpoint?: EditableEndpoint;
  action: (previous: FormState, form: FormData) => Promise<FormState>;
  submitLabel: string;
  pendingLabel: string;
  /** Called with the action's result when it is `ok`. */
  onSaved: (result: FormState) => void;
};

/** URL, description, scope and event types: the form behind "Add endpoint" and "Edit". */
export function WebhookForm({ projects, endpoint, action, submitLabel, pendingLabel, onSaved }: WebhookFormProps) {
  const [state, formAction, pending] = useActionState(async (previous: FormState, form: FormData) => {
    const result = await action(previous, form);
    if (result.ok) onSaved(result);
    return result;
  }, {});
  const errors = state.fieldErrors ?? {};
  const id = useId();
  const formRef = useRef<HTMLFormElement>(null);
  const [selected, setSelected] = useState<Set<string>>(() => new Set(endpoint?.eventTypes ?? ["key.revoked", "key.leaked", "key.canary_used"]));
  const allSelected = OFFERED.every((event) => selected.has(event.type));
  const formError = state.error && !Object.values(errors).flat().includes(state.error) ? state.error : null;

  useEffect(() => {
    if (state.fieldErrors) formRef.current?.querySelector<HTMLElement>("[aria-invalid=true]")?.focus();
  }, [state.fieldErrors]);

  function submit(event: FormEvent<HTMLFormElement>) {
    // Submitting by hand (not via `action`) keeps React from resetting the fields on failure.
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    startTransition(() => formAction(data));
  }

  function toggle(type: string, on: boolean) {
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(type);
      else next.delete(type);
      return next;
    });
  }

  const eventsError = errors.eventTypes;
  const eventsErrorId = `${id}-events-error`;

  return (
    <form ref={formRef} onSubmit={submit} className="grid gap-5" noValidate>
      {endpoint ? <input type="hidden" name="endpointId" value={endpoint.id} /> : null}

      <FormField
        label="Endpoint URL"
        name="url"
        id={`${id}-url`}
        required
        error={errors.url}
        hint="Keydesk POSTs signed JSON here. It must be https and reachable on the public internet."
      >
        {(field) => (
          <Input
            {...field}
            type="url"
            inputMode="url"
            defaultValue={state.values?.url ?? endpoint?.url ?? ""}
            maxLength={WEBHOOK_URL_MAX_LENGTH}
            placeholder="https://hooks.example.com/keydesk"
            autoComplete="off"
            spellCheck={false}
            className="font-mono text-[13px]"
          />
        )}
      </FormField>

      <FormField label="Description" name="description" id={`${id}-description`} error={errors.description} hint="Optional: who runs the receiver, what it does.">
        {(field) => (
          <Input {...field} defaultValue={state.values?.description ?? endpoint?.description ?? ""} maxLength={WEBHOOK_DESCRIPTION_MAX_LENGTH} autoComplete="off" />
        )}
      </FormField>

      <FormField label="Project" name="projectId" id={`${id}-project`} error={errors.projectId} hint="Events of keys in this project, or of every project.">
        {(field) => (
          <Select {...field} defaultValue={state.values?.projectId ?? endpoint?.projectId ?? ""}>
            <option value="">All projects</option>
            {projects.map((project) => (
              <option key={project.id} value={project.id}>
                {project.name}
              </option>
            ))}
          </Select>
        )}
      </FormField>

      <fieldset className="flex flex-wrap items-center justify-between gap-2" aria-describedby={eventsError ? eventsErrorId : undefined} aria-invalid={eventsError ? true : undefined}>
        {/* The legend must be the fieldset's first child to name the group. */}
        <legend className="float-left text-sm font-medium">Events</legend>
        <Button
          type="button"
          variant="ghost"
          size="sm"
          onClick={() => setSelected(allSelected ? new Set() : new Set(OFFERED.map((event) => event.type)))}
        >
          {allSelected ? "Clear all" : "Select all"}
        </Button>
        <ul className="grid w-full basis-full gap-2 rounded-md border border-border p-3 sm:grid-cols-2">
          {OFFERED.map((event) => {
            const checkboxId = `${id}-${event.type}`;
            return (
              <li key={event.type} className="flex items-start gap-2.5">
                <Checkbox
                  id={checkboxId}
                  name="eventTypes"
                  value={event.type}
                  checked={selected.has(event.type)}
                  onChange={(change) => toggle(event.type, change.target.checked)}
                  aria-describedby={`${checkboxId}-description`}
                  className="mt-0.5"
                />
                <div className="grid gap-0.5 text-sm">
                  <label htmlFor={checkboxId} className="font-mono text-[13px] font-medium">
                    {event.type}
                  </label>
                  <p id={`${checkboxId}-description`} className="text-xs text-muted-foreground">
                    {event.description}
                  </p>
                </div>
              </li>
            );
          })}
        </ul>
        {eventsError ? (
          <p id={eventsErrorId} className="basis-full text-sm text-destructive">
            {[eventsError].flat().join(" ")}
          </p>
        ) : null}
      </fieldset>

      {formError ? <FormAlert>{formError}</FormAlert> : null}
      <DialogFooter>
        <DialogClose asChild>
          <Button variant="outline" disabled={pending}>
            Cancel
          </Button>
        </DialogClose>
        <SubmitButton pending={pending} pendingLabel={pendingLabel}>
          {submitLabel}
        </SubmitButton>
      </DialogFooter>
    </form>
  );
}
