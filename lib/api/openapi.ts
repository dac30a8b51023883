// The OpenAPI 3.1 description of Keydesk's HTTP API, generated from the same zod schemas the
// handlers validate with, so the document cannot drift from what the server accepts.
import { z } from "zod";
import { CONSTRAINT_TYPES, HTTP_METHODS } from "@/lib/keys/constraints";
import { EXPIRY_PRESETS, GRACE_PERIODS, createApiKeySchema } from "@/lib/validations/api-key";
import { KEY_STATUSES } from "@/lib/validations/api-key-list";
import { EXTERNAL_ID_MAX_LENGTH, METADATA_MAX_BYTES } from "@/lib/validations/key-fields";
import { MAX_SCOPE_PROJECTS } from "@/lib/validations/project-scope";
import { MAX_COST, MAX_CREDITS, MAX_DURATION_MS, MAX_RATE_LIMIT, MAX_RATE_LIMITS, MAX_REFILL_AMOUNT, MIN_DURATION_MS, RATE_LIMIT_NAME_MAX_LENGTH, REFILL_INTERVALS } from "@/lib/keys/limits/types";
import { notificationPaths, webhookEvents } from "@/lib/api/openapi-notifications";

const toSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: "input", unrepresentable: "any", target: "draft-2020-12" });

const constraint = z.object({
  type: z
    .enum(CONSTRAINT_TYPES)
    .describe(
      "exact: the path equals the value; prefix: the path is the value or below it; regex: the whole path matches (RE2, implicitly anchored; at most 400 parts with {n,m} written out, 10 nested groups and 200 compiled instructions; paths over 1 KiB match no regex rule); verb: any path, only these methods (compared exactly: `get` is not `GET`); ip: the client address (the verify request's `ip`) is the value or inside its CIDR range, IPv4 or IPv6 (IPv4-mapped IPv6 addresses count as IPv4). Path and verb rules are OR'd among themselves, ip rules too, and the two groups are AND'd: with both, a request needs a matching ip rule and a matching path/verb rule.",
    ),
  value: z.string().describe("A path such as `jobs` or `/jobs`, a pattern, or for ip an address or CIDR range such as `10.0.0.0/8` (ignored for verb)"),
  methods: z.array(z.enum(HTTP_METHODS)).describe("Allowed methods; empty = any (verb needs at least one; ip takes none)"),
});

const externalId = z.string().max(EXTERNAL_ID_MAX_LENGTH).nullable().describe(`The owner: whom or what the key was issued to (a customer, a device), free text of at most ${EXTERNAL_ID_MAX_LENGTH} characters; null when unset`);
const metadata = z.record(z.string(), z.unknown()).describe(`A JSON object of at most ${METADATA_MAX_BYTES} bytes serialized; {} when unset`);

const projectScope = z
  .union([z.literal("all"), z.array(z.string()).min(1).max(MAX_SCOPE_PROJECTS)])
  .describe(
    "Which projects a management key may act on: `\"all\"` (every project, including later ones) or a list of project slugs or ids. Outside its scope, projects and keys answer 404 as if absent, and webhooks need `\"all\"`",
  );

const rateLimit = z.object({
  name: z.string().max(RATE_LIMIT_NAME_MAX_LENGTH).describe("Unique per key; letters, digits, `._-`. Defaults to the duration's short form, e.g. `1m`, `10s`"),
  limit: z.number().int().min(1).max(MAX_RATE_LIMIT).describe("Requests (cost units) per window"),
  duration: z.number().int().min(MIN_DURATION_MS).max(MAX_DURATION_MS).describe("Window length in milliseconds, 1 s … 1 day; windows are fixed and aligned to multiples of it since the epoch (UTC)"),
});
const ratelimits = z.array(rateLimit).max(MAX_RATE_LIMITS).describe("Every limit applies; a request needs room in each");
const credits = z
  .object({
    remaining: z.number().int().min(0).max(MAX_CREDITS).describe("The balance; each VALID verification takes its cost"),
    refill: z
      .object({
        interval: z.enum(REFILL_INTERVALS),
        amount: z.number().int().min(1).max(MAX_REFILL_AMOUNT).describe("The balance is reset to this at each refill (not added to)"),
        refillDay: z.number().int().min(1).max(31).optional().describe("Monthly only (default 1); 29–31 mean the last day of shorter months. At 00:00 UTC"),
      })
      .nullable()
      .optional(),
  })
  .nullable()
  .describe("null: no credits");

