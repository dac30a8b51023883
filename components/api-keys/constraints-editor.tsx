"use client";

import { Plus, X } from "lucide-react";

import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import type { FieldError } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { cn } from "@/lib/utils";
import { describeConstraint, describeConstraintLogic } from "@/lib/keys/constraint-text";
import { CONSTRAINT_TYPES, HTTP_METHODS, type ConstraintType, type HttpMethod, type KeyConstraint } from "@/lib/keys/constraints";
import { constraintSchema } from "@/lib/validations/api-key";

/** One row of the editor; `touched` delays messages until the user has had a go at the row. */
export type ConstraintDraft = {
  id: number;
  type: ConstraintType;
  value: string;
  methods: HttpMethod[];
  touched: boolean;
};

const TYPE_LABELS: Record<ConstraintType, string> = {
  exact: "Exact path",
  prefix: "Path prefix",
  regex: "Regular expression",
  verb: "HTTP methods only",
  ip: "Client IP address",
};

const TYPE_HINTS: Record<ConstraintType, string> = {
  exact: "Only this path, e.g. /v1/invoices.",
  prefix: "This path and everything below it, e.g. /v1/invoices/42.",
  regex: "An RE2 pattern that must match the whole path.",
  verb: "Any path, but only with the methods checked below.",
  ip: "Only clients at this address or in this CIDR range (IPv4 or IPv6), e.g. 10.0.0.0/8.",
};

const PLACEHOLDERS: Record<Exclude<ConstraintType, "verb">, string> = {
  exact: "/v1/invoices",
  prefix: "/v1/invoices",
  regex: "/v1/invoices/[0-9]+",
  ip: "10.0.0.0/8",
};

const VALUE_LABELS: Record<Exclude<ConstraintType, "verb">, string> = {
  exact: "Path",
  prefix: "Path",
  regex: "Pattern",
  ip: "Address or range",
};

/** A row's problems, per field, in the words of the server's schema. */
export type ConstraintDraftErrors = { value?: string; methods?: string };

/**
 * Checks a row with the schema the server action and the REST API parse constraints with
 * (lib/validations/api-key.ts), so the editor cannot drift from what the server accepts.
 * Null when the row is valid.
 */
export function constraintDraftErrors(draft: ConstraintDraft): ConstraintDraftErrors | null {
  const result = constraintSchema.safeParse(draftToConstraint(draft));
  if (result.success) return null;
  const errors: ConstraintDraftErrors = {};
  for (const issue of result.error.issues) {
    // "methods.0" (an unknown method) belongs to the methods too; the first message per field wins.
    const field = issue.path[0] === "methods" ? "methods" : "value";
    errors[field] ??= sentence(issue.message);
  }
  return errors;
}

/** The schema's messages are fragments ("Path is required"); the form shows sentences. */
function sentence(message: string): string {
  return /[.!?]$/.test(message) ? message : `${message}.`;
}

function draftToConstraint(draft: ConstraintDraft): KeyConstraint {
  return {
    type: draft.type,
    value: draft.type === "verb" ? "" : draft.value.trim(),
    // Address rules take no methods; checkboxes left from another type must not travel along.
    methods: draft.type === "ip" ? [] : draft.methods,
  };
}

let nextDraftId = 1;

function newConstraintDraft(): ConstraintDraft {
  return { id: nextDraftId++, type: "prefix", value: "", methods: [], touched: false };
}

export type ConstraintsEditorProps = {
  drafts: ConstraintDraft[];
  onChange: (drafts: ConstraintDraft[]) => void;
  /** Show every row's problem, touched or not (after a submit attempt). */
  showAllErrors: boolean;
  maxConstraints: number;
  maxValueLength: number;
  /** A message from the server about the constraints as a whole. */
  error?: FieldError;
  /** Name of the hidden input that carries the rules as JSON. */
  name?: string;
};

/**
 * Inline editor for a key's constraints. Path and method rules are OR'd among themselves, IP rules
 * too, and the two groups are AND'd; no rules means unrestricted. The rows travel to the server
 * action as one JSON-encoded hidden field, which the shared zod schema parses.
 */
