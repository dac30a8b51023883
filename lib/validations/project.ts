import { z } from "zod";
import { KEY_PREFIX_MAX_LENGTH, KEY_PREFIX_MIN_LENGTH, isValidKeyPrefix } from "@/lib/keys/prefix";
import { creditsFieldSchema, ratelimitsFieldSchema } from "@/lib/validations/limits";
import { wellFormed } from "@/lib/validations/text";

/**
 * Schemas shared by the project form, its server actions and the service. They accept JSON
 * values and `Object.fromEntries(formData)` alike (numbers as strings, a checkbox as "on" or
 * absent, "unlimited" for no maximum lifetime).
 */

const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

export const PROJECT_NAME_MAX_LENGTH = 64;
export const PROJECT_SLUG_MIN_LENGTH = 2;
export const PROJECT_SLUG_MAX_LENGTH = 40;
export const DEFAULT_ACTIVE_KEY_LIMIT = 20;
export const MAX_ACTIVE_KEY_LIMIT = 1000;
/** Ten years: anything longer is "unlimited" in all but name. */
export const MAX_LIFETIME_DAYS = 3650;

/** How long the request trail keeps a project's events (the Project table's CHECK agrees). */
export const DEFAULT_REQUEST_RETENTION_DAYS = 30;
export const MAX_REQUEST_RETENTION_DAYS = 400;

/** The lifetimes the form offers; any other number of days is a custom value. */
export const LIFETIME_PRESETS = [
  { value: "30", label: "30 days", days: 30 },
  { value: "90", label: "90 days", days: 90 },
  { value: "365", label: "1 year", days: 365 },
  { value: "unlimited", label: "Unlimited", days: null },
] as const;

const SLUG_PATTERN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/** "Billing Service (EU)" → "billing-service-eu"; may come out too short to be valid. */
export function slugify(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, PROJECT_SLUG_MAX_LENGTH)
    .replace(/-+$/g, "");
}

/** A prefix suggestion for a new project: the slug's letters and digits, at most 12. */
export function suggestKeyPrefix(name: string): string {
  return slugify(name).replace(/-/g, "").slice(0, KEY_PREFIX_MAX_LENGTH);
}

export function isValidSlug(slug: string): boolean {
  return slug.length >= PROJECT_SLUG_MIN_LENGTH && slug.length <= PROJECT_SLUG_MAX_LENGTH && SLUG_PATTERN.test(slug);
}

export const projectNameSchema = z
  .string({ error: (issue) => (issue.input === undefined ? "Name is required" : "Name must be text") })
  .trim()
  .min(1, "Name is required")
  .max(PROJECT_NAME_MAX_LENGTH, `Name must be at most ${PROJECT_NAME_MAX_LENGTH} characters`)
  .refine((name) => !CONTROL_CHARS.test(name), "Name must not contain control characters")
  .refine(...wellFormed("Name"));

export const projectSlugSchema = z
  .string({ error: "Slug must be text" })
  .trim()
  .min(PROJECT_SLUG_MIN_LENGTH, `Slug must be at least ${PROJECT_SLUG_MIN_LENGTH} characters`)
  .max(PROJECT_SLUG_MAX_LENGTH, `Slug must be at most ${PROJECT_SLUG_MAX_LENGTH} characters`)
  .refine(
    (slug) => SLUG_PATTERN.test(slug),
    "Slug may contain lowercase letters, digits and dashes, and must start and end with a letter or digit",
  );

export const keyPrefixSchema = z
  .string({ error: (issue) => (issue.input === undefined ? "Key prefix is required" : "Key prefix must be text") })
  .trim()
  .min(1, "Key prefix is required")
  .refine(
    isValidKeyPrefix,
    `Key prefix must be ${KEY_PREFIX_MIN_LENGTH}–${KEY_PREFIX_MAX_LENGTH} lowercase letters or digits`,
  );

const wholeNumber = (label: string, min: number, max: number) =>
  z.preprocess(
    (raw) => (typeof raw === "string" && raw.trim() !== "" ? Number(raw.trim()) : raw),
    z
      .number({ error: `${label} must be a whole number` })
      .int(`${label} must be a whole number`)
      .min(min, `${label} must be between ${min} and ${max}`)
      .max(max, `${label} must be between ${min} and ${max}`),
  );

