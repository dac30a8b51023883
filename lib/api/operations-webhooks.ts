// The webhook and leak-report operations of the REST API (see lib/api/operations.ts): endpoint
// management and the delivery log with a management key, and the unauthenticated leak report
// and scanner rules. Framework-free on purpose.
import { z } from "zod";
import { pageParams, type Operation } from "@/lib/api/operation-types";
import { errorSchema } from "@/lib/api/schemas";
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
const manage = { permission: "webhooks.manage" } as const;
const notFound = (what: string) => ({ description: `\`not_found\`: no such ${what}`, schema: errorSchema });

const listWebhooks = {
  operationId: "listWebhookEndpoints",
  method: "get",
  path: "/api/v1/webhooks",
  tag: "Webhooks",
  summary: "List webhook endpoints",
  description: "Oldest first.",
  auth: manage,
  query: z.object({ ...pageParams }),
  responses: { 200: { description: "A page of endpoints", schema: webhookEndpointListSchema } },
} satisfies Operation;

const createWebhook = {
  operationId: "createWebhookEndpoint",
  method: "post",
  path: "/api/v1/webhooks",
  tag: "Webhooks",
  summary: "Add a webhook endpoint (its signing secret is returned once)",
  description: "`projectId` is a project id or slug, or null for every project. The URL must be https and resolve to public addresses (unless KEYDESK_WEBHOOK_ALLOW_PRIVATE=1).",
  auth: manage,
  body: { schema: createWebhookBodySchema, required: true },
  responses: { 201: { description: "Added; store the secret now", schema: webhookEndpointWithSecretSchema } },
} satisfies Operation;

const getWebhook = {
  operationId: "getWebhookEndpoint",
  method: "get",
  path: "/api/v1/webhooks/{endpointId}",
  tag: "Webhooks",
  summary: "Get a webhook endpoint",
  auth: manage,
  pathParams: endpointIdParam,
  responses: { 200: { description: "The endpoint", schema: webhookEndpointResponseSchema }, 404: notFound("endpoint") },
} satisfies Operation;

const updateWebhook = {
  operationId: "updateWebhookEndpoint",
  method: "patch",
  path: "/api/v1/webhooks/{endpointId}",
  tag: "Webhooks",
  summary: "Edit, enable or disable a webhook endpoint",
  description: "Omitted fields stay unchanged. A 4xx changes nothing.",
  auth: manage,
  pathParams: endpointIdParam,
  body: { schema: updateWebhookBodySchema, required: true },
  responses: { 200: { description: "Updated", schema: webhookEndpointResponseSchema }, 404: notFound("endpoint") },
} satisfies Operation;

const deleteWebhook = {
  operationId: "deleteWebhookEndpoint",
  method: "delete",
  path: "/api/v1/webhooks/{endpointId}",
  tag: "Webhooks",
  summary: "Delete a webhook endpoint and its delivery log",
  auth: manage,
  pathParams: endpointIdParam,
  responses: { 200: { description: "Deleted", schema: deletedWebhookEndpointSchema }, 404: notFound("endpoint") },
} satisfies Operation;

const rotateWebhookSecret = {
  operationId: "rotateWebhookSecret",
  method: "post",
  path: "/api/v1/webhooks/{endpointId}/rotate-secret",
  tag: "Webhooks",
  summary: "Rotate the signing secret (the new one is returned once)",
  description: "The body is optional (`overlap` defaults to 24h): the old secret keeps signing alongside the new one for that long.",
  auth: manage,
  pathParams: endpointIdParam,
  body: { schema: rotateWebhookSecretBodySchema, required: false },
  responses: { 200: { description: "Rotated; store the secret now", schema: webhookEndpointWithSecretSchema }, 404: notFound("endpoint") },
} satisfies Operation;

const testWebhook = {
  operationId: "sendWebhookTestEvent",
  method: "post",
  path: "/api/v1/webhooks/{endpointId}/test",
  tag: "Webhooks",
  summary: "Send a webhook.test event to this endpoint",
  auth: manage,
  pathParams: endpointIdParam,
  responses: {
    202: { description: "Queued", schema: deliveryQueuedSchema },
    404: notFound("endpoint"),
    409: { description: "`conflict`: the endpoint is disabled; or `idempotency_key_in_use`", schema: errorSchema },
  },
} satisfies Operation;

const listDeliveries = {
  operationId: "listWebhookDeliveries",
  method: "get",
  path: "/api/v1/webhooks/{endpointId}/deliveries",
  tag: "Webhooks",
  summary: "The endpoint's delivery log, newest first",
  auth: manage,
  pathParams: endpointIdParam,
  query: z.object({ status: z.enum(["all", ...DELIVERY_STATUSES]).default("all"), ...pageParams }),
  responses: { 200: { description: "A page of deliveries", schema: webhookDeliveryListSchema }, 404: notFound("endpoint") },
} satisfies Operation;

const redeliver = {
  operationId: "redeliverWebhook",
  method: "post",
  path: "/api/v1/webhooks/{endpointId}/deliveries/{deliveryId}/redeliver",
  tag: "Webhooks",
  summary: "Send a delivery's event again (same webhook-id, fresh 24-hour retry window)",
  auth: manage,
  pathParams: deliveryParams,
  responses: {
    202: { description: "Queued", schema: deliveryQueuedSchema },
    404: notFound("endpoint or delivery"),
    409: { description: "`conflict`: the endpoint is disabled; or `idempotency_key_in_use`", schema: errorSchema },
  },
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
    202: { description: "Accepted", schema: leakReportAcceptedSchema },
    400: { description: "`invalid_json`: the body is not JSON", schema: errorSchema },
    413: { description: "`payload_too_large`: the body is too large", schema: errorSchema },
    422: { description: "`validation_failed`: not the expected shape, or more than 100 credentials", schema: errorSchema },
    429: { description: "`rate_limited`: too many reports from this address; see Retry-After", schema: errorSchema },
    500: { description: "`internal_error`", schema: errorSchema },
    503: { description: "`unavailable`: the database cannot be reached", schema: errorSchema },
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
    422: { description: "`validation_failed`: unknown or missing format", schema: errorSchema },
    500: { description: "`internal_error`", schema: errorSchema },
    503: { description: "`unavailable`: the database cannot be reached", schema: errorSchema },
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
