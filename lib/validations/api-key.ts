import { z } from "zod";
import {
  CONSTRAINT_TYPES,
  HTTP_METHODS,
  canonicalConstraint,
  isHttpMethod,
  normalizeConstraintPath,
  normalizeMethods,
  type KeyConstraint,
} from "@/lib/keys/constraints";
import { regexError } from "@/lib/keys/constraint-regex";
import { parseIpRange } from "@/lib/keys/ip";
import { creditsFieldSchema, ratelimitsFieldSchema } from "@/lib/validations/limits";
import { isPublicId } from "@/lib/keys/public-id";
import {
  CONTROL_CHARS,
  enabledSchema,
  externalIdSchema,
  externalIdUpdateSchema,
  metadataSchema,
  metadataUpdateSchema,
} from "@/lib/validations/key-fields";
import { projectScopeFieldSchema } from "@/lib/validations/project-scope";
import { isWellFormedText, malformedTextMessage, wellFormed } from "@/lib/validations/text";
import { DAY_MS } from "@/lib/dates";
import { isGuid } from "@/lib/ids";

/**
 * Schemas shared by the key forms, server actions and the REST API. Every schema accepts both
 * JSON bodies and `Object.fromEntries(formData)` (where everything is a string and constraints
 * arrive as one JSON-encoded field).
 */

const CONTROL_CHARS_EXCEPT_NEWLINE_TAB = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

export const KEY_NAME_MAX_LENGTH = 64;
export const KEY_DESCRIPTION_MAX_LENGTH = 500;
export const MAX_CONSTRAINTS = 20;
export const MAX_CONSTRAINT_VALUE_LENGTH = 512;
/** Far above what 20 maximal constraints encode to; stops parsing of absurd payloads early. */
const MAX_CONSTRAINTS_JSON_LENGTH = 64 * 1024;

export const keyNameSchema = z
  .string({ error: (issue) => (issue.input === undefined ? "Name is required" : "Name must be text") })
  .trim()
  .min(1, "Name is required")
  .max(KEY_NAME_MAX_LENGTH, `Name must be at most ${KEY_NAME_MAX_LENGTH} characters`)
  .refine((name) => !CONTROL_CHARS.test(name), "Name must not contain control characters")
  .refine(...wellFormed("Name"));

/** Description text without the "missing means empty" default; update needs the distinction. */
const descriptionTextSchema = z
  .string({ error: "Description must be text" })
  // Browsers submit textarea line breaks as CRLF; store one form so lengths match what users see.
  .overwrite((text) => text.replace(/\r\n?/g, "\n"))
  .trim()
  .max(KEY_DESCRIPTION_MAX_LENGTH, `Description must be at most ${KEY_DESCRIPTION_MAX_LENGTH} characters`)
  .refine(
    (text) => !CONTROL_CHARS_EXCEPT_NEWLINE_TAB.test(text),
    "Description must not contain control characters other than line breaks and tabs",
  )
  .refine(...wellFormed("Description"));

export const keyDescriptionSchema = descriptionTextSchema.nullish().transform((text) => text ?? "");

// ---------------------------------------------------------------------------------------------
// Expiry

export const EXPIRY_PRESETS = ["7d", "30d", "90d", "1y", "custom", "never"] as const;
export type ExpiryPreset = (typeof EXPIRY_PRESETS)[number];

export const expiryPresetSchema = z.enum(EXPIRY_PRESETS, {
  error: "Choose an expiry: 7d, 30d, 90d, 1y, custom or never",
});

/** A year is 365 days so that "1y" is always allowed under a 365-day project limit. */
export const EXPIRY_PRESET_DAYS = { "7d": 7, "30d": 30, "90d": 90, "1y": 365 } as const satisfies Record<
  Exclude<ExpiryPreset, "custom" | "never">,
  number
>;

export interface ExpiryPolicy {
  maxLifetimeDays: number | null;
  allowNoExpiry: boolean;
}

export type ExpiryResult =
  | { ok: true; expiresAt: Date | null }
  | { ok: false; field: "expiry" | "customDate"; message: string };

function days(n: number): string {
  return n === 1 ? "1 day" : `${n} days`;
}

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:(Z)|([+-])(\d{2}):(\d{2}))$/;

/** Date.UTC silently rolls 2025-02-30 over into March, so the parts are checked by round trip. */
function utcDate(year: number, month: number, day: number): Date | null {
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    return null;
  }
  return date;
}

/**
 * `YYYY-MM-DD` means the end of that day in UTC (the key works through the whole day);
 * otherwise an ISO date-time WITH a zone (`Z` or `±HH:MM`) is required, because a zone-less
 * time would be read in the server's zone, which the user cannot see.
 */