export const activeKeyLimitSchema = wholeNumber("Active-key limit", 1, MAX_ACTIVE_KEY_LIMIT);

export const requestRetentionDaysSchema = wholeNumber("Request retention", 1, MAX_REQUEST_RETENTION_DAYS);

/** null = unlimited. Accepts a number, a numeric string, or null / "" / "unlimited". */
export const maxLifetimeDaysSchema = z.preprocess(
  (raw) => (raw === null || raw === "" || raw === "unlimited" ? null : raw),
  wholeNumber("Maximum lifetime", 1, MAX_LIFETIME_DAYS).nullable(),
);

/** A checkbox submits "on" when ticked and nothing otherwise. */
export const checkboxSchema = z.preprocess(
  (raw) => (raw === undefined || raw === null || raw === "" ? false : raw === "on" || raw === "true" ? true : raw === "false" ? false : raw),
  z.boolean({ error: "Must be true or false" }),
);

/** What happens to a key reported leaked (POST /api/v1/keys/leaked). */
export const LEAK_POLICIES = [
  { value: "revoke", label: "Revoke it at once (recommended)" },
  { value: "report", label: "Mark it reported, for an administrator to decide" },
] as const;

export const leakPolicySchema = z.preprocess(
  (raw) => (raw === undefined || raw === "" ? "revoke" : raw),
  z.enum(["revoke", "report"], { error: "leakPolicy must be revoke or report" }),
);

/** The settings a project has; on create a blank slug is derived from the name. */
export const projectSettingsSchema = z.object({
  name: projectNameSchema,
  /** Blank: derived from the name. */
  slug: z.preprocess((raw) => (typeof raw === "string" && raw.trim() === "" ? undefined : raw), projectSlugSchema.optional()),
  keyPrefix: keyPrefixSchema,
  activeKeyLimit: z.preprocess((raw) => (raw === undefined || raw === "" ? DEFAULT_ACTIVE_KEY_LIMIT : raw), activeKeyLimitSchema),
  maxLifetimeDays: maxLifetimeDaysSchema,
  allowNoExpiry: checkboxSchema,
  requestRetentionDays: z.preprocess((raw) => (raw === undefined || raw === "" ? DEFAULT_REQUEST_RETENTION_DAYS : raw), requestRetentionDaysSchema),
  /** Also log MALFORMED and NOT_FOUND verifications one by one (they are always counted). */
  logUnknownKeys: checkboxSchema,
  /** Usage limits of keys created without their own; absent means none. */
  defaultRatelimits: z.preprocess((raw) => raw ?? [], ratelimitsFieldSchema),
  defaultCredits: z.preprocess((raw) => (raw === undefined ? null : raw), creditsFieldSchema),
  capLimitsAtDefaults: checkboxSchema,
  leakPolicy: leakPolicySchema,
});

export const createProjectSchema = projectSettingsSchema;

/** Edits replace every setting; a blank slug, an omitted prefix or retention keeps the current one. */
export const updateProjectSchema = projectSettingsSchema.extend({
  keyPrefix: z.preprocess((raw) => (typeof raw === "string" && raw.trim() === "" ? undefined : raw), keyPrefixSchema.optional()),
  requestRetentionDays: z.preprocess((raw) => (raw === "" ? undefined : raw), requestRetentionDaysSchema.optional()),
});

export const projectIdSchema = z.guid({ error: "That project does not exist." });

export const archiveProjectSchema = z.object({ projectId: projectIdSchema });

/**
 * The form's lifetime select ("30" | "90" | "365" | "unlimited" | "custom") plus the custom
 * number field, as the single `maxLifetimeDays` value the schema takes.
 */
export function lifetimeFromForm(values: Record<string, string | undefined>): string {
  const choice = values.maxLifetime ?? "";
  return choice === "custom" ? (values.maxLifetimeCustom ?? "").trim() : choice;
}

/** What the select shows for a stored value. */
export function lifetimeChoice(days: number | null): string {
  if (days === null) return "unlimited";
  return LIFETIME_PRESETS.some((preset) => preset.days === days) ? String(days) : "custom";
}

export function formatLifetime(days: number | null): string {
  if (days === null) return "Unlimited";
  if (days === 365) return "1 year";
  if (days % 365 === 0) return `${days / 365} years`;
  return days === 1 ? "1 day" : `${days} days`;
}
