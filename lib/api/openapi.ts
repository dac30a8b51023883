// The OpenAPI 3.1 description of Keydesk's HTTP API, generated from the same zod schemas the
// handlers validate with, so the document cannot drift from what the server accepts.
import { z } from "zod";
import { CONSTRAINT_TYPES, HTTP_METHODS } from "@/lib/keys/constraints";
import { EXPIRY_PRESETS, GRACE_PERIODS, createApiKeySchema, updateApiKeySchema } from "@/lib/validations/api-key";
import { KEY_STATUSES } from "@/lib/validations/api-key-list";

const toSchema = (schema: z.ZodType) => z.toJSONSchema(schema, { io: "input", unrepresentable: "any", target: "draft-2020-12" });

const constraint = z.object({
  type: z.enum(CONSTRAINT_TYPES).describe("exact: the path equals the value; prefix: the path is the value or below it; regex: the whole path matches (RE2, implicitly anchored); verb: any path, only these methods"),
  value: z.string().describe("A path such as `jobs` or `/jobs` (ignored for verb)"),
  methods: z.array(z.enum(HTTP_METHODS)).describe("Allowed methods; empty = any (verb needs at least one)"),
});

const key = z.object({
  id: z.string().describe("The key's Sid, e.g. key_4fT9…"),
  projectId: z.string(),
  name: z.string(),
  description: z.string(),
  prefix: z.string().describe("Project prefix and the first characters of the secret"),
  maskedKey: z.string().describe("prefix…last4, safe to display"),
  status: z.enum(KEY_STATUSES),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  constraints: z.array(constraint),
});

const project = z.object({
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  keyPrefix: z.string(),
  activeKeyLimit: z.number().int(),
  maxLifetimeDays: z.number().int().nullable(),
  allowNoExpiry: z.boolean(),
  isSystem: z.boolean(),
  archived: z.boolean(),
  createdAt: z.string(),
});

const error = z.object({
  error: z.object({ code: z.string(), message: z.string(), issues: z.record(z.string(), z.array(z.string())).optional() }),
});

const verifyRequest = z.object({
  key: z.string().describe("The secret presented to your API"),
  method: z.enum(HTTP_METHODS).optional().describe("The method of the request being authorised"),
  path: z.string().optional().describe("The path of the request being authorised"),
});

const verifyResponse = z.object({
  valid: z.boolean(),
  code: z.enum(["VALID", "MALFORMED", "NOT_FOUND", "REVOKED", "EXPIRED", "FORBIDDEN", "UNAVAILABLE"]),
  key: z.object({ id: z.string(), name: z.string(), projectId: z.string(), expiresAt: z.string().nullable() }).optional(),
  matchedConstraint: constraint.nullable().optional(),
});

const createBody = z.object({
  name: createApiKeySchema.shape.name,
  description: createApiKeySchema.shape.description,
  expiry: z.enum(EXPIRY_PRESETS).optional().describe("Defaults to 30d"),
  customDate: createApiKeySchema.shape.customDate.describe("With expiry `custom`: YYYY-MM-DD or an ISO date-time with zone"),
  constraints: z.array(constraint).optional(),
});

const json = (schema: z.ZodType, description: string) => ({ description, content: { "application/json": { schema: toSchema(schema) } } });
const errors = {
  "401": json(error, "Missing, invalid, revoked or expired management key"),
  "403": json(error, "The key's creator lacks the role, or the key's constraints do not allow this request"),
  "404": json(error, "Not found"),
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
          description: "Always 200 for a well-formed request; `code` says why a key is not valid. No authentication needed.",
          security: [],
          requestBody: { required: true, content: { "application/json": { schema: toSchema(verifyRequest) } } },
          responses: {
            "200": json(verifyResponse, "The verdict"),
            "400": json(error, "Body is not JSON"),
            "413": json(error, "Body larger than 8 KiB"),
            "422": json(error, "`key` missing"),
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
            { name: "q", in: "query", schema: { type: "string" }, description: "Substring of name, description, prefix or Sid" },
            { name: "status", in: "query", schema: { type: "string", enum: ["all", ...KEY_STATUSES] } },
            { name: "page", in: "query", schema: { type: "integer", minimum: 1 } },
          ],
          responses: { "200": json(z.object({ keys: z.array(key.omit({ constraints: true, prefix: true })), total: z.number(), page: z.number(), pageSize: z.number() }), "A page of keys"), ...errors },
        },
        post: {
          summary: "Create a key (the secret is returned once)",
          description: "A management key with constraints can only create keys with exactly its own constraints.",
          requestBody: { required: true, content: { "application/json": { schema: toSchema(createBody) } } },
          responses: { "201": json(z.object({ key, secret: z.string() }), "Created; store the secret now"), "409": json(error, "Active-key limit reached or name taken"), ...errors },
        },
      },
      "/api/v1/keys/{keyId}": {
        parameters: [idParam("keyId", "The key's Sid")],
        get: { summary: "Get a key", responses: { "200": json(z.object({ key }), "The key"), ...errors } },
        patch: {
          summary: "Rename or redescribe a key",
          requestBody: { required: true, content: { "application/json": { schema: toSchema(updateApiKeySchema) } } },
          responses: { "200": json(z.object({ key }), "Updated"), "409": json(error, "Revoked, or name taken"), ...errors },
        },
        delete: { summary: "Revoke a key (irreversible, immediate)", responses: { "200": json(z.object({ key }), "Revoked"), "409": json(error, "Already revoked"), ...errors } },
      },
      "/api/v1/keys/{keyId}/roll": {
        parameters: [idParam("keyId", "The key's Sid")],
        post: {
          summary: "Roll a key: create a replacement, expire the old one after a grace period",
          requestBody: { content: { "application/json": { schema: toSchema(z.object({ grace: z.enum(GRACE_PERIODS).optional().describe("Defaults to 24h") })) } } },
          responses: { "201": json(z.object({ key, secret: z.string(), previous: key }), "The replacement; store the secret now"), ...errors },
        },
      },
    },
  };
}