const key = z.object({
  id: z.string().describe("The key's Sid, e.g. key_4fT9…"),
  projectId: z.string(),
  name: z.string(),
  description: z.string(),
  prefix: z.string().describe("Project prefix and the first characters of the secret"),
  maskedKey: z.string().describe("prefix…last4, safe to display"),
  status: z.enum(KEY_STATUSES).describe("revoked, else expired, else disabled, else active"),
  enabled: z.boolean().describe("false while the key is disabled (reversible); see PATCH"),
  externalId,
  metadata,
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  canary: z.boolean().describe("A honeytoken: never valid; verifying it answers NOT_FOUND and raises key.canary_used"),
  leakedAt: z.string().nullable().describe("When the key was first reported leaked (POST /api/v1/keys/leaked)"),
  constraints: z.array(constraint),
  projectScope: projectScope.nullable().describe("Management keys (keys of the Keydesk API project): `\"all\"` or the ids of the projects it may act on. null for every other key"),
  ratelimits,
  credits,
});

const project = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  keyPrefix: z.string(),
  activeKeyLimit: z.number().int(),
  maxLifetimeDays: z.number().int().nullable(),
  allowNoExpiry: z.boolean(),
  requestRetentionDays: z.number().int().describe("Days the request trail keeps this project's events (1–400)"),
  logUnknownKeys: z.boolean().describe("Whether MALFORMED and NOT_FOUND verifications are logged one by one (they are always counted)"),
  defaultRatelimits: ratelimits.describe("Rate limits of keys created without `ratelimits`"),
  defaultCredits: credits.describe("Credits of keys created without `credits`; null: none"),
  capLimitsAtDefaults: z.boolean().describe("true: a key's own limits must be at least as strict as the defaults"),
  leakPolicy: z.enum(["revoke", "report"]).describe("What happens to a key reported leaked: revoked at once, or marked for an administrator"),
  isSystem: z.boolean(),
  archived: z.boolean(),
  createdAt: z.string(),
});

const error = z.object({
  error: z.object({ code: z.string(), message: z.string(), issues: z.record(z.string(), z.array(z.string())).optional() }),
});

const verifyRequest = z.object({
  key: z.string().describe("The secret presented to your API"),
  project: z
    .string()
    .describe(
      "Required. The slug (e.g. `default`, shown in Admin → Projects) or id of the project your API belongs to. Only keys of this project verify; the built-in Keydesk API project's management keys verify only with `keydesk-api` (or its id).",
    ),
  method: z.enum(HTTP_METHODS).optional().describe("The method of the request being authorised"),
  path: z.string().optional().describe("The path of the request being authorised"),
  ip: z.string().optional().describe("The client's address, IPv4 or IPv6 without a port, e.g. `203.0.113.7`; needed by keys with ip constraints, and recorded in the request trail"),
  userAgent: z.string().optional().describe("Your client's User-Agent, for the request trail (stored capped at 512 bytes)"),
  requestId: z.string().optional().describe("Your own id for the request, for the request trail (stored capped at 128 bytes)"),
  cost: z
    .number()
    .int()
    .min(0)
    .max(MAX_COST)
    .optional()
    .describe("What the request takes from the key's rate limits and credits, default 1. Admitted when every limit has at least max(cost, 1) left; 0 checks without consuming"),
});

const limitsState = {
  ratelimits: z
    .array(z.object({ name: z.string(), limit: z.number().int(), remaining: z.number().int(), reset: z.number().int().describe("Epoch milliseconds when the current window ends") }))
    .optional()
    .describe("For a key with rate limits, in every answer about it"),
  credits: z
    .object({
      remaining: z.number().int(),
      refill: z
        .object({ interval: z.enum(REFILL_INTERVALS), amount: z.number().int(), refillDay: z.number().int().optional(), nextRefillAt: z.number().int().describe("Epoch milliseconds") })
        .optional(),
    })
    .optional()
    .describe("For a key with credits, in every answer about it"),
};

const verifyResponse = z.object({
  valid: z.boolean(),
  code: z
    .enum(["VALID", "MALFORMED", "NOT_FOUND", "REVOKED", "EXPIRED", "DISABLED", "FORBIDDEN", "RATE_LIMITED", "USAGE_EXCEEDED", "UNAVAILABLE"])
    .describe(
      "For a key of the asking project, precedence REVOKED > EXPIRED > DISABLED > FORBIDDEN > RATE_LIMITED > USAGE_EXCEEDED. A denied request takes nothing from the limits. NOT_FOUND also for a key of another project and for an archived project, always without `key`.",
    ),
  key: z
    .object({ id: z.string(), name: z.string(), projectId: z.string(), externalId, metadata, expiresAt: z.string().nullable() })
    .optional()
    .describe("Present for keys of the asking project (VALID and the denials REVOKED, EXPIRED, DISABLED, FORBIDDEN)"),
  matchedConstraint: constraint.nullable().optional().describe("On VALID: the path/verb rule that allowed the request, null when the key has none"),
  ...limitsState,
});

