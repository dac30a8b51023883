// The REST API's resources and request bodies as zod schemas: the handlers parse requests with
// them and the OpenAPI document is generated from them (each registered schema becomes a named
// component, `#/components/schemas/<id>`), so the two cannot disagree. Request bodies are strict
// (an unknown field is a 422 naming it); semantic checks — a regex that compiles, a path that
// normalises, a date within the project's policy — stay in the services and answer 422 as well.
import { z } from "zod";
import { CONSTRAINT_TYPES, HTTP_METHODS } from "@/lib/keys/constraints";
import { PUBLIC_ID_PATTERN } from "@/lib/keys/public-id";
import {
  EXPIRY_PRESETS,
  GRACE_PERIODS,
  KEY_DESCRIPTION_MAX_LENGTH,
  KEY_NAME_MAX_LENGTH,
  MAX_CONSTRAINTS,
  MAX_CONSTRAINT_VALUE_LENGTH,
} from "@/lib/validations/api-key";
import { KEY_STATUSES } from "@/lib/keys/status";
import { EXTERNAL_ID_MAX_LENGTH, METADATA_MAX_BYTES } from "@/lib/validations/key-fields";
import { MAX_SCOPE_PROJECTS } from "@/lib/validations/project-scope";
import {
  MAX_CREDITS,
  MAX_DURATION_MS,
  MAX_RATE_LIMIT,
  MAX_RATE_LIMITS,
  MAX_REFILL_AMOUNT,
  MIN_DURATION_MS,
  RATE_LIMIT_NAME_MAX_LENGTH,
  REFILL_INTERVALS,
} from "@/lib/keys/limits/types";

/** Every schema that becomes a named component of the document. */
export const apiSchemas = z.registry<{ id: string; description?: string }>();

const timestamp = z.iso.datetime({ offset: true }).describe("An RFC 3339 date-time in UTC");
const nullableTimestamp = timestamp.nullable();
export const keySidSchema = z.string().regex(PUBLIC_ID_PATTERN).describe("A key's Sid, e.g. key_4fT9Qm2LxA7bC1dE");

/** Registers `schema` as the named component `id` of the document. */
export function component<T extends z.ZodType>(id: string, schema: T, description: string): T {
  apiSchemas.add(schema, { id, description });
  return schema;
}

// ---------------------------------------------------------------------------------------------
// Errors

export const errorSchema = component(
  "Error",
  z.strictObject({
    error: z.strictObject({
      code: z.string().describe("Stable, machine-readable: unauthorized, forbidden, not_found, method_not_allowed, validation_failed, invalid_json, payload_too_large, conflict, key_limit_reached, idempotency_key_in_use, idempotency_key_mismatch, rate_limited, unavailable, internal_error, …"),
      message: z.string().describe("For people; may change"),
      issues: z.record(z.string(), z.array(z.string())).optional().describe("With validation_failed: the messages per parameter or body field"),
    }),
  }),
  "The one error shape of every non-2xx answer",
);

// ---------------------------------------------------------------------------------------------
// Constraints

const methods = z.array(z.enum(HTTP_METHODS)).max(20);
const pathValue = z.string().min(1).max(MAX_CONSTRAINT_VALUE_LENGTH);

const pathConstraint = (type: "exact" | "prefix" | "regex", description: string) =>
  z.strictObject({
    type: z.literal(type),
    value: pathValue.describe(description),
    methods: methods.optional().describe("Allowed methods, compared exactly (`get` is not `GET`); omitted or empty = any"),
  });

export const constraintInputSchema = component(
  "ConstraintInput",
  z.discriminatedUnion("type", [
    pathConstraint("exact", "The path, e.g. `jobs` or `/jobs` (stored as `/jobs`)"),
    pathConstraint("prefix", "The path the request must be at or below, e.g. `jobs` allows `/jobs/1/runs`"),
    pathConstraint(
      "regex",
      "An RE2 pattern that the whole normalised path must match (implicitly anchored; at most 400 parts with {n,m} written out, 10 nested groups and 200 compiled instructions; paths over 1 KiB match no regex rule)",
    ),
    z.strictObject({
      type: z.literal("verb"),
      value: z.string().max(MAX_CONSTRAINT_VALUE_LENGTH).optional().describe("Ignored for verb (stored empty)"),
      methods: methods.min(1).describe("The allowed methods (at least one); any path"),
    }),
    z.strictObject({
      type: z.literal("ip"),
      value: z.string().min(1).max(MAX_CONSTRAINT_VALUE_LENGTH).describe("An IPv4 or IPv6 address or CIDR range, e.g. `10.0.0.0/8`: the client address (verify's `ip`) must be in it"),
      methods: z.array(z.enum(HTTP_METHODS)).max(0).optional().describe("None: an ip rule applies to every method"),
    }),
  ]),
  "A scoping rule for a new key. Path and verb rules are OR'd among themselves, ip rules too, and the two groups are AND'd; none = unrestricted.",
);

