import { z } from "zod";
import {
  MAX_CREDITS,
  MAX_DURATION_MS,
  MAX_RATE_LIMIT,
  MAX_RATE_LIMITS,
  MAX_REFILL_AMOUNT,
  MIN_DURATION_MS,
  RATE_LIMIT_NAME_MAX_LENGTH,
  REFILL_INTERVALS,
  durationLabel,
  type RateLimitConfig,
  type RefillConfig,
} from "@/lib/keys/limits/types";
import { formatCount } from "@/lib/format";

/**
 * Usage limits as keys and project defaults take them, in REST bodies and forms alike:
 *   ratelimits: [{ name?, limit, duration }]      duration in milliseconds, 1 s … 1 day
 *   credits:    { remaining, refill?: { interval: "daily" | "monthly", amount, refillDay? } } | null
 * Forms submit each as one JSON-encoded field. Numbers must be JSON numbers: "5" is refused, like
 * 0, -1 and 1.5, rather than guessed at.
 */

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
/** Far above what ten rate limits and credits encode to; stops parsing absurd payloads early. */
const MAX_FIELD_JSON_LENGTH = 8 * 1024;

function wholeNumber(label: string, min: number, max: number) {
  const message = `${label} must be a whole number from ${formatCount(min)} to ${formatCount(max)}`;
  return z.number({ error: message }).int(message).min(min, message).max(max, message);
}

const rateLimitSchema = z.object(
  {
    name: z
      .string({ error: "Name must be text" })
      .trim()
      .max(RATE_LIMIT_NAME_MAX_LENGTH, `Name must be at most ${RATE_LIMIT_NAME_MAX_LENGTH} characters`)
      .refine((name) => name === "" || NAME_PATTERN.test(name), "Name may contain letters, digits, '.', '_' and '-', and must start with a letter or digit")
      .nullish(),
    limit: wholeNumber("Limit", 1, MAX_RATE_LIMIT),
    duration: wholeNumber("Duration (milliseconds)", MIN_DURATION_MS, MAX_DURATION_MS),
  },
  { error: "Each rate limit must be an object: { name?, limit, duration }" },
);

/**
 * A list of rate limits; a nameless one is named after its duration ("1m"). Each message says
 * which rate limit it is about ("Rate limit 2: …"), because the form shows them under the list.
 */
export const ratelimitsSchema = z.unknown().transform((raw, ctx): RateLimitConfig[] => {
  if (!Array.isArray(raw)) {
    ctx.addIssue({ code: "custom", message: "Rate limits must be a list: [{ name?, limit, duration }]" });
    return z.NEVER;
  }
  if (raw.length > MAX_RATE_LIMITS) {
    ctx.addIssue({ code: "custom", message: `At most ${MAX_RATE_LIMITS} rate limits` });
    return z.NEVER;
  }
  const list: RateLimitConfig[] = [];
  const names = new Set<string>();
  raw.forEach((item: unknown, i) => {
    const parsed = rateLimitSchema.safeParse(item);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) ctx.addIssue({ code: "custom", path: [i, ...issue.path], message: `Rate limit ${i + 1}: ${issue.message}` });
      return;
    }
    const r = parsed.data;
    const name = r.name ? r.name : durationLabel(r.duration);
    if (names.has(name.toLowerCase())) {
      ctx.addIssue({ code: "custom", path: [i, "name"], message: `Rate limit ${i + 1}: the name "${name}" is taken; give each rate limit its own name` });
    }
    names.add(name.toLowerCase());
    list.push({ name, limit: r.limit, durationMs: r.duration });
  });
  return list;
});

const refillSchema = z.object(
  {
    interval: z.enum(REFILL_INTERVALS, { error: 'Refill interval must be "daily" or "monthly"' }),
    amount: wholeNumber("Refill amount", 1, MAX_REFILL_AMOUNT),
    refillDay: wholeNumber("Refill day", 1, 31).nullish(),
  },
  { error: "Refill must be an object: { interval, amount, refillDay? }" },
);

