import type { ReactNode } from "react";

import { cn } from "@/lib/utils";
import { Label } from "@/components/ui/label";

/** Field errors as they come from validation (`zod`'s `flatten().fieldErrors` gives `string[]`). */
export type FieldError = string | readonly string[] | null | undefined;

export type FieldControlOptions = {
  /** The control's `name` (form data key). */
  name: string;
  /** The control's `id`; defaults to `name`. Hint and error ids derive from it. */
  id?: string;
  error?: FieldError;
  /** Pass `true` (or the hint text) when the field shows a hint. */
  hint?: ReactNode;
  required?: boolean;
  /** Extra ids to append to `aria-describedby`. */
  describedBy?: string;
};

export type FieldControlProps = {
  id: string;
  name: string;
  "aria-invalid": true | undefined;
  "aria-describedby": string | undefined;
  "aria-required": true | undefined;
  required: boolean | undefined;
};

function errorMessages(error: FieldError): string[] {
  if (!error) return [];
  return (typeof error === "string" ? [error] : [...error]).filter((m) => m.length > 0);
}

export function fieldErrorId(idOrName: string) {
  return `${idOrName}-error`;
}

export function fieldHintId(idOrName: string) {
  return `${idOrName}-hint`;
}

/**
 * Props that wire a control to its label, hint and error:
 * `<Input {...fieldControlProps({ name: "email", error })} type="email" />` gives
 * `id="email" name="email"`, `aria-invalid` when there is an error, and
 * `aria-describedby="email-hint email-error"` (only the parts that are shown).
 */
export function fieldControlProps({ name, id, error, hint, required, describedBy }: FieldControlOptions): FieldControlProps {
  const controlId = id ?? name;
  const hasError = errorMessages(error).length > 0;
  const ids = [hint ? fieldHintId(controlId) : null, hasError ? fieldErrorId(controlId) : null, describedBy ?? null]
    .filter(Boolean)
    .join(" ");
  return {
    id: controlId,
    name,
    "aria-invalid": hasError ? true : undefined,
    "aria-describedby": ids || undefined,
    "aria-required": required ? true : undefined,
    required: required || undefined,
  };
}

export type FormFieldProps = {
  /** Visible label text. */
  label: ReactNode;
  /** The control's `name`; also its `id` unless `id` is given. */
  name: string;
  id?: string;
  hint?: ReactNode;
  error?: FieldError;
  required?: boolean;
  className?: string;
  /**
   * The control. Either a render function that receives the wiring props
   * (`{(field) => <Input {...field} type="email" />}`) — recommended — or an element to
   * which you apply `fieldControlProps(...)` yourself.
   */
  children: ReactNode | ((field: FieldControlProps) => ReactNode);
};

/**
 * A labelled form field: visible `<label for>`, the control, an optional hint
 * (`id="<id>-hint"`) and the error message (`id="<id>-error"`, `role="alert"`,
 * rendered only when there is an error so it is announced when it appears).
 * Required fields get a visual "*" plus the `required` attribute on the control.
 */
export function FormField({ label, name, id, hint, error, required, className, children }: FormFieldProps) {
  const field = fieldControlProps({ name, id, error, hint, required });
  const messages = errorMessages(error);
  return (
    <div data-slot="form-field" data-invalid={messages.length > 0 || undefined} className={cn("grid content-start gap-2", className)}>
      <Label htmlFor={field.id} className="gap-1">
        {label}
        {required ? (
          <span aria-hidden="true" className="text-destructive">
            *
          </span>
        ) : null}
      </Label>
      {typeof children === "function" ? children(field) : children}
      {hint ? (
        <p id={fieldHintId(field.id)} className="text-[13px] text-muted-foreground">
          {hint}
        </p>
      ) : null}
      {messages.length > 0 ? (
        <p id={fieldErrorId(field.id)} role="alert" aria-live="polite" className="text-[13px] font-medium text-destructive">
          {messages.join(" ")}
        </p>
      ) : null}
    </div>
  );
}