export const constraintSchema = component(
  "Constraint",
  z.strictObject({
    type: z.enum(CONSTRAINT_TYPES),
    value: z.string().describe("The canonical path or pattern; empty for verb"),
    methods: z.array(z.enum(HTTP_METHODS)).describe("Allowed methods; empty = any"),
  }),
  "A key's scoping rule as stored (canonical form)",
);

// ---------------------------------------------------------------------------------------------
// Usage limits (lib/validations/limits.ts judges them; these are their shapes)

export const rateLimitSchema = component(
  "RateLimit",
  z.strictObject({
    name: z.string().max(RATE_LIMIT_NAME_MAX_LENGTH).optional().describe("Unique per key; letters, digits, `._-`. Defaults to the duration's short form, e.g. `1m`"),
    limit: z.number().int().min(1).max(MAX_RATE_LIMIT).describe("Requests (cost units) per window"),
    duration: z.number().int().min(MIN_DURATION_MS).max(MAX_DURATION_MS).describe("Window length in milliseconds, 1 s … 1 day; windows are fixed and aligned"),
  }),
  "A fixed-window rate limit",
);

const ratelimitsSchema = z.array(rateLimitSchema).max(MAX_RATE_LIMITS).describe("Every limit applies; a request needs room in each");

export const creditsSchema = component(
  "Credits",
  z.strictObject({
    remaining: z.number().int().min(0).max(MAX_CREDITS).describe("The balance; each VALID verification takes its cost"),
    refill: z
      .strictObject({
        interval: z.enum(REFILL_INTERVALS),
        amount: z.number().int().min(1).max(MAX_REFILL_AMOUNT).describe("The balance is reset to this at each refill (not added to)"),
        refillDay: z.number().int().min(1).max(31).optional().describe("Monthly only (default 1); 29–31 mean the last day of shorter months"),
      })
      .nullable()
      .optional(),
  }),
  "A credit balance and its refill",
);

export const externalIdSchema = z.string().max(EXTERNAL_ID_MAX_LENGTH).describe(`The owner: whom the key was issued to, at most ${EXTERNAL_ID_MAX_LENGTH} characters`);
export const metadataSchema = z.record(z.string(), z.unknown()).describe(`A JSON object of at most ${METADATA_MAX_BYTES} bytes serialized`);

// ---------------------------------------------------------------------------------------------
// Keys

export const apiKeySchema = component(
  "ApiKey",
  z.strictObject({
    id: keySidSchema,
    projectId: z.uuid(),
    name: z.string(),
    description: z.string(),
    prefix: z.string().describe("Project prefix and the first characters of the secret"),
    maskedKey: z.string().describe("prefix…last4, safe to display"),
    status: z.enum(KEY_STATUSES).describe("revoked, else expired, else disabled, else active"),
    enabled: z.boolean().describe("false while the key is disabled (reversible); see PATCH"),
    externalId: externalIdSchema.nullable().describe("The owner; null when unset"),
    metadata: metadataSchema.describe("{} when unset"),
    createdAt: timestamp,
    expiresAt: nullableTimestamp.describe("null: never expires"),
    lastUsedAt: nullableTimestamp,
    revokedAt: nullableTimestamp,
    replacedBy: keySidSchema.nullable().describe("The replacement's Sid once the key was rolled"),
    canary: z.boolean().describe("A honeytoken: never valid; verifying it answers NOT_FOUND and raises key.canary_used"),
    projectScope: z
      .union([z.literal("all"), z.array(z.uuid())])
      .nullable()
      .describe("Management keys (keys of the Keydesk API project): `\"all\"` or the ids of the projects it may act on; outside it projects and keys answer 404. null for every other key"),
    leakedAt: nullableTimestamp.describe("When the key was first reported leaked (POST /api/v1/keys/leaked)"),
    constraints: z.array(constraintSchema),
    ratelimits: z.array(rateLimitSchema).describe("The key's rate limits; [] for none"),
    credits: creditsSchema.nullable().describe("The key's credits, `remaining` being the balance now; null: no credits"),
  }),
  "An API key. Never contains the secret or its hash.",
);

const keyName = z.string().min(1).max(KEY_NAME_MAX_LENGTH).describe("Unique among the project's active keys (case-insensitive); no control characters");
const keyDescription = z.string().max(KEY_DESCRIPTION_MAX_LENGTH).describe("Line breaks and tabs allowed");