export interface CreditsInput {
  remaining: number;
  refill: RefillConfig | null;
}

export const creditsSchema = z
  .object(
    {
      remaining: wholeNumber("Remaining credits", 0, MAX_CREDITS),
      refill: refillSchema.nullish(),
    },
    { error: "Credits must be an object: { remaining, refill? }, or null for none" },
  )
  .superRefine((credits, ctx) => {
    if (credits.refill?.interval === "daily" && credits.refill.refillDay != null) {
      ctx.addIssue({ code: "custom", path: ["refill", "refillDay"], message: "Refill day applies to monthly refills only; leave it out for daily refills" });
    }
  })
  .transform(
    (credits): CreditsInput => ({
      remaining: credits.remaining,
      refill: credits.refill
        ? { interval: credits.refill.interval, amount: credits.refill.amount, refillDay: credits.refill.interval === "monthly" ? (credits.refill.refillDay ?? 1) : null }
        : null,
    }),
  );

/** A JSON field of a form, or the value itself (REST). Blank means `blank`. */
function jsonField<T extends z.ZodType>(schema: T, blank: unknown) {
  return z.preprocess((raw, ctx) => {
    if (typeof raw !== "string") return raw;
    if (raw.trim() === "") return blank;
    if (raw.length > MAX_FIELD_JSON_LENGTH) {
      ctx.addIssue({ code: "custom", message: "Too large" });
      return z.NEVER;
    }
    try {
      return JSON.parse(raw) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "Malformed" });
      return z.NEVER;
    }
  }, schema);
}

/** `ratelimits` of a key or of project defaults; blank (form) = none. */
export const ratelimitsFieldSchema = jsonField(ratelimitsSchema, []);

/** `credits` of a key or of project defaults; null or blank = none. */
export const creditsFieldSchema = jsonField(creditsSchema.nullable(), null);

/** "100 per minute", "5 per 10 seconds". */
export function describeRateLimit(r: { limit: number; durationMs: number }): string {
  return `${formatCount(r.limit)} per ${describeDuration(r.durationMs)}`;
}

const NAMED_DURATIONS: Array<[ms: number, singular: string, plural: string]> = [
  [86_400_000, "day", "days"],
  [3_600_000, "hour", "hours"],
  [60_000, "minute", "minutes"],
  [1_000, "second", "seconds"],
];

export function describeDuration(ms: number): string {
  for (const [unit, singular, plural] of NAMED_DURATIONS) {
    if (ms % unit === 0) return ms === unit ? singular : `${formatCount(ms / unit)} ${plural}`;
  }
  return `${formatCount(ms)} ms`;
}

/** Whether key limit `k` alone keeps every aligned window of `d` within d.limit. */
function implies(k: RateLimitConfig, d: RateLimitConfig): boolean {
  // Windows are aligned to multiples of their duration: a window of d contains d/k whole
  // windows of k when k divides d, and lies inside one window of k when d divides k.
  if (d.durationMs % k.durationMs === 0) return k.limit * (d.durationMs / k.durationMs) <= d.limit;
  if (k.durationMs % d.durationMs === 0) return k.limit <= d.limit;
  return false;
}

/**
 * Where `limits` are looser than a project's defaults (a project that does not allow looser
 * limits requires keys to be at least as strict): one message per problem, empty when within.
 */