export function ConstraintsEditor({
  drafts,
  onChange,
  showAllErrors,
  maxConstraints,
  maxValueLength,
  error,
  name = "constraints",
}: ConstraintsEditorProps) {
  const serverMessages = error ? (typeof error === "string" ? [error] : [...error]) : [];

  function update(id: number, patch: Partial<ConstraintDraft>) {
    onChange(drafts.map((draft) => (draft.id === id ? { ...draft, ...patch } : draft)));
  }

  function remove(id: number, index: number) {
    onChange(drafts.filter((draft) => draft.id !== id));
    // The removed row held focus; move it to a neighbour's remove button or to "Add constraint".
    requestAnimationFrame(() => {
      const target =
        document.getElementById(`constraint-remove-${drafts[index + 1]?.id ?? drafts[index - 1]?.id}`) ??
        document.getElementById("constraint-add");
      target?.focus();
    });
  }

  function add() {
    const draft = newConstraintDraft();
    onChange([...drafts, draft]);
    requestAnimationFrame(() => document.getElementById(`constraint-${draft.id}-type`)?.focus());
  }

  const valid = drafts.filter((draft) => constraintDraftErrors(draft) === null);

  return (
    <fieldset className="grid gap-3" aria-describedby="constraints-summary">
      <legend className="mb-1 text-sm font-medium">Constraints</legend>
      <input type="hidden" name={name} value={JSON.stringify(drafts.map(draftToConstraint))} />

      {drafts.map((draft, index) => {
        const number = index + 1;
        const base = `constraint-${draft.id}`;
        const problems = draft.touched || showAllErrors ? constraintDraftErrors(draft) : null;
        const valueError = problems?.value;
        const methodsError = problems?.methods;
        return (
          <fieldset
            key={draft.id}
            data-invalid={problems ? true : undefined}
            className={cn(
              "grid gap-3 rounded-md border border-border bg-muted/30 p-3",
              problems && "border-destructive/60",
            )}
          >
            <legend className="sr-only">Constraint {number}</legend>
            <div className="-mt-1 -mb-1 flex items-center justify-between">
              <span aria-hidden="true" className="text-xs font-medium text-muted-foreground">
                Constraint {number}
              </span>
              <Button
                id={`constraint-remove-${draft.id}`}
                variant="ghost"
                size="icon-sm"
                aria-label={`Remove constraint ${number}`}
                onClick={() => remove(draft.id, index)}
                className="-mr-1.5 text-muted-foreground hover:text-destructive"
              >
                <X aria-hidden="true" />
              </Button>
            </div>

            <div className="grid gap-3 sm:grid-cols-[12rem_minmax(0,1fr)]">
              <div className="grid content-start gap-2">
                <Label htmlFor={`${base}-type`}>Type</Label>
                <Select
                  id={`${base}-type`}
                  value={draft.type}
                  aria-describedby={`${base}-type-hint`}
                  onChange={(event) => update(draft.id, { type: event.target.value as ConstraintType })}
                >
                  {CONSTRAINT_TYPES.map((type) => (
                    <option key={type} value={type}>
                      {TYPE_LABELS[type]}
                    </option>
                  ))}
                </Select>
                <p id={`${base}-type-hint`} className="text-[13px] text-muted-foreground">
                  {TYPE_HINTS[draft.type]}
                </p>
              </div>
              {draft.type === "verb" ? null : (
                <div className="grid content-start gap-2">
                  <Label htmlFor={`${base}-value`}>{VALUE_LABELS[draft.type]}</Label>
                  <Input
                    id={`${base}-value`}
                    value={draft.value}
                    placeholder={PLACEHOLDERS[draft.type]}
                    maxLength={maxValueLength}
                    autoComplete="off"
                    spellCheck={false}
                    aria-invalid={valueError ? true : undefined}
                    aria-describedby={valueError ? `${base}-value-error` : undefined}
                    onChange={(event) => update(draft.id, { value: event.target.value })}
                    onBlur={() => (draft.touched ? undefined : update(draft.id, { touched: true }))}
                    className="font-mono text-[13px]"
                  />
                  <FieldMessage id={`${base}-value-error`} message={valueError} />
                </div>
              )}
            </div>

            {draft.type === "ip" ? null : (
              <fieldset aria-describedby={methodsError ? `${base}-methods-error` : undefined}>
                <legend className="mb-2 text-sm font-medium">
                  Methods{" "}
                  <span className="font-normal text-muted-foreground">
                    {draft.type === "verb" ? "(at least one)" : "(none checked = any method)"}
                  </span>
                </legend>
                <div className="flex flex-wrap gap-x-4 gap-y-2">
                  {HTTP_METHODS.map((method) => {
                    const id = `${base}-method-${method}`;
                    const checked = draft.methods.includes(method);
                    return (
                      <div key={method} className="flex items-center gap-1.5">
                        <Checkbox
                          id={id}
                          checked={checked}
                          onChange={() =>
                            update(draft.id, {
                              touched: true,
                              methods: HTTP_METHODS.filter((m) => (m === method ? !checked : draft.methods.includes(m))),
                            })
                          }
                        />
                        <Label htmlFor={id} className="font-mono text-xs font-normal">
                          {method}
                        </Label>
                      </div>
                    );
                  })}
                </div>
                <FieldMessage id={`${base}-methods-error`} message={methodsError} className="mt-2" />
              </fieldset>
            )}
          </fieldset>
        );
      })}

      <div className="flex flex-wrap items-center gap-3">
        <Button
          id="constraint-add"
          variant="outline"
          size="sm"
          onClick={add}
          disabled={drafts.length >= maxConstraints}
        >
          <Plus aria-hidden="true" />
          Add constraint
        </Button>
        {drafts.length >= maxConstraints ? (
          <span className="text-[13px] text-muted-foreground">A key can have at most {maxConstraints} constraints.</span>
        ) : null}
      </div>

      <div id="constraints-summary" className="text-[13px] text-muted-foreground">
        <ConstraintsSummary drafts={drafts} valid={valid} />
      </div>

      {serverMessages.length > 0 ? (
        <p role="alert" className="text-[13px] font-medium text-destructive">
          {serverMessages.join(" ")}
        </p>
      ) : null}
    </fieldset>
  );
}

/** A field's problem under it, announced as it appears. */
function FieldMessage({ id, message, className }: { id: string; message: string | undefined; className?: string }) {
  if (!message) return null;
  return (
    <p id={id} aria-live="polite" className={cn("text-[13px] font-medium text-destructive", className)}>
      {message}
    </p>
  );
}

/** In words, what the rules allow together: OR within paths/methods and within IPs, AND across. */
function ConstraintsSummary({ drafts, valid }: { drafts: ConstraintDraft[]; valid: ConstraintDraft[] }) {
  if (drafts.length === 0) return <p>No constraints: this key can call every path with every method, from any address.</p>;
  return (
    <>
      <p>{describeConstraintLogic(drafts)}</p>
      {valid.length > 0 ? (
        <ul className="mt-1 list-disc space-y-0.5 pl-5 font-mono text-xs text-foreground">
          {valid.map((draft) => (
            <li key={draft.id}>{describeConstraint(draftToConstraint(draft))}</li>
          ))}
        </ul>
      ) : null}
    </>
  );
}