export const createKeyBodySchema = component(
  "CreateKeyRequest",
  z.strictObject({
    name: keyName,
    description: keyDescription.optional(),
    expiry: z
      .enum(EXPIRY_PRESETS)
      .optional()
      .describe("Defaults to 30d, or the calling management key's own expiry when that comes sooner; `custom` needs customDate; `never` only where the project allows it. A key cannot outlive the management key creating it (422 on `expiry`)"),
    customDate: z.string().max(40).optional().describe("With expiry `custom`: YYYY-MM-DD (the end of that day, UTC) or an ISO date-time with a zone"),
    constraints: z.array(constraintInputSchema).max(MAX_CONSTRAINTS).optional().describe("Omitted or empty: unrestricted. A management key with constraints may only create keys with exactly its own."),
    externalId: externalIdSchema.nullable().optional(),
    metadata: metadataSchema.nullable().optional(),
    ratelimits: ratelimitsSchema.optional().describe("Absent: the project's defaults; [] for none"),
    credits: creditsSchema.nullable().optional().describe("Absent: the project's defaults; null for none"),
    canary: z.boolean().optional().describe("Create a canary key (honeytoken); it does not count towards the project's limit"),
    projectScope: z
      .union([z.literal("all"), z.array(z.string().min(1).max(64)).min(1).max(MAX_SCOPE_PROJECTS)])
      .optional()
      .describe("Keys of the Keydesk API project only; a management key cannot create those, so through this API the field is refused"),
  }),
  "A new key",
);

export const updateKeyBodySchema = component(
  "UpdateKeyRequest",
  z.strictObject({
    name: keyName.optional(),
    description: keyDescription.nullable().optional().describe("null clears it"),
    enabled: z.boolean().optional().describe("false disables the key (verification answers DISABLED), true enables it again"),
    externalId: externalIdSchema.nullable().optional().describe("null or an empty string clears it"),
    metadata: metadataSchema.nullable().optional().describe("Replaces the whole object; null clears it to {}"),
    ratelimits: ratelimitsSchema.optional().describe("Replaces every rate limit ([] removes them)"),
    credits: creditsSchema.nullable().optional().describe("Sets the balance and the refill (null removes the credits); to add to the balance use POST /keys/{keyId}/credits"),
  }),
  "Fields to change; omitted fields stay as they are, and `{}` changes nothing",
);

export const rollKeyBodySchema = component(
  "RollKeyRequest",
  z.strictObject({
    grace: z.enum(GRACE_PERIODS).default("24h").describe("How long the old key keeps working; defaults to 24h"),
  }),
  "How to roll",
);

export const addCreditsBodySchema = component(
  "AddCreditsRequest",
  z.strictObject({ amount: z.number().int().min(1).max(MAX_CREDITS).describe("Credits to add to what is left") }),
  "A top-up",
);

export const keyResponseSchema = component("KeyResponse", z.strictObject({ key: apiKeySchema }), "One key");

export const revokedKeyResponseSchema = component(
  "RevokedKeyResponse",
  z.strictObject({ key: apiKeySchema, cascaded: z.array(keySidSchema).optional().describe("With cascade: the Sids of the created keys revoked with it") }),
  "The revoked key, and with `cascade=true` what was revoked with it",
);

export const createdKeyResponseSchema = component(
  "CreatedKeyResponse",
  z.strictObject({ key: apiKeySchema, secret: z.string().describe("The secret, shown this once: store it now") }),
  "A new key and its secret",
);

export const rolledKeyResponseSchema = component(
  "RolledKeyResponse",
  z.strictObject({
    key: apiKeySchema.describe("The replacement"),
    secret: z.string().describe("The replacement's secret, shown this once"),
    previous: apiKeySchema.describe("The old key, now expiring at the end of the grace period"),
  }),
  "The replacement, its secret, and the old key",
);

const listFields = {
  hasMore: z.boolean().describe("Whether another page follows this one"),
  nextCursor: z.string().nullable().describe("Pass as `starting_after` for the next page; null on the last page"),
};

export const keyListSchema = component(
  "KeyList",
  z.strictObject({ keys: z.array(apiKeySchema), ...listFields }),
  "A page of keys",
);

// ---------------------------------------------------------------------------------------------
// Projects

export const projectSchema = component(
  "Project",
  z.strictObject({
    id: z.uuid(),
    name: z.string(),
    slug: z.string().describe("Usable instead of the id in paths, e.g. /projects/default/keys"),
    keyPrefix: z.string().describe("Secrets of this project start with `<keyPrefix>_`"),
    activeKeyLimit: z.number().int(),
    maxLifetimeDays: z.number().int().nullable().describe("null: no limit"),
    allowNoExpiry: z.boolean(),
    requestRetentionDays: z.number().int().describe("Days the request trail keeps this project's events"),
    logUnknownKeys: z.boolean().describe("Whether MALFORMED and NOT_FOUND verifications are logged one by one (they are always counted)"),
    defaultRatelimits: z.array(rateLimitSchema).describe("Rate limits of keys created without `ratelimits`"),
    defaultCredits: creditsSchema.nullable().describe("Credits of keys created without `credits`; null: none"),
    capLimitsAtDefaults: z.boolean().describe("true: a key's own limits must be at least as strict as the defaults"),
    leakPolicy: z.enum(["revoke", "report"]).describe("What happens to a key reported leaked"),
    isSystem: z.boolean().describe("The built-in Keydesk API project, whose keys are management keys"),
    archived: z.boolean(),
    createdAt: timestamp,
  }),
  "A project: an application or partner whose keys belong together",
);

export const projectListSchema = component(
  "ProjectList",
  z.strictObject({ projects: z.array(projectSchema), ...listFields }),
  "A page of projects",
);