export function parseExpiryDate(input: string): Date | null {
  const text = input.trim();
  const dateOnly = DATE_ONLY.exec(text);
  if (dateOnly) {
    const day = utcDate(Number(dateOnly[1]), Number(dateOnly[2]), Number(dateOnly[3]));
    return day && new Date(day.getTime() + DAY_MS - 1);
  }
  const dateTime = DATE_TIME.exec(text);
  if (!dateTime) return null;
  const day = utcDate(Number(dateTime[1]), Number(dateTime[2]), Number(dateTime[3]));
  const hours = Number(dateTime[4]);
  const minutes = Number(dateTime[5]);
  const seconds = Number(dateTime[6] ?? "0");
  const millis = Number((dateTime[7] ?? "").padEnd(3, "0").slice(0, 3));
  const offsetHours = Number(dateTime[10] ?? "0");
  const offsetMinutes = Number(dateTime[11] ?? "0");
  if (!day || hours > 23 || minutes > 59 || seconds > 59 || offsetHours > 23 || offsetMinutes > 59) {
    return null;
  }
  const offsetSign = dateTime[9] === "-" ? -1 : 1;
  const offsetMs = dateTime[8] ? 0 : offsetSign * (offsetHours * 60 + offsetMinutes) * 60_000;
  return new Date(day.getTime() + ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis - offsetMs);
}

