// The OpenAPI 3.1 document, generated from the operation table (lib/api/operations.ts) and the
// zod schemas the handlers parse with (lib/api/schemas.ts): every registered schema is a named
// component, every operation has an operationId, and every status an operation can answer is
// listed with its body and headers. Nothing here is written by hand twice.
import { z } from "zod";
import { IDEMPOTENCY_KEY_MAX_LENGTH } from "@/lib/api/idempotency-rules";
import { isIdempotent, type Operation, type ResponseSpec } from "@/lib/api/operation-types";
import { failure, invalidJson } from "@/lib/api/operation-responses";
import { OPERATIONS } from "@/lib/api/operations";
import { webhookEvents } from "@/lib/api/openapi-notifications";
import { apiSchemas } from "@/lib/api/schemas";

type Json = Record<string, unknown>;
const ref = (section: string, id: string) => ({ $ref: `#/components/${section}/${id}` });

function componentId(schema: z.ZodType): string {
  const id = apiSchemas.get(schema)?.id;
  if (!id) throw new Error("A request or response schema of an operation is not a registered component");
  return id;
}

function componentSchemas(): Record<string, Json> {
  const { schemas } = z.toJSONSchema(apiSchemas, {
    target: "draft-2020-12",
    io: "input",
    unrepresentable: "any",
    uri: (id) => `#/components/schemas/${id}`,
  });
  // Each schema comes as a standalone document; inside this one they are plain components.
  return Object.fromEntries(
    Object.entries(schemas).map(([id, schema]) => {
      const { $schema: _schema, $id: _id, ...rest } = schema as Json;
      return [id, rest];
    }),
  );
}

function parameterSchema(schema: z.ZodType): Json {
  const { $schema: _schema, ...rest } = z.toJSONSchema(schema, { target: "draft-2020-12", io: "input", unrepresentable: "any" }) as Json;
  return rest;
}

function parameters(operation: Operation): Json[] {
  const list: Json[] = [];
  for (const [where, object] of [["path", operation.pathParams], ["query", operation.query]] as const) {
    if (!object) continue;
    for (const [name, schema] of Object.entries(object.shape) as [string, z.ZodType][]) {
      const json = parameterSchema(schema);
      const { description, ...rest } = json;
      list.push({
        name,
        in: where,
        required: where === "path" || !schema.safeParse(undefined).success,
        ...(description ? { description } : {}),
        schema: rest,
      });
    }
  }
  if (isIdempotent(operation)) list.push(ref("parameters", "IdempotencyKey"));
  list.push(ref("parameters", "XRequestId"));
  return list;
}

const RATE_LIMIT_HEADERS = {
  "RateLimit-Limit": ref("headers", "RateLimitLimit"),
  "RateLimit-Remaining": ref("headers", "RateLimitRemaining"),
  "RateLimit-Reset": ref("headers", "RateLimitReset"),
};

/** The answers every operation of a kind shares, merged under the operation's own. */
function responsesOf(operation: Operation): Record<string, Json> {
  const managed = operation.auth !== "none";
  const shared: Record<number, ResponseSpec> = {};
  if (operation.body && managed) {
    shared[400] = invalidJson();
    shared[413] = failure("`payload_too_large`: the body is over 16 KiB");
  }
  // A management operation refuses unknown query parameters even when it takes none.
  if (managed || operation.body || operation.query) {
    shared[422] = failure(
      [
        "`validation_failed`: a parameter or field is missing, unknown or invalid; `issues` names each",
        isIdempotent(operation) ? "`idempotency_key_mismatch`: this Idempotency-Key was used for a different request; `invalid_idempotency_key`: the header is malformed" : null,
      ]
        .filter(Boolean)
        .join(". "),
    );
  }
  if (managed) {
    shared[401] = failure("`unauthorized`: the management key is missing, malformed, unknown, revoked or expired");
    shared[403] = failure("`forbidden`: the key's creator lacks the role, or the key's constraints do not allow this request");
    shared[429] = failure("`rate_limited`: this management key sent too many requests; retry after `Retry-After` seconds");
    shared[500] = failure("`internal_error`: nothing was changed");
    shared[503] = failure("`unavailable`: the database cannot be reached; nothing was changed");
  }
  if (isIdempotent(operation)) shared[409] = failure("`idempotency_key_in_use`: a request with this Idempotency-Key is still being processed; retry shortly");

  const statuses = [...new Set([...Object.keys(shared), ...Object.keys(operation.responses)].map(Number))].sort((a, b) => a - b);
  const result: Record<string, Json> = {};
  for (const status of statuses) {
    const own = operation.responses[status];
    const common = shared[status];
    const spec = own ?? common!;
    const description = own && common && own.description !== common.description ? `${own.description}. Also: ${common.description}` : spec.description;
    const headers: Json = { "Request-Id": ref("headers", "RequestId") };
    if (managed) Object.assign(headers, RATE_LIMIT_HEADERS);
    if (status === 401) headers["WWW-Authenticate"] = ref("headers", "WwwAuthenticate");
    if (status === 429) headers["Retry-After"] = ref("headers", "RetryAfter");
    if (isIdempotent(operation) && status < 500) headers["Idempotent-Replayed"] = ref("headers", "IdempotentReplayed");
    result[String(status)] = {
      description,
      headers,
      ...(spec.schema
        ? { content: { "application/json": { schema: ref("schemas", componentId(spec.schema)), ...(spec.examples ? { examples: spec.examples } : {}) } } }
        : spec.text
          ? { content: Object.fromEntries(spec.text.map((type) => [type, { schema: { type: "string" } }])) }
          : status === 200
            ? { content: { "application/json": { schema: { type: "object" } } } }
            : {}),
    };
  }
  return result;
}

