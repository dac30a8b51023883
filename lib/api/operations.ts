// Every operation of the REST API, once: its method and path, what it reads (path and query
// parameters, body) and every status it answers. The handlers parse with these schemas
// (lib/api/handler.ts), the OpenAPI document is generated from them (lib/api/openapi.ts), and the
// custom server answers unknown paths and methods from the same table (server/api-edge.ts), so
// an operation cannot exist in one place and not the others. Framework-free on purpose.
import { z } from "zod";
import { pageParams, type Operation } from "@/lib/api/operation-types";
import { conflictOrInUse, failure, invalidJson, notFound, ok } from "@/lib/api/operation-responses";
import {
  addCreditsBodySchema,
  createKeyBodySchema,
  createdKeyResponseSchema,
  keyListSchema,
  keyResponseSchema,
  keySidSchema,
  projectListSchema,
  rollKeyBodySchema,
  revokedKeyResponseSchema,
  rolledKeyResponseSchema,
  updateKeyBodySchema,
} from "@/lib/api/schemas";
import { verifyRequestSchema, verifyResponseSchema } from "@/lib/api/schemas-verify";
import { webhookOperations } from "@/lib/api/operations-webhooks";
import {
  createKeyExamples,
  getKeyExamples,
  listKeysExamples,
  listProjectsExamples,
  revokeKeyExamples,
  rollKeyExamples,
  updateKeyExamples,
  verifyExamples,
} from "@/lib/api/operation-examples";
import { KEY_STATUSES } from "@/lib/keys/status";
import { KEY_SORTS } from "@/lib/validations/api-key-list";

const projectIdParam = z.object({
  projectId: z.string().min(1).max(64).describe("The project's id or slug, e.g. `default`"),
});
const keyIdParam = z.object({ keyId: keySidSchema });

const listKeysQuery = z.object({
  q: z.string().max(100).optional().describe("A case-insensitive substring of the name, description, prefix or Sid"),
  status: z.enum(["all", ...KEY_STATUSES]).default("all"),
  sort: z.enum(KEY_SORTS).default("createdAt").describe("Keys never used or never expiring come last in both directions"),
  dir: z.enum(["asc", "desc"]).default("desc"),
  ...pageParams,
});

/** The operations on one key (/api/v1/keys/{keyId}…) and on a project's keys. */
const onKey = { tag: "Keys", pathParams: keyIdParam } as const;
const onProjectKeys = { path: "/api/v1/projects/{projectId}/keys", tag: "Keys", pathParams: projectIdParam } as const;

const verify = {
  operationId: "verifyKey",
  method: "post",
  path: "/api/v1/keys/verify",
  tag: "Verification",
  summary: "Verify a presented key",
  description:
    "Always 200 for a well-formed request; `code` says why a key is not valid. No authentication; `Idempotency-Key` does not apply (verification changes nothing but usage counts).",
  auth: "none",
  body: { schema: verifyRequestSchema, required: true, examples: verifyExamples.request },
  responses: {
    200: ok("The verdict", verifyResponseSchema, verifyExamples.verdict),
    400: invalidJson(),
    408: failure("`request_timeout`: the body did not arrive within 5 s (the connection is closed)"),
    413: failure("`payload_too_large`: the body is over 8 KiB"),
    429: failure("`too_many_requests`: more verification requests in flight from this address than KEYDESK_VERIFY_MAX_IN_FLIGHT_PER_CLIENT; retry after `Retry-After` seconds"),
    422: failure(
      "`invalid_request`: the body is not a JSON object, `key` or `project` is missing or not a string, or `method`, `path`, `ip`, `cost` is invalid; `unknown_project`: no project has that slug or id",
    ),
    500: failure("`internal_error`"),
    503: ok("The database is unavailable and the key is not cached: it fails closed (`UNAVAILABLE`)", verifyResponseSchema),
  },
} satisfies Operation;

const openApi = {
  operationId: "getOpenApiDocument",
  method: "get",
  path: "/api/v1/openapi.json",
  tag: "Meta",
  summary: "This document",
  description: "Building it reads no data: it is served while the database is unavailable too.",
  auth: "none",
  responses: {
    200: { description: "The OpenAPI 3.1 document" },
    500: failure("`internal_error`: the document could not be built"),
  },
} satisfies Operation;

const listProjects = {
  operationId: "listProjects",
  method: "get",
  path: "/api/v1/projects",
  tag: "Projects",
  summary: "List projects",
  description: "Ordered by name, then id.",
  auth: { permission: "projects.read" },
  query: z.object({ ...pageParams }),
  responses: { 200: ok("A page of projects", projectListSchema, listProjectsExamples.page) },
} satisfies Operation;