function isoDay(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

/**
 * The range of `YYYY-MM-DD` values resolveExpiry accepts right now, for the date picker's
 * min/max. The last allowed day is the last one whose end still lies within the project limit.
 */
export function customDateBounds(now: Date, policy: ExpiryPolicy): { min: string; max: string | null } {
  const nowMs = now.getTime();
  const min = isoDay(Math.floor(nowMs / DAY_MS) * DAY_MS + DAY_MS - 1 > nowMs ? nowMs : nowMs + DAY_MS);
  if (policy.maxLifetimeDays === null) return { min, max: null };
  const limit = nowMs + policy.maxLifetimeDays * DAY_MS;
  return { min, max: isoDay((Math.floor((limit + 1) / DAY_MS) - 1) * DAY_MS) };
}

export function resolveExpiry(
  input: { preset: ExpiryPreset; customDate?: string | null },
  now: Date,
  policy: ExpiryPolicy,
): ExpiryResult {
  const { maxLifetimeDays } = policy;
  const nowMs = now.getTime();

  if (input.preset === "never") {
    if (maxLifetimeDays !== null) {
      return {
        ok: false,
        field: "expiry",
        message: `This project requires keys to expire within ${days(maxLifetimeDays)}`,
      };
    }
    if (!policy.allowNoExpiry) {
      return { ok: false, field: "expiry", message: "This project requires keys to have an expiry date" };
    }
    return { ok: true, expiresAt: null };
  }

  if (input.preset === "custom") {
    const raw = input.customDate?.trim() ?? "";
    if (raw === "") return { ok: false, field: "customDate", message: "Choose an expiry date" };
    const expiresAt = parseExpiryDate(raw);
    if (!expiresAt) {
      return {
        ok: false,
        field: "customDate",
        message: "Enter a date as YYYY-MM-DD or an ISO date-time with a time zone",
      };
    }
    if (expiresAt.getTime() <= nowMs) {
      return { ok: false, field: "customDate", message: "Expiry date must be in the future" };
    }
    if (maxLifetimeDays !== null && expiresAt.getTime() - nowMs > maxLifetimeDays * DAY_MS) {
      return {
        ok: false,
        field: "customDate",
        message: `Expiry date must be within ${days(maxLifetimeDays)} from now (project limit)`,
      };
    }
    return { ok: true, expiresAt };
  }

  const presetDays = EXPIRY_PRESET_DAYS[input.preset];
  if (maxLifetimeDays !== null && presetDays > maxLifetimeDays) {
    return {
      ok: false,
      field: "expiry",
      message: `This project allows keys to live at most ${days(maxLifetimeDays)}; choose a shorter expiry`,
    };
  }
  return { ok: true, expiresAt: new Date(nowMs + presetDays * DAY_MS) };
}

// ---------------------------------------------------------------------------------------------
// Constraints

/** RFC 3986 path characters (pchar and "/"); no spaces, `?`, `#` or backslashes. */
const PATH_CHARS = /^(?:[A-Za-z0-9\-._~!$&'()*+,;=:@/]|%[0-9A-Fa-f]{2})*$/;

const methodSchema = z
  .string({ error: "Method must be text" })
  .trim()
  .toUpperCase()
  .refine(isHttpMethod, {
    error: (issue) => `Unknown HTTP method "${String(issue.input)}"; use ${HTTP_METHODS.join(", ")}`,
  });

function valueProblem(type: "exact" | "prefix" | "regex" | "ip", value: string): { path: "value"; message: string } | null {
  const noun = type === "regex" ? "Pattern" : type === "ip" ? "Address" : "Path";
  let message: string | null = null;
  if (value === "") {
    message = type === "ip" ? "Enter an IP address or a CIDR range, e.g. 10.0.0.0/8" : `${noun} is required`;
  } else if (value.length > MAX_CONSTRAINT_VALUE_LENGTH) {
    message = `${noun} must be at most ${MAX_CONSTRAINT_VALUE_LENGTH} characters`;
  } else if (!isWellFormedText(value)) {
    message = malformedTextMessage(noun);
  } else if (type === "ip") {
    const range = parseIpRange(value);
    if (!range.ok) message = range.message;
  } else if (type === "regex") {
    // Syntax and cost: patterns whose matching could stall verification are refused here.
    message = regexError(value);
  } else if (/\s/.test(value)) {
    message = "Path must not contain spaces";
  } else if (!PATH_CHARS.test(value)) {
    message = "Path may only contain letters, digits, / and - . _ ~ ! $ & ' ( ) * + , ; = : @ or %XX escapes";
  } else if (normalizeConstraintPath(value) === null) {
    message = "Path must not contain . or .. segments, or encoded slashes or backslashes";
  }
  return message === null ? null : { path: "value", message };
}

export const constraintSchema = z
  .object(
    {
      type: z.enum(CONSTRAINT_TYPES, { error: "Constraint type must be exact, prefix, regex, verb or ip" }),
      value: z
        .string({ error: "Constraint value must be text" })
        .nullish()
        .transform((value) => (value ?? "").trim()),
      methods: z
        .array(methodSchema, { error: "Methods must be a list" })
        .max(20, "Too many methods")
        .nullish()
        .transform((methods) => normalizeMethods(methods ?? [])),
    },
    { error: "Each constraint must be an object" },
  )
  .superRefine((constraint, ctx) => {
    const problem =
      constraint.type === "verb"
        ? constraint.methods.length === 0
          ? { path: "methods", message: "Choose at least one HTTP method" }
          : null
        : constraint.type === "ip" && constraint.methods.length > 0
          ? { path: "methods", message: "An IP rule applies to every method; leave its methods empty and add a path or verb rule to limit methods" }
          : valueProblem(constraint.type, constraint.value);
    if (problem) ctx.addIssue({ code: "custom", path: [problem.path], message: problem.message });
  })
  // Stored in canonical form (`jobs/` → `/jobs`, verb value emptied, `::ffff:10.0.0.0/104` →
  // `10.0.0.0/8`) so the UI shows what is enforced.
  .transform((constraint): KeyConstraint => canonicalConstraint(constraint));

export const constraintsSchema = z
  .array(constraintSchema, { error: "Constraints must be a list" })
  .max(MAX_CONSTRAINTS, `A key can have at most ${MAX_CONSTRAINTS} constraints`);

/** Accepts an array (JSON bodies) or the JSON string a form submits; missing or blank = none. */
export const constraintsFieldSchema = z.preprocess((raw, ctx) => {
  if (raw === undefined || raw === null) return [];
  if (typeof raw !== "string") return raw;
  if (raw.trim() === "") return [];
  if (raw.length > MAX_CONSTRAINTS_JSON_LENGTH) {
    ctx.addIssue({ code: "custom", message: "Constraints are too large" });
    return z.NEVER;
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    ctx.addIssue({ code: "custom", message: "Constraints are malformed" });
    return z.NEVER;
  }
}, constraintsSchema);

export function parseConstraintsField(raw: unknown): z.ZodSafeParseResult<KeyConstraint[]> {
  return constraintsFieldSchema.safeParse(raw);
}

// ---------------------------------------------------------------------------------------------
// Key operations

/**
 * A key is addressed by its public id (`key_…`, what URLs and the API show) or its row UUID
 * (what internal forms may carry); keyIdWhere turns either into a lookup.
 */
export const keyIdSchema = z
  .string({ error: "Key id is required" })
  .trim()
  .refine((id) => isPublicId(id) || isGuid(id), "Invalid key id");

export function keyIdWhere(keyId: string): { publicId: string } | { id: string } {
  return isPublicId(keyId) ? { publicId: keyId } : { id: keyId.toLowerCase() };
}

const optionalDateField = z
  .string({ error: "Expiry date must be text" })
  .trim()
  .nullish()
  .transform((value) => (value ? value : undefined));

export const createApiKeySchema = z
  .object({
    // Any 8-4-4-4-12 hex string, as PostgreSQL's uuid type accepts, rather than RFC-version-strict.
    projectId: z.guid({ error: "Choose a project" }),
    name: keyNameSchema,
    description: keyDescriptionSchema,
    expiry: expiryPresetSchema,
    customDate: optionalDateField,
    constraints: constraintsFieldSchema,
    externalId: externalIdSchema,
    metadata: metadataSchema,
    /** Absent: the project's defaults; [] / null: none (lib/validations/limits.ts). */
    ratelimits: ratelimitsFieldSchema.optional(),
    credits: creditsFieldSchema.optional(),
    /** A honeytoken: never valid; any verification of it raises key.canary_used. */
    canary: z
      .preprocess((raw) => (raw === undefined || raw === null || raw === "" ? false : raw === "on" || raw === "true" ? true : raw === "false" ? false : raw), z.boolean({ error: "canary must be true or false" }))
      .optional()
      .transform((value) => value ?? false),
    /** Keys of the Keydesk API project only: "all" (the default) or a list of project slugs or ids. */
    projectScope: projectScopeFieldSchema,
  })
  .superRefine((input, ctx) => {
    // Only presence is checked here; resolveExpiry judges the date against the project policy.
    if (input.expiry === "custom" && input.customDate === undefined) {
      ctx.addIssue({ code: "custom", path: ["customDate"], message: "Choose an expiry date" });
    }
  });

/**
 * Omitted fields stay unchanged (PATCH semantics); null clears a description, an owner
 * (externalId) or the metadata; metadata is replaced whole, never merged.
 */
export const updateApiKeySchema = z
  .object({
    name: keyNameSchema.optional(),
    description: descriptionTextSchema
      .nullable()
      .optional()
      .transform((text) => (text === null ? "" : text)),
    enabled: enabledSchema.optional(),
    externalId: externalIdUpdateSchema,
    metadata: metadataUpdateSchema,
    ratelimits: ratelimitsFieldSchema.optional(),
    credits: creditsFieldSchema.optional(),
  })
  .refine(
    (input) => Object.values(input).some((value) => value !== undefined),
    "Nothing to update: send name, description, enabled, externalId, metadata, ratelimits or credits",
  );

/** A form's checkbox ("on"), a query parameter ("true"/"false") or a JSON boolean. */
const flagSchema = z.preprocess(
  (raw) => (raw === undefined || raw === null || raw === "" || raw === "false" ? false : raw === "on" || raw === "true" ? true : raw),
  z.boolean({ error: "cascade must be true or false" }),
);

/** `cascade`: also revoke the keys this key created, transitively (lib/services/api-key-revoke.ts). */
export const revokeApiKeySchema = z.object({ keyId: keyIdSchema, cascade: flagSchema.optional().transform((value) => value ?? false) });

/** A page of the keys list at most; the UI selects within one page. */
export const MAX_BULK_REVOKE = 100;

/** Accepts a list (JSON) or the comma-separated Sids a form submits. */
export const bulkRevokeApiKeysSchema = z.object({
  keyIds: z.preprocess(
    (raw) => (typeof raw === "string" ? raw.split(",").filter((id) => id.trim() !== "") : raw),
    z
      .array(keyIdSchema, { error: "Choose the keys to revoke" })
      .min(1, "Choose at least one key to revoke")
      .max(MAX_BULK_REVOKE, `Revoke at most ${MAX_BULK_REVOKE} keys at once`),
  ),
});

export const setApiKeyEnabledSchema = z.object({ keyId: keyIdSchema, enabled: enabledSchema });

export const GRACE_PERIODS = ["now", "1h", "24h", "7d"] as const;
export type GracePeriod = (typeof GRACE_PERIODS)[number];

const GRACE_MS: Record<GracePeriod, number> = {
  now: 0,
  "1h": 60 * 60 * 1000,
  "24h": DAY_MS,
  "7d": 7 * DAY_MS,
};

/** How long the old key keeps working after a roll. */
export function graceToMs(grace: GracePeriod): number {
  return GRACE_MS[grace];
}

export const rollApiKeySchema = z.object({
  keyId: keyIdSchema,
  grace: z.enum(GRACE_PERIODS, { error: "Choose a grace period: now, 1h, 24h or 7d" }),
});