function operationObject(operation: Operation): Json {
  return {
    operationId: operation.operationId,
    tags: [operation.tag],
    summary: operation.summary,
    ...(operation.description ? { description: operation.description } : {}),
    ...(operation.auth === "none" ? { security: [] } : {}),
    parameters: parameters(operation),
    ...(operation.body
      ? {
          requestBody: {
            required: operation.body.required,
            content: {
              "application/json": { schema: ref("schemas", componentId(operation.body.schema)), ...(operation.body.examples ? { examples: operation.body.examples } : {}) },
            },
          },
        }
      : {}),
    responses: responsesOf(operation),
  };
}

const header = (description: string, schema: Json) => ({ description, schema });

export function openApiDocument(serverUrl: string) {
  const paths: Record<string, Record<string, Json>> = {};
  for (const operation of OPERATIONS) (paths[operation.path] ??= {})[operation.method] = operationObject(operation);
  return {
    openapi: "3.1.0",
    info: {
      title: "Keydesk API",
      version: "1.0.0",
      description: [
        "Verify API keys from your applications, and manage keys with management keys (keys of the built-in “Keydesk API” project). A management key acts with its creator's current role: writes need an administrator. Its own constraints apply to each request, with paths relative to /api/v1.",
        "Every answer carries `Request-Id` (send a well-formed `X-Request-Id` to choose it). Errors are always `{ \"error\": { \"code\", \"message\", \"issues\"? } }`, also for unknown paths (404) and methods (405, with `Allow`).",
        "POST and DELETE take an `Idempotency-Key`: the first answer (status and body, a created secret included, kept encrypted) is replayed for 24 hours to a retry of the same request with the same key, marked `Idempotent-Replayed: true`.",
        "Lists are cursor-paginated: `limit` (1–100, default 25) and `starting_after` (the previous page's `nextCursor`); `hasMore` says whether another page follows.",
      ].join("\n\n"),
    },
    servers: [{ url: serverUrl }],
    tags: [
      { name: "Keys", description: "Create, list, edit, roll and revoke API keys" },
      { name: "Projects", description: "The projects keys belong to" },
      { name: "Verification", description: "Checking a key your API was presented with" },
      { name: "Webhooks", description: "Endpoints Keydesk POSTs key events to, and their delivery logs" },
      { name: "Leak reports", description: "Reporting secrets found in the wild, and rules for secret scanners" },
      { name: "Meta", description: "This document" },
    ],
    security: [{ managementKey: [] }],
    paths,
    webhooks: webhookEvents(),
    components: {
      securitySchemes: {
        managementKey: { type: "http", scheme: "bearer", description: "A key of the “Keydesk API” project: `Authorization: Bearer kdm_…`" },
      },
      schemas: componentSchemas(),
      parameters: {
        IdempotencyKey: {
          name: "Idempotency-Key",
          in: "header",
          required: false,
          description: `A unique value per intended operation (a UUID, say), 1–${IDEMPOTENCY_KEY_MAX_LENGTH} visible ASCII characters. A retry with the same key and the same request gets the first answer again; with a different request, 422. Keys are scoped to the management key and expire after 24 hours.`,
          schema: { type: "string", minLength: 1, maxLength: IDEMPOTENCY_KEY_MAX_LENGTH, pattern: "^[\\x21-\\x7E]+$" },
          example: "5f0c7b8e-6c1d-4d2a-9a3e-2b1f0c9d8e7a",
        },
        XRequestId: {
          name: "X-Request-Id",
          in: "header",
          required: false,
          description: "Your own id for this request, echoed as `Request-Id` when well-formed (1–128 of letters, digits and -_.:+=/@, starting with a letter or digit)",
          schema: { type: "string", pattern: "^[A-Za-z0-9][A-Za-z0-9\\-_.:+=/@]{0,127}$" },
        },
      },
      headers: {
        RequestId: header("This request's id; also in Keydesk's log lines and in audit events it caused", { type: "string" }),
        RateLimitLimit: header("Requests this management key may make per window: its own first rate limit, else the installation's default", { type: "integer" }),
        RateLimitRemaining: header("Requests left in the current window", { type: "integer" }),
        RateLimitReset: header("Seconds until the window resets", { type: "integer" }),
        RetryAfter: header("Seconds to wait before retrying", { type: "integer" }),
        WwwAuthenticate: header("`Bearer realm=\"keydesk\"`, with `error=\"invalid_token\"` when a key was sent", { type: "string" }),
        IdempotentReplayed: header("`true` when this is the stored answer to an earlier request with the same Idempotency-Key", { type: "string", enum: ["true"] }),
      },
    },
  };
}
