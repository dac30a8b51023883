// The webhook and leak-report operations of the REST API (see lib/api/operations.ts): endpoint
// management and the delivery log with a management key, and the unauthenticated leak report
// and scanner rules. Framework-free on purpose.
import { z } from "zod";
import { pageParams, type Operation } from "@/lib/api/operation-types";
import { conflictOrInUse, failure, invalidJson, notFound, ok, publicFailures } from "@/lib/api/operation-responses";
import {
  createWebhookBodySchema,
  deletedWebhookEndpointSchema,
  deliveryQueuedSchema,
  leakReportAcceptedSchema,
  leakReportBodySchema,
  rotateWebhookSecretBodySchema,
  updateWebhookBodySchema,
  webhookDeliveryListSchema,
  webhookEndpointListSchema,
  webhookEndpointResponseSchema,
  webhookEndpointWithSecretSchema,
} from "@/lib/api/schemas-webhooks";
import { SCANNER_FORMATS } from "@/lib/notifications/scanner-rules";
import { DELIVERY_STATUSES } from "@/lib/validations/webhook";

const endpointIdParam = z.object({ endpointId: z.uuid().describe("The endpoint's id") });
const deliveryParams = z.object({ endpointId: z.uuid().describe("The endpoint's id"), deliveryId: z.uuid().describe("The delivery's id") });

/** Webhook endpoints take an administrator's key scoped to every project (lib/api/handler.ts). */
const webhooks = { tag: "Webhooks", auth: { permission: "webhooks.manage" } } as const;
const onEndpoint = { ...webhooks, pathParams: endpointIdParam } as const;
const endpointNotFound = () => notFound("no such endpoint");

const listWebhooks = {
  ...webhooks,
  operationId: "listWebhookEndpoints",
  method: "get",
  path: "/api/v1/webhooks",
  summary: "List webhook endpoints",
  description: "Oldest first.",
  query: z.object({ ...pageParams }),
  responses: { 200: ok("A page of endpoints", webhookEndpointListSchema) },
} satisfies Operation;

const createWebhook = {
  ...webhooks,
  operationId: "createWebhookEndpoint",
  method: "post",
  path: "/api/v1/webhooks",
  summary: "Add a webhook endpoint (its signing secret is returned once)",
  description: "`projectId` is a project id or slug, or null for every project. The URL must be https and resolve to public addresses (unless KEYDESK_WEBHOOK_ALLOW_PRIVATE=1).",
  body: { schema: createWebhookBodySchema, required: true },
  responses: { 201: ok("Added; store the secret now", webhookEndpointWithSecretSchema) },
} satisfies Operation;

const getWebhook = {
  ...onEndpoint,
  operationId: "getWebhookEndpoint",
  method: "get",
  path: "/api/v1/webhooks/{endpointId}",
  summary: "Get a webhook endpoint",
  responses: { 200: ok("The endpoint", webhookEndpointResponseSchema), 404: endpointNotFound() },
} satisfies Operation;

const updateWebhook = {
  ...onEndpoint,
  operationId: "updateWebhookEndpoint",
  method: "patch",
  path: "/api/v1/webhooks/{endpointId}",
  summary: "Edit, enable or disable a webhook endpoint",
  description: "Omitted fields stay unchanged. A 4xx changes nothing.",
  body: { schema: updateWebhookBodySchema, required: true },
  responses: { 200: ok("Updated", webhookEndpointResponseSchema), 404: endpointNotFound() },
} satisfies Operation;

const deleteWebhook = {
  ...onEndpoint,
  operationId: "deleteWebhookEndpoint",
  method: "delete",
  path: "/api/v1/webhooks/{endpointId}",
  summary: "Delete a webhook endpoint and its delivery log",
  responses: { 200: ok("Deleted", deletedWebhookEndpointSchema), 404: endpointNotFound() },
} satisfies Operation;