export function looserThanDefaults(
  limits: { ratelimits: RateLimitConfig[]; credits: CreditsInput | null },
  defaults: { ratelimits: RateLimitConfig[]; credits: CreditsInput | null },
): { field: "ratelimits" | "credits"; message: string }[] {
  const problems: { field: "ratelimits" | "credits"; message: string }[] = [];
  for (const d of defaults.ratelimits) {
    if (!limits.ratelimits.some((k) => implies(k, d))) {
      problems.push({ field: "ratelimits", message: `This project allows at most ${describeRateLimit(d)} per key` });
    }
  }
  const dc = defaults.credits;
  if (dc) {
    const kc = limits.credits;
    if (!kc) problems.push({ field: "credits", message: `Keys in this project must have credits (at most ${formatCount(dc.remaining)})` });
    else {
      if (kc.remaining > dc.remaining) problems.push({ field: "credits", message: `This project allows at most ${formatCount(dc.remaining)} credits per key` });
      if (kc.refill && (!dc.refill || dc.refill.interval !== kc.refill.interval || kc.refill.amount > dc.refill.amount)) {
        problems.push({
          field: "credits",
          message: dc.refill
            ? `This project allows refills of at most ${formatCount(dc.refill.amount)} credits ${dc.refill.interval}`
            : "This project does not allow keys whose credits refill",
        });
      }
    }
  }
  return problems;
}

/** A key's or a project's limits as REST shows them and as project defaults are stored. */
export function ratelimitsJson(list: readonly RateLimitConfig[]): { name: string; limit: number; duration: number }[] {
  return list.map((r) => ({ name: r.name, limit: r.limit, duration: r.durationMs }));
}

// A type, not an interface: Prisma's JSON input types need the implicit index signature.
export type CreditsJson = {
  remaining: number;
  refill: { interval: RefillConfig["interval"]; amount: number; refillDay?: number } | null;
};

export function creditsJson(credits: CreditsInput | null): CreditsJson | null {
  if (credits === null) return null;
  const r = credits.refill;
  return {
    remaining: credits.remaining,
    refill: r && { interval: r.interval, amount: r.amount, ...(r.interval === "monthly" ? { refillDay: r.refillDay ?? 1 } : {}) },
  };
}

export interface LimitDefaults {
  ratelimits: RateLimitConfig[];
  credits: CreditsInput | null;
  /** Keys' own limits must be at least as strict as these. */
  capped: boolean;
}

/**
 * A project's stored defaults. They were validated when saved; if a row holds anything else
 * (edited by hand), this throws rather than let keys be created without the intended limits.
 */
export function projectLimitDefaults(project: { defaultRatelimits: unknown; defaultCredits: unknown; capLimitsAtDefaults: boolean }): LimitDefaults {
  const ratelimits = ratelimitsSchema.safeParse(project.defaultRatelimits);
  const credits = creditsSchema.nullable().safeParse(project.defaultCredits ?? null);
  if (!ratelimits.success || !credits.success) throw new Error("A project's default usage limits are unreadable; save them again in Admin → Projects");
  return { ratelimits: ratelimits.data, credits: credits.data, capped: project.capLimitsAtDefaults };
}

/** "100 per minute · 10,000 credits, refilled to 10,000 monthly", or "None". */
export function describeLimits(limits: { ratelimits: readonly RateLimitConfig[]; credits: CreditsInput | null }): string {
  const parts = limits.ratelimits.map(describeRateLimit);
  const c = limits.credits;
  if (c) {
    const refill = c.refill ? `, refilled to ${formatCount(c.refill.amount)} ${c.refill.interval === "daily" ? "daily" : `monthly on day ${c.refill.refillDay ?? 1}`}` : "";
    parts.push(`${formatCount(c.remaining)} credits${refill}`);
  }
  return parts.length ? parts.join(" · ") : "None";
}

/** PATCH semantics: an omitted part stays as it is; credits null removes them. */
export const updateKeyLimitsSchema = z
  .object({
    ratelimits: ratelimitsFieldSchema.optional(),
    credits: creditsFieldSchema.optional(),
  })
  .refine((input) => input.ratelimits !== undefined || input.credits !== undefined, "Nothing to update: send ratelimits, credits or both");

/** Credits to add to a key's balance (a top-up); a JSON number, like every limit. */
export const addCreditsSchema = z.object({ amount: wholeNumber("Credits to add", 1, MAX_CREDITS) });

/** A form's text field as the number a limit schema expects: blank stays blank, so it is refused. */
export function numberFromForm(text: string | undefined): number | string | undefined {
  return text === undefined || text.trim() === "" ? text : Number(text.trim());
}
