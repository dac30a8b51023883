"use client";

import { TriangleAlert } from "lucide-react";

import type { CreateKeyConfig } from "@/components/api-keys/create-key-config";
import { formatDate } from "@/lib/dates";
import { DateText } from "@/components/ui/time";
import type { FieldError } from "@/components/ui/form-field";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { cn } from "@/lib/utils";
import type { ExpiryPreset } from "@/lib/validations/api-key";

export type ExpiryFieldProps = {
  config: CreateKeyConfig;
  value: ExpiryPreset;
  onChange: (value: ExpiryPreset) => void;
  customDate: string;
  onCustomDateChange: (value: string) => void;
  errors: { expiry?: FieldError; customDate?: FieldError };
};

function messages(error: FieldError): string {
  if (!error) return "";
  return typeof error === "string" ? error : error.join(" ");
}

function days(n: number) {
  return n === 1 ? "1 day" : `${n} days`;
}

/** Expiry as a radio group (presets the project allows), a date picker for "Custom date". */
export function ExpiryField({ config, value, onChange, customDate, onCustomDateChange, errors }: ExpiryFieldProps) {
  const { project } = config;
  const policy =
    project.maxLifetimeDays !== null
      ? `${project.name} allows keys to live at most ${days(project.maxLifetimeDays)}.`
      : !project.allowNoExpiry
        ? `${project.name} requires every key to expire.`
        : null;
  const expiryError = messages(errors.expiry);

  return (
    <fieldset
      className="grid gap-3"
      aria-describedby={[policy ? "expiry-policy" : null, expiryError ? "expiry-error" : null].filter(Boolean).join(" ") || undefined}
    >
      <legend className="mb-1 text-sm font-medium">Expiry</legend>
      {policy ? (
        <p id="expiry-policy" className="-mt-1 text-[13px] text-muted-foreground">
          {policy}
        </p>
      ) : null}
      <div className="grid grid-cols-2 gap-2 sm:grid-cols-3">
        {config.expiryChoices.map((choice) => {
          const id = `expiry-${choice.value}`;
          return (
            <label
              key={choice.value}
              htmlFor={id}
              className={cn(
                "flex cursor-pointer items-start gap-2.5 rounded-md border border-border px-3 py-2 text-sm transition-colors",
                "hover:bg-accent has-[:checked]:border-primary has-[:checked]:bg-primary/5 has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-ring",
              )}
            >
              <input
                id={id}
                type="radio"
                name="expiry"
                value={choice.value}
                checked={value === choice.value}
                onChange={() => onChange(choice.value)}
                className="mt-0.5 size-4 shrink-0 accent-primary focus-visible:outline-none"
              />
              <span className="grid gap-0.5">
                <span className="font-medium">{choice.label}</span>
                <span className="text-xs text-muted-foreground">
                  {choice.expiresAt ? (
                    <>
                      until <DateText value={choice.expiresAt} />
                    </>
                  ) : choice.value === "custom" ? (
                    "pick a day"
                  ) : (
                    "valid until revoked"
                  )}
                </span>
              </span>
            </label>
          );
        })}
      </div>

      {value === "custom" ? (
        <FormField
          label="Expiry date"
          name="customDate"
          required
          error={errors.customDate}
          hint={`The key works through the end of this day (UTC)${
            config.customDate.max ? `; this project allows ${formatDate(`${config.customDate.max}T12:00:00Z`, "UTC")} at the latest` : ""
          }.`}
          className="sm:max-w-xs"
        >
          {(field) => (
            <Input
              {...field}
              type="date"
              value={customDate}
              min={config.customDate.min}
              max={config.customDate.max ?? undefined}
              onChange={(event) => onCustomDateChange(event.target.value)}
            />
          )}
        </FormField>
      ) : null}

      {value === "never" ? (
        <div className="flex gap-3 rounded-md border border-warning/40 bg-warning/10 px-3 py-2.5 text-sm">
          <TriangleAlert className="mt-0.5 size-4 shrink-0 text-warning" aria-hidden="true" />
          <p>Keys without an expiry stay valid until revoked. Prefer an expiry and rotate.</p>
        </div>
      ) : null}

      {expiryError ? (
        <p id="expiry-error" role="alert" className="text-[13px] font-medium text-destructive">
          {expiryError}
        </p>
      ) : null}
    </fieldset>
  );
}
