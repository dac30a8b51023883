"use client";

import { Plus, X } from "lucide-react";
import { useId, useState } from "react";

import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import type { FieldError } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { MAX_RATE_LIMITS, RATE_LIMIT_NAME_MAX_LENGTH, type RateLimitConfig } from "@/lib/keys/limits/types";
import { cn } from "@/lib/utils";
import { creditsFieldSchema, describeRateLimit, ratelimitsFieldSchema, type CreditsInput } from "@/lib/validations/limits";

const UNITS = [
  { value: "s", label: "seconds", ms: 1_000 },
  { value: "m", label: "minutes", ms: 60_000 },
  { value: "h", label: "hours", ms: 3_600_000 },
  { value: "d", label: "days", ms: 86_400_000 },
] as const;
type Unit = (typeof UNITS)[number]["value"];

type RateLimitDraft = { id: number; name: string; limit: string; every: string; unit: Unit; touched: boolean };
type CreditsDraft = { enabled: boolean; remaining: string; interval: "none" | "daily" | "monthly"; amount: string; refillDay: string };

let nextId = 1;

function toDraft(r: RateLimitConfig): RateLimitDraft {
  const unit = [...UNITS].reverse().find((u) => r.durationMs % u.ms === 0) ?? UNITS[0];
  return { id: nextId++, name: r.name, limit: String(r.limit), every: String(r.durationMs / unit.ms), unit: unit.value, touched: false };
}

function creditsDraft(c: CreditsInput | null): CreditsDraft {
  return {
    enabled: c !== null,
    remaining: c ? String(c.remaining) : "",
    interval: c?.refill?.interval ?? "none",
    amount: c?.refill ? String(c.refill.amount) : "",
    refillDay: c?.refill?.refillDay ? String(c.refill.refillDay) : "1",
  };
}