const createBody = z.object({
  name: createApiKeySchema.shape.name,
  description: createApiKeySchema.shape.description,
  expiry: z.enum(EXPIRY_PRESETS).optional().describe("Defaults to 30d, or the calling management key's own expiry when that comes sooner"),
  customDate: createApiKeySchema.shape.customDate.describe("With expiry `custom`: YYYY-MM-DD or an ISO date-time with zone"),
  constraints: z.array(constraint).optional(),
  externalId: externalId.optional(),
  metadata: metadata.optional(),
  ratelimits: ratelimits.optional().describe("Absent: the project's defaults; [] for none"),
  credits: credits.optional().describe("Absent: the project's defaults; null for none"),
  canary: z.boolean().optional().describe("Create a canary key (honeytoken); it does not count towards the project's limit"),
  projectScope: projectScope
    .optional()
    .describe(
      'Keys of the Keydesk API project only (422 elsewhere), default `"all"`: `"all"` or a list of project slugs or ids. Management keys are created in the dashboard: a management key cannot create keys in the Keydesk API project, so through this API the field is refused',
    ),
});

const patchBody = z.object({
  name: createApiKeySchema.shape.name.optional(),
  description: z.string().nullable().optional().describe("null clears it"),
  enabled: z.boolean().optional().describe("false disables the key (verification answers DISABLED), true enables it again; audited as key.disabled / key.enabled"),
  externalId: externalId.optional().describe("null or an empty string clears it"),
  metadata: metadata.nullable().optional().describe("Replaces the whole object; null clears it to {}"),
  ratelimits: ratelimits.optional().describe("Replaces every rate limit ([] removes them); a limit that keeps its name and duration keeps the current window's count"),
  credits: credits.optional().describe("Sets the balance and the refill (null removes the credits); to add to the balance use POST /keys/{id}/credits"),
});

const json = (schema: z.ZodType, description: string) => ({ description, content: { "application/json": { schema: toSchema(schema) } } });
const errors = {
  "401": json(error, "Missing, invalid, revoked or expired management key"),
  "403": json(error, "The key's creator lacks the role, the key's constraints do not allow this request, or a management key tried to create, roll or edit a key of the Keydesk API project"),
  "404": json(error, "Not found, or outside the management key's project scope"),
  "422": json(error, "Invalid input, with the issues per field"),
};
const idParam = (name: string, description: string) => ({ name, in: "path", required: true, schema: { type: "string" }, description });

