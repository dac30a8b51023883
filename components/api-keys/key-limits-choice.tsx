"use client";

import { useId, useState } from "react";

import { LimitsEditor } from "@/components/limits/limits-editor";
import type { FieldError } from "@/components/ui/form-field";
import { Label } from "@/components/ui/label";
import { describeLimits, type LimitDefaults } from "@/lib/validations/limits";

export type KeyLimitsChoiceProps = {
  defaults: LimitDefaults;
  errors: { ratelimits?: FieldError; credits?: FieldError };
};

/**
 * The create dialog's usage limits: the project's defaults, shown as they are, or limits of the
 * key's own, starting from the defaults. With the defaults nothing is submitted and the server
 * applies them; a project that caps limits says so, and the server refuses anything looser.
 */
export function KeyLimitsChoice({ defaults, errors }: KeyLimitsChoiceProps) {
  const id = useId();
  const hasServerError = Boolean(errors.ratelimits || errors.credits);
  const [own, setOwn] = useState(hasServerError);
  const summary = describeLimits(defaults);
  return (
    <fieldset className="grid gap-3">
      <legend className="mb-1 text-sm font-medium">Usage limits</legend>
      <div className="grid gap-2 text-sm" role="radiogroup" aria-describedby={`${id}-cap`}>
        <div className="flex items-start gap-2.5">
          <input
            type="radio"
            id={`${id}-defaults`}
            name={`${id}-mode`}
            className="mt-1 size-4 accent-primary"
            checked={!own}
            onChange={() => setOwn(false)}
          />
          <Label htmlFor={`${id}-defaults`} className="leading-snug font-normal">
            Use the project&apos;s defaults: <span className="font-medium">{summary === "None" ? "no limits" : summary}</span>
          </Label>
        </div>
        <div className="flex items-start gap-2.5">
          <input
            type="radio"
            id={`${id}-own`}
            name={`${id}-mode`}
            className="mt-1 size-4 accent-primary"
            checked={own}
            onChange={() => setOwn(true)}
          />
          <Label htmlFor={`${id}-own`} className="leading-snug font-normal">
            Set limits for this key
          </Label>
        </div>
        <p id={`${id}-cap`} className="pl-6.5 text-[13px] text-muted-foreground">
          {defaults.capped
            ? "This project does not allow limits looser than its defaults, nor keys without them."
            : "Limits apply at verification: RATE_LIMITED over a rate limit, USAGE_EXCEEDED when the credits run out."}
        </p>
      </div>
      {own ? (
        <div className="rounded-md border border-border p-3">
          <LimitsEditor
            initialRatelimits={defaults.ratelimits}
            initialCredits={defaults.credits}
            names={{ ratelimits: "ratelimits", credits: "credits" }}
            errors={errors}
          />
        </div>
      ) : null}
    </fieldset>
  );
}