const rotateWebhookSecret = {
  ...onEndpoint,
  operationId: "rotateWebhookSecret",
  method: "post",
  path: "/api/v1/webhooks/{endpointId}/rotate-secret",
  summary: "Rotate the signing secret (the new one is returned once)",
  description: "The body is optional (`overlap` defaults to 24h): the old secret keeps signing alongside the new one for that long.",
  body: { schema: rotateWebhookSecretBodySchema, required: false },
  responses: { 200: ok("Rotated; store the secret now", webhookEndpointWithSecretSchema), 404: endpointNotFound() },
} satisfies Operation;

const testWebhook = {
  ...onEndpoint,
  operationId: "sendWebhookTestEvent",
  method: "post",
  path: "/api/v1/webhooks/{endpointId}/test",
  summary: "Send a webhook.test event to this endpoint",
  responses: { 202: ok("Queued", deliveryQueuedSchema), 404: endpointNotFound(), 409: conflictOrInUse("the endpoint is disabled") },
} satisfies Operation;

const listDeliveries = {
  ...onEndpoint,
  operationId: "listWebhookDeliveries",
  method: "get",
  path: "/api/v1/webhooks/{endpointId}/deliveries",
  summary: "The endpoint's delivery log, newest first",
  query: z.object({ status: z.enum(["all", ...DELIVERY_STATUSES]).default("all"), ...pageParams }),
  responses: { 200: ok("A page of deliveries", webhookDeliveryListSchema), 404: endpointNotFound() },
} satisfies Operation;

const redeliver = {
  ...webhooks,
  operationId: "redeliverWebhook",
  method: "post",
  path: "/api/v1/webhooks/{endpointId}/deliveries/{deliveryId}/redeliver",
  summary: "Send a delivery's event again (same webhook-id, fresh 24-hour retry window)",
  pathParams: deliveryParams,
  responses: { 202: ok("Queued", deliveryQueuedSchema), 404: notFound("no such endpoint or delivery"), 409: conflictOrInUse("the endpoint is disabled") },
} satisfies Operation;

const reportLeaked = {
  operationId: "reportLeakedKeys",
  method: "post",
  path: "/api/v1/keys/leaked",
  tag: "Leak reports",
  summary: "Report leaked keys",
  description:
    "Report secrets found in the wild, in the shape of GitHub's credential revocation API. No authentication, so `Idempotency-Key` does not apply (a repeated report changes nothing more). Every well-formed report is answered 202 whether or not the secrets exist; matching keys are then recorded as leaked and revoked or marked per their project's policy. Rate-limited per client address.",
  auth: "none",
  body: { schema: leakReportBodySchema, required: true },
  responses: {
    202: ok("Accepted", leakReportAcceptedSchema),
    400: invalidJson(),
    413: failure("`payload_too_large`: the body is too large"),
    422: failure("`validation_failed`: not the expected shape, or more than 100 credentials"),
    429: failure("`rate_limited`: too many reports from this address; see Retry-After"),
    ...publicFailures(),
  },
} satisfies Operation;

const scannerRules = {
  operationId: "getScannerRules",
  method: "get",
  path: "/api/v1/scanner-rules",
  tag: "Leak reports",
  summary: "Secret-scanner rules for this installation's keys",
  description: "gitleaks (TOML) or trufflehog (YAML) rules matching every active project's key prefix and the key format. No authentication.",
  auth: "none",
  query: z.object({ format: z.enum(SCANNER_FORMATS, { error: `Choose a format: ?format=${SCANNER_FORMATS.join(" or ?format=")}` }) }),
  responses: {
    200: { description: "The rules", text: ["application/toml", "application/yaml"] },
    422: failure("`validation_failed`: unknown or missing format"),
    ...publicFailures(),
  },
} satisfies Operation;

export const webhookOperations = {
  listWebhooks,
  createWebhook,
  getWebhook,
  updateWebhook,
  deleteWebhook,
  rotateWebhookSecret,
  testWebhook,
  listDeliveries,
  redeliver,
  reportLeaked,
  scannerRules,
} as const;