export function openApiDocument(serverUrl: string) {
  return {
    openapi: "3.1.0",
    info: {
      title: "Keydesk API",
      version: "1.0.0",
      description:
        "Verify API keys from your applications, and manage keys with management keys (keys of the built-in “Keydesk API” project). A management key acts with its creator's current role: writes need an administrator. Its own constraints apply to each request, with paths relative to /api/v1.",
    },
    servers: [{ url: serverUrl }],
    components: {
      securitySchemes: { managementKey: { type: "http", scheme: "bearer", description: "A key of the “Keydesk API” project" } },
    },
    security: [{ managementKey: [] }],
    paths: {
      "/api/v1/keys/verify": {
        post: {
          summary: "Verify a presented key",
          description:
            "Always 200 for a well-formed request naming a known project; `code` says why a key is not valid. No authentication needed. Verification is scoped to `project`: a key of another project answers exactly like an unknown key (`NOT_FOUND`, no `key`), and so does every key when the project is archived. Fields other than those listed are ignored.",
          security: [],
          requestBody: { required: true, content: { "application/json": { schema: toSchema(verifyRequest) } } },
          responses: {
            "200": json(verifyResponse, "The verdict"),
            "400": json(error, "Body is not JSON"),
            "408": json(error, "`request_timeout`: the body did not arrive within 5 s (the connection is closed)"),
            "413": json(error, "Body larger than 8 KiB"),
            "429": json(error, "`too_many_requests`: more verification requests in flight from this address than KEYDESK_VERIFY_MAX_IN_FLIGHT_PER_CLIENT; retry after the `Retry-After` seconds"),
            "422": json(error, "`invalid_request`: `key` or `project` missing or not a string (or `method`, `path`, `ip` not a string, or `cost` not an integer 0…1000); `unknown_project`: no project has that slug or id"),
            "503": json(verifyResponse, "Database unavailable and the key is not cached (fails closed)"),
          },
        },
      },
      "/api/v1/projects": {
        get: { summary: "List projects", responses: { "200": json(z.object({ projects: z.array(project) }), "Projects"), ...errors } },
      },
      "/api/v1/projects/{projectId}/keys": {
        parameters: [idParam("projectId", "Project id or slug")],
        get: {
          summary: "List and search a project's keys",
          parameters: [
            { name: "q", in: "query", schema: { type: "string" }, description: "Substring of name, description, prefix, Sid or owner (externalId)" },
            { name: "status", in: "query", schema: { type: "string", enum: ["all", ...KEY_STATUSES] } },
            { name: "page", in: "query", schema: { type: "integer", minimum: 1 } },
          ],
          responses: { "200": json(z.object({ keys: z.array(key.omit({ constraints: true, prefix: true, metadata: true }).extend({ constraintCount: z.number().int() })), total: z.number(), page: z.number(), pageSize: z.number() }), "A page of keys"), ...errors },
        },
        post: {
          summary: "Create a key (the secret is returned once)",
          description:
            "A management key with constraints can only create keys with exactly its own constraints. A key cannot outlive the management key that creates it: an `expiry` after the management key's own (or `never` from an expiring key) is a 422 on `expiry`; without `expiry`, the default is 30 days or the management key's own expiry, whichever comes first. A management key cannot create keys in the Keydesk API project (403), nor in a project outside its `projectScope` (404).",
          requestBody: { required: true, content: { "application/json": { schema: toSchema(createBody) } } },
          responses: { "201": json(z.object({ key, secret: z.string() }), "Created; store the secret now"), "409": json(error, "Active-key limit reached or name taken"), ...errors },
        },
      },
      "/api/v1/keys/{keyId}": {
        parameters: [idParam("keyId", "The key's Sid")],
        get: { summary: "Get a key", responses: { "200": json(z.object({ key }), "The key"), ...errors } },
        patch: {
          summary: "Edit a key: name, description, owner, metadata, usage limits; disable or enable it",
          description: "Omitted fields stay unchanged. A 422 changes nothing.",
          requestBody: { required: true, content: { "application/json": { schema: toSchema(patchBody) } } },
          responses: { "200": json(z.object({ key }), "Updated"), "409": json(error, "Revoked, or name taken"), ...errors },
        },
        delete: {
          summary: "Revoke a key (irreversible, immediate)",
          description:
            "With `?cascade=true`, also revokes the still-active keys this key created, directly or through keys it created, in the same transaction; each gets its own key.revoked audit event with `cascade: true` and `cascadeFrom`. A management key may revoke keys of the Keydesk API project only when they are itself or keys it created.",
          parameters: [{ name: "cascade", in: "query", schema: { type: "string", enum: ["true", "false"] }, description: "Also revoke what the key created (default false)" }],
          responses: {
            "200": json(z.object({ key, cascaded: z.array(z.string()).optional().describe("With cascade: the Sids of the created keys revoked with it") }), "Revoked"),
            "409": json(error, "Already revoked"),
            ...errors,
          },
        },
      },
      "/api/v1/keys/{keyId}/credits": {
        parameters: [idParam("keyId", "The key's Sid")],
        post: {
          summary: "Add credits to a key's balance (a top-up)",
          description: "Adds to what is left, after applying a refill that is due. Every Keydesk instance applies it within a second. Audited as key.credits_added.",
          requestBody: { required: true, content: { "application/json": { schema: toSchema(z.object({ amount: z.number().int().min(1).max(MAX_CREDITS) })) } } },
          responses: { "200": json(z.object({ key }), "The key with its new balance"), "409": json(error, "The key has no credits, or is revoked"), ...errors },
        },
      },
      "/api/v1/keys/{keyId}/roll": {
        parameters: [idParam("keyId", "The key's Sid")],
        post: {
          summary: "Roll a key: create a replacement, expire the old one after a grace period",
          description:
            "The replacement gets a lifetime as long as the old key's, under the project's policy as it is now: cut to `maxLifetimeDays`, and a never-expiring key in a project that no longer allows that gets the maximum lifetime, or 30 days when the project sets none. A management key cannot roll keys of the Keydesk API project (403), nor roll a key past its own expiry (422 on `expiry`).",
          requestBody: { content: { "application/json": { schema: toSchema(z.object({ grace: z.enum(GRACE_PERIODS).optional().describe("Defaults to 24h") })) } } },
          responses: { "201": json(z.object({ key, secret: z.string(), previous: key }), "The replacement; store the secret now"), ...errors },
        },
      },
      ...notificationPaths(toSchema, json, errors, error),
    },
    webhooks: webhookEvents(toSchema),
  };
}