const listKeys = {
  ...onProjectKeys,
  operationId: "listKeys",
  method: "get",
  summary: "List and search a project's keys",
  description: "Cursor-paginated: a page never repeats or skips a key because keys were created meanwhile.",
  auth: { permission: "keys.read" },
  query: listKeysQuery,
  responses: { 200: ok("A page of keys", keyListSchema, listKeysExamples.page), 404: notFound("no such project") },
} satisfies Operation;

const createKey = {
  ...onProjectKeys,
  operationId: "createKey",
  method: "post",
  summary: "Create a key (the secret is returned once)",
  description: "A management key with constraints can only create keys with exactly its own constraints. Send an `Idempotency-Key` so that a retry cannot create a second key, and so that a lost answer (with its secret) can be fetched again.",
  auth: { permission: "keys.create" },
  body: { schema: createKeyBodySchema, required: true, examples: createKeyExamples.request },
  responses: {
    201: ok("Created; store the secret now", createdKeyResponseSchema, createKeyExamples.created),
    404: notFound("no such project, or it is archived"),
    409: failure("`key_limit_reached`, `conflict` (the name is taken), or `idempotency_key_in_use`", createKeyExamples.conflict),
  },
} satisfies Operation;

const getKey = {
  ...onKey,
  operationId: "getKey",
  method: "get",
  path: "/api/v1/keys/{keyId}",
  summary: "Get a key",
  auth: { permission: "keys.read" },
  responses: { 200: ok("The key", keyResponseSchema, getKeyExamples.found), 404: notFound(undefined, getKeyExamples.notFound) },
} satisfies Operation;

const updateKey = {
  ...onKey,
  operationId: "updateKey",
  method: "patch",
  path: "/api/v1/keys/{keyId}",
  summary: "Edit a key: name, description, owner, metadata, usage limits; disable or enable it",
  description: "Omitted fields stay unchanged; `{}` answers the key as it is. A 4xx changes nothing.",
  auth: { permission: "keys.update" },
  body: { schema: updateKeyBodySchema, required: true, examples: updateKeyExamples.request },
  responses: {
    200: ok("Updated", keyResponseSchema, updateKeyExamples.updated),
    404: notFound(undefined, updateKeyExamples.notFound),
    409: failure("`conflict`: the key is revoked, or the name is taken"),
  },
} satisfies Operation;

const revokeKey = {
  ...onKey,
  operationId: "revokeKey",
  method: "delete",
  path: "/api/v1/keys/{keyId}",
  summary: "Revoke a key (irreversible, immediate)",
  description:
    "With `?cascade=true`, also revokes the still-active keys this key created, directly or through keys it created, in the same transaction. A management key may revoke keys of the Keydesk API project only when they are itself or keys it created.",
  auth: { permission: "keys.revoke" },
  query: z.object({ cascade: z.enum(["true", "false"]).optional().describe("Also revoke what the key created (default false)") }),
  responses: {
    200: ok("Revoked", revokedKeyResponseSchema, revokeKeyExamples.revoked),
    404: notFound(undefined, revokeKeyExamples.notFound),
    409: conflictOrInUse("already revoked"),
  },
} satisfies Operation;

const rollKey = {
  ...onKey,
  operationId: "rollKey",
  method: "post",
  path: "/api/v1/keys/{keyId}/roll",
  summary: "Roll a key: create a replacement, expire the old one after a grace period",
  description: "The body is optional (`grace` defaults to 24h). Send an `Idempotency-Key` so that a retry cannot roll twice.",
  auth: { permission: "keys.roll" },
  body: { schema: rollKeyBodySchema, required: false, examples: rollKeyExamples.request },
  responses: {
    201: ok("The replacement; store the secret now", rolledKeyResponseSchema, rollKeyExamples.rolled),
    404: notFound(undefined, rollKeyExamples.notFound),
    409: conflictOrInUse("the key is revoked, expired or already rolled"),
  },
} satisfies Operation;

const addCredits = {
  ...onKey,
  operationId: "addCredits",
  method: "post",
  path: "/api/v1/keys/{keyId}/credits",
  summary: "Add credits to a key's balance (a top-up)",
  description: "Adds to what is left, after applying a refill that is due. Audited as key.credits_added. Send an `Idempotency-Key` so that a retry cannot add twice.",
  auth: { permission: "keys.update" },
  body: { schema: addCreditsBodySchema, required: true },
  responses: {
    200: ok("The key with its new balance", keyResponseSchema),
    404: notFound(),
    409: conflictOrInUse("the key has no credits, or is revoked"),
  },
} satisfies Operation;

export const operations = {
  verify,
  openApi,
  listProjects,
  listKeys,
  createKey,
  getKey,
  updateKey,
  revokeKey,
  rollKey,
  addCredits,
  ...webhookOperations,
} as const;

export const OPERATIONS: readonly Operation[] = Object.values(operations);