/** Text → number for the JSON the server parses; blank or garbage → null, which it refuses. */
function num(text: string): number | null {
  if (text.trim() === "") return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

function ratelimitsJson(drafts: RateLimitDraft[]) {
  return drafts.map((d) => {
    const every = num(d.every);
    const unitMs = UNITS.find((u) => u.value === d.unit)?.ms ?? 1_000;
    return { ...(d.name.trim() ? { name: d.name.trim() } : {}), limit: num(d.limit), duration: every === null ? null : Math.round(every * unitMs * 1000) / 1000 };
  });
}

function creditsJson(draft: CreditsDraft) {
  if (!draft.enabled) return null;
  const refill =
    draft.interval === "none"
      ? null
      : { interval: draft.interval, amount: num(draft.amount), ...(draft.interval === "monthly" ? { refillDay: num(draft.refillDay) } : {}) };
  return { remaining: num(draft.remaining), refill };
}

const messages = (error: FieldError) => (error ? (typeof error === "string" ? [error] : [...error]) : []);

export type LimitsEditorProps = {
  initialRatelimits: RateLimitConfig[];
  initialCredits: CreditsInput | null;
  /** Names of the hidden inputs that carry each part as JSON. */
  names: { ratelimits: string; credits: string };
  errors?: { ratelimits?: FieldError; credits?: FieldError };
  /** Says what the limits are for, e.g. "Keys created without limits of their own get these." */
  description?: string;
  /**
   * Submit a part only when it differs from its initial value (editing a key: saving new rate
   * limits must not set the credits back to what they were when the dialog opened).
   */
  sendOnlyChanges?: boolean;
};

/**
 * Rate limits (several, each "N per duration") and credits with an optional refill. Checked
 * with the server's own schema as the user types; the parts travel as JSON in hidden inputs.
 */
export function LimitsEditor({ initialRatelimits, initialCredits, names, errors = {}, description, sendOnlyChanges = false }: LimitsEditorProps) {
  const base = useId();
  const [drafts, setDrafts] = useState(() => initialRatelimits.map(toDraft));
  const [credits, setCredits] = useState(() => creditsDraft(initialCredits));
  const [initial] = useState(() => ({
    ratelimits: JSON.stringify(ratelimitsJson(initialRatelimits.map(toDraft))),
    credits: JSON.stringify(creditsJson(creditsDraft(initialCredits))),
  }));
  const serverShown = messages(errors.ratelimits).length > 0 || messages(errors.credits).length > 0;

  const rlJson = ratelimitsJson(drafts);
  const rlCheck = ratelimitsFieldSchema.safeParse(rlJson);
  const rowIssue = (index: number) => rlCheck.error?.issues.find((issue) => issue.path[0] === index) ?? null;
  const crJson = creditsJson(credits);
  const crCheck = creditsFieldSchema.safeParse(crJson);
  const creditProblems = crCheck.error?.issues.map((issue) => issue.message) ?? [];

  const update = (id: number, patch: Partial<RateLimitDraft>) => setDrafts((all) => all.map((d) => (d.id === id ? { ...d, ...patch } : d)));
  const add = () => {
    const draft: RateLimitDraft = { id: nextId++, name: "", limit: "", every: "1", unit: "m", touched: false };
    setDrafts((all) => [...all, draft]);
    requestAnimationFrame(() => document.getElementById(`${base}-rl-${draft.id}-limit`)?.focus());
  };
  const remove = (index: number) => {
    setDrafts((all) => all.filter((_, i) => i !== index));
    requestAnimationFrame(() => document.getElementById(`${base}-rl-add`)?.focus());
  };

  return (
    <fieldset className="grid gap-4">
      <legend className="mb-1 text-sm font-medium">Usage limits</legend>
      {description ? <p className="-mt-2 text-[13px] text-muted-foreground">{description}</p> : null}
      {!sendOnlyChanges || JSON.stringify(rlJson) !== initial.ratelimits ? <input type="hidden" name={names.ratelimits} value={JSON.stringify(rlJson)} /> : null}
      {!sendOnlyChanges || JSON.stringify(crJson) !== initial.credits ? <input type="hidden" name={names.credits} value={JSON.stringify(crJson)} /> : null}

      <div className="grid gap-2">
        <p className="text-sm font-medium" id={`${base}-rl-label`}>
          Rate limits
        </p>
        {drafts.length === 0 ? <p className="text-[13px] text-muted-foreground">No rate limit: any number of requests per second.</p> : null}
        {drafts.map((d, index) => {
          const issue = d.touched || serverShown ? rowIssue(index) : null;
          const problem = issue?.message ?? null;
          // Which input the message is about; a message about the row as a whole marks them all.
          const bad = (field: "limit" | "duration" | "name") => (issue && (issue.path[1] === field || issue.path.length === 1) ? true : undefined);
          const id = `${base}-rl-${d.id}`;
          return (
            <fieldset key={d.id} className={cn("grid gap-2 rounded-md border border-border bg-muted/30 p-3", problem && "border-destructive/60")}>
              <legend className="sr-only">Rate limit {index + 1}</legend>
              <div className="grid grid-cols-[minmax(0,1fr)_auto] items-end gap-2 sm:grid-cols-[7rem_auto_5rem_7.5rem_minmax(0,1fr)_auto]">
                <div className="col-span-2 grid gap-1.5 sm:col-span-1">
                  <Label htmlFor={`${id}-limit`}>Requests</Label>
                  <Input id={`${id}-limit`} type="number" inputMode="numeric" min={1} step={1} value={d.limit} aria-invalid={bad("limit")}
                    aria-describedby={problem ? `${id}-error` : undefined} onChange={(e) => update(d.id, { limit: e.target.value })} onBlur={() => update(d.id, { touched: true })} />
                </div>
                <span className="hidden pb-2 text-sm text-muted-foreground sm:block">per</span>
                <div className="grid gap-1.5">
                  <Label htmlFor={`${id}-every`}>Every</Label>
                  <Input id={`${id}-every`} type="number" inputMode="decimal" min={1} value={d.every} aria-invalid={bad("duration")} aria-describedby={problem ? `${id}-error` : undefined}
                    onChange={(e) => update(d.id, { every: e.target.value })} onBlur={() => update(d.id, { touched: true })} />
                </div>
                <div className="grid gap-1.5">
                  <Label htmlFor={`${id}-unit`}>Unit</Label>
                  <Select id={`${id}-unit`} value={d.unit} onChange={(e) => update(d.id, { unit: e.target.value as Unit, touched: true })}>
                    {UNITS.map((u) => (
                      <option key={u.value} value={u.value}>{u.label}</option>
                    ))}
                  </Select>
                </div>
                <div className="grid gap-1.5">
                  <Label htmlFor={`${id}-name`}>Name <span className="font-normal text-muted-foreground">(optional)</span></Label>
                  <Input id={`${id}-name`} value={d.name} maxLength={RATE_LIMIT_NAME_MAX_LENGTH} autoComplete="off" spellCheck={false} placeholder="e.g. burst" aria-invalid={bad("name")}
                    onChange={(e) => update(d.id, { name: e.target.value })} onBlur={() => update(d.id, { touched: true })} />
                </div>
                <Button variant="ghost" size="icon-sm" aria-label={`Remove rate limit ${index + 1}`} onClick={() => remove(index)} className="mb-1 text-muted-foreground hover:text-destructive">
                  <X aria-hidden="true" />
                </Button>
              </div>
              {problem ? (
                <p id={`${id}-error`} aria-live="polite" className="text-[13px] font-medium text-destructive">{problem}</p>
              ) : null}
            </fieldset>
          );
        })}
        <div className="flex flex-wrap items-center gap-3">
          <Button id={`${base}-rl-add`} variant="outline" size="sm" onClick={add} disabled={drafts.length >= MAX_RATE_LIMITS}>
            <Plus aria-hidden="true" />
            Add rate limit
          </Button>
          {rlCheck.success && rlCheck.data.length > 0 ? (
            <span className="text-[13px] text-muted-foreground">{rlCheck.data.map(describeRateLimit).join(" and ")}, in fixed windows.</span>
          ) : null}
        </div>
        {messages(errors.ratelimits).length > 0 ? (
          <p role="alert" className="text-[13px] font-medium text-destructive">{messages(errors.ratelimits).join(" ")}</p>
        ) : null}
      </div>

      <div className="grid gap-2">
        <div className="flex items-start gap-2.5">
          <Checkbox id={`${base}-credits`} className="mt-0.5" checked={credits.enabled} onChange={(e) => setCredits({ ...credits, enabled: e.target.checked })}
            aria-describedby={`${base}-credits-hint`} />
          <Label htmlFor={`${base}-credits`} className="leading-snug">Limit total usage with credits</Label>
        </div>
        <p id={`${base}-credits-hint`} className="pl-6.5 text-[13px] text-muted-foreground">
          Each valid request takes its cost (1 unless the request says otherwise); at 0 the key answers USAGE_EXCEEDED until a refill or a top-up.
        </p>
        {credits.enabled ? (
          <div className="grid items-start gap-3 pl-6.5 sm:grid-cols-4">
            <div className="grid content-start gap-1.5">
              <Label htmlFor={`${base}-remaining`}>Credits</Label>
              <Input id={`${base}-remaining`} type="number" inputMode="numeric" min={0} step={1} value={credits.remaining}
                aria-invalid={creditProblems.length > 0 && credits.remaining !== "" ? true : undefined} onChange={(e) => setCredits({ ...credits, remaining: e.target.value })} />
            </div>
            <div className="grid content-start gap-1.5">
              <Label htmlFor={`${base}-interval`}>Refill</Label>
              <Select id={`${base}-interval`} value={credits.interval} onChange={(e) => setCredits({ ...credits, interval: e.target.value as CreditsDraft["interval"] })}>
                <option value="none">Never</option>
                <option value="daily">Daily (00:00 UTC)</option>
                <option value="monthly">Monthly</option>
              </Select>
            </div>
            {credits.interval === "none" ? null : (
              <div className="grid content-start gap-1.5">
                <Label htmlFor={`${base}-amount`}>Refill to</Label>
                <Input id={`${base}-amount`} type="number" inputMode="numeric" min={1} step={1} value={credits.amount} onChange={(e) => setCredits({ ...credits, amount: e.target.value })} />
              </div>
            )}
            {credits.interval === "monthly" ? (
              <div className="grid content-start gap-1.5">
                <Label htmlFor={`${base}-day`}>On day</Label>
                <Input id={`${base}-day`} type="number" inputMode="numeric" min={1} max={31} step={1} value={credits.refillDay} aria-describedby={`${base}-day-hint`}
                  onChange={(e) => setCredits({ ...credits, refillDay: e.target.value })} />
                <span id={`${base}-day-hint`} className="text-xs text-muted-foreground">29–31 mean the last day in shorter months.</span>
              </div>
            ) : null}
            {creditProblems.length > 0 && (serverShown || credits.remaining !== "") ? (
              <p aria-live="polite" className="text-[13px] font-medium text-destructive sm:col-span-4">{creditProblems.join(" ")}</p>
            ) : null}
          </div>
        ) : null}
        {messages(errors.credits).length > 0 ? (
          <p role="alert" className="text-[13px] font-medium text-destructive">{messages(errors.credits).join(" ")}</p>
        ) : null}
      </div>
    </fieldset>
  );
}
