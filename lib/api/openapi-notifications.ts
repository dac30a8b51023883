// The notification part of the OpenAPI document: webhook endpoint management, the delivery log,
// leak reports, scanner rules, and under `webhooks` the body of every event Keydesk sends,
// generated from the schemas buildEventBody validates against (lib/notifications/payloads.ts).
import { z } from "zod";
import { EVENT_TYPE_LIST, type EventTypeInfo } from "@/lib/notifications/event-types";
import { eventBodySchema, testEventBodySchema } from "@/lib/notifications/payloads";
import { MAX_LEAK_CREDENTIALS, leakReportSchema } from "@/lib/validations/leak-report";
import { DELIVERY_STATUSES, ROTATION_OVERLAPS, createWebhookSchema, updateWebhookSchema } from "@/lib/validations/webhook";

type ToSchema = (schema: z.ZodType) => unknown;
type Json = (schema: z.ZodType, description: string) => unknown;

const endpoint = z.object({
  id: z.string(),
  url: z.string(),
  description: z.string(),
  projectId: z.string().nullable().describe("null: events of every project"),
  eventTypes: z.array(z.string()),
  enabled: z.boolean(),
  secretRotatedAt: z.string().nullable(),
  previousSecretExpiresAt: z.string().nullable().describe("Until then the previous secret signs too"),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const delivery = z.object({
  id: z.string(),
  eventId: z.string().describe("The webhook-id header"),
  eventType: z.string(),
  status: z.enum(DELIVERY_STATUSES),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
  responseStatus: z.number().int().nullable(),
  durationMs: z.number().int().nullable(),
  error: z.string().nullable(),
  body: z.string().describe("The exact JSON that was signed and sent"),
  attemptLog: z.array(
    z.object({
      attempt: z.number().int(),
      startedAt: z.string(),
      durationMs: z.number().int(),
      responseStatus: z.number().int().nullable(),
      error: z.string().nullable(),
      responseBody: z.string().nullable().describe("The first KiB of the answer"),
    }),
  ),
});

const idParam = (name: string) => ({ name, in: "path", required: true, schema: { type: "string" } });

const SIGNATURE_NOTE =
  "Signed as Standard Webhooks (https://www.standardwebhooks.com): headers `webhook-id` (the same on every retry), `webhook-timestamp` (seconds) and `webhook-signature` (`v1,<base64 HMAC-SHA256>` of `id.timestamp.body`; two space-separated signatures during a secret rotation's overlap). Verify with any Standard Webhooks library and the endpoint's `whsec_` secret. Answer 2xx within 15 seconds; anything else is retried with exponential backoff for 24 hours. Redirects are not followed.";

export function notificationPaths(toSchema: ToSchema, json: Json, errors: Record<string, unknown>, error: z.ZodType) {
  const body = (schema: z.ZodType) => ({ required: true, content: { "application/json": { schema: toSchema(schema) } } });
  return {
    "/api/v1/keys/leaked": {
      post: {
        summary: "Report leaked keys",
        description: `Report secrets found in the wild, in the shape of GitHub's credential revocation API (at most ${MAX_LEAK_CREDENTIALS} per request). No authentication. Every well-formed report is answered 202 whether or not the secrets exist; matching keys are then recorded as leaked, raise key.leaked, and are revoked at once or marked for an administrator, per their project's policy. Rate-limited per client IP.`,
        security: [],
        requestBody: body(leakReportSchema),
        responses: {
          "202": json(z.object({ received: z.number().int() }), "Accepted"),
          "400": json(error, "Body is not JSON"),
          "413": json(error, "Body too large"),
          "422": json(error, "Not the expected shape, or more than 100 credentials"),
          "429": json(error, "Too many reports from this client; see Retry-After"),
        },
      },
    },
    "/api/v1/scanner-rules": {
      get: {
        summary: "Secret-scanner rules for this installation's keys",
        description: "gitleaks (TOML) or trufflehog (YAML) rules matching every active project's key prefix and the key format. No authentication.",
        security: [],
        parameters: [{ name: "format", in: "query", required: true, schema: { type: "string", enum: ["gitleaks", "trufflehog"] } }],
        responses: {
          "200": { description: "The rules", content: { "application/toml": { schema: { type: "string" } }, "application/yaml": { schema: { type: "string" } } } },
          "422": json(error, "Unknown or missing format"),
        },
      },
    },
    "/api/v1/webhooks": {
      get: { summary: "List webhook endpoints", responses: { "200": json(z.object({ endpoints: z.array(endpoint) }), "Endpoints"), ...errors } },
      post: {
        summary: "Add a webhook endpoint (its signing secret is returned once)",
        description: "`projectId` is a project id or slug, or null for every project. The URL must be https and resolve to public addresses (unless KEYDESK_WEBHOOK_ALLOW_PRIVATE=1).",
        requestBody: body(createWebhookSchema),
        responses: { "201": json(z.object({ endpoint, secret: z.string().describe("whsec_…; store it now") }), "Added"), ...errors },
      },
    },
    "/api/v1/webhooks/{endpointId}": {
      parameters: [idParam("endpointId")],
      get: { summary: "Get a webhook endpoint", responses: { "200": json(z.object({ endpoint }), "The endpoint"), ...errors } },
      patch: {
        summary: "Edit, enable or disable a webhook endpoint",
        requestBody: body(updateWebhookSchema.omit({ endpointId: true })),
        responses: { "200": json(z.object({ endpoint }), "Updated"), ...errors },
      },
      delete: { summary: "Delete a webhook endpoint and its delivery log", responses: { "200": json(z.object({ endpoint, deleted: z.literal(true) }), "Deleted"), ...errors } },
    },
    "/api/v1/webhooks/{endpointId}/rotate-secret": {
      parameters: [idParam("endpointId")],
      post: {
        summary: "Rotate the signing secret (the new one is returned once)",
        requestBody: body(z.object({ overlap: z.enum(ROTATION_OVERLAPS).optional().describe("How long the old secret keeps signing; default 24h") })),
        responses: { "200": json(z.object({ endpoint, secret: z.string() }), "Rotated"), ...errors },
      },
    },
    "/api/v1/webhooks/{endpointId}/test": {
      parameters: [idParam("endpointId")],
      post: { summary: "Send a webhook.test event to this endpoint", responses: { "202": json(z.object({ deliveryId: z.string() }), "Queued"), "409": json(error, "Endpoint disabled"), ...errors } },
    },
    "/api/v1/webhooks/{endpointId}/deliveries": {
      parameters: [idParam("endpointId")],
      get: {
        summary: "The endpoint's delivery log, newest first",
        parameters: [
          { name: "status", in: "query", schema: { type: "string", enum: ["all", ...DELIVERY_STATUSES] } },
          { name: "page", in: "query", schema: { type: "integer", minimum: 1 } },
        ],
        responses: { "200": json(z.object({ deliveries: z.array(delivery), total: z.number(), page: z.number(), pageSize: z.number() }), "A page of deliveries"), ...errors },
      },
    },
    "/api/v1/webhooks/{endpointId}/deliveries/{deliveryId}/redeliver": {
      parameters: [idParam("endpointId"), idParam("deliveryId")],
      post: { summary: "Send a delivery's event again (same webhook-id, fresh 24-hour retry window)", responses: { "202": json(z.object({ deliveryId: z.string() }), "Queued"), "409": json(error, "Endpoint disabled"), ...errors } },
    },
  };
}

/** OpenAPI 3.1 `webhooks`: one entry per event type, with the body Keydesk POSTs. */
export function webhookEvents(toSchema: ToSchema) {
  const entries = EVENT_TYPE_LIST.map((event: EventTypeInfo) => [
    event.type,
    {
      post: {
        summary: event.type,
        description: `${event.description}${event.pending ? " (Not raised yet: arrives with usage limits and the request trail.)" : ""}\n\n${SIGNATURE_NOTE}`,
        requestBody: { required: true, content: { "application/json": { schema: toSchema(eventBodySchema(event.type as Parameters<typeof eventBodySchema>[0])) } } },
        responses: { "200": { description: "Any 2xx acknowledges the event" } },
      },
    },
  ]);
  entries.push([
    "webhook.test",
    {
      post: {
        summary: "webhook.test",
        description: `Sent by "Send test event" to one endpoint, whatever it subscribes to.\n\n${SIGNATURE_NOTE}`,
        requestBody: { required: true, content: { "application/json": { schema: toSchema(testEventBodySchema) } } },
        responses: { "200": { description: "Any 2xx acknowledges the event" } },
      },
    },
  ]);
  return Object.fromEntries(entries);
}
