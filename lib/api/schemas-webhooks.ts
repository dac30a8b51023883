// The REST API's webhook and leak-report resources and bodies as zod schemas, registered as named
// components of the document like lib/api/schemas.ts. Request bodies are strict shapes; what needs
// more than a shape (a URL that resolves to public addresses, known event types, a project that
// exists) is judged by the services (lib/services/webhooks.ts, lib/services/leak-reports.ts).
import { z } from "zod";
import { component } from "@/lib/api/schemas";
import { SUBSCRIBABLE_EVENT_TYPES } from "@/lib/notifications/event-types";
import { leakReportSchema } from "@/lib/validations/leak-report";
import { DELIVERY_STATUSES, ROTATION_OVERLAPS, WEBHOOK_DESCRIPTION_MAX_LENGTH, WEBHOOK_URL_MAX_LENGTH } from "@/lib/validations/webhook";

const timestamp = z.iso.datetime({ offset: true }).describe("An RFC 3339 date-time in UTC");

export const webhookEndpointSchema = component(
  "WebhookEndpoint",
  z.strictObject({
    id: z.uuid(),
    url: z.string(),
    description: z.string(),
    projectId: z.uuid().nullable().describe("null: events of every project"),
    eventTypes: z.array(z.string()),
    enabled: z.boolean(),
    secretRotatedAt: timestamp.nullable(),
    previousSecretExpiresAt: timestamp.nullable().describe("Until then the previous secret signs too"),
    createdAt: timestamp,
    updatedAt: timestamp,
  }),
  "Where key events are POSTed (Standard Webhooks). Never contains the signing secret.",
);

export const webhookDeliverySchema = component(
  "WebhookDelivery",
  z.strictObject({
    id: z.uuid(),
    eventId: z.string().describe("The webhook-id header"),
    eventType: z.string(),
    status: z.enum(DELIVERY_STATUSES),
    attempts: z.number().int(),
    nextAttemptAt: timestamp.nullable(),
    createdAt: timestamp,
    completedAt: timestamp.nullable(),
    responseStatus: z.number().int().nullable(),
    durationMs: z.number().int().nullable(),
    error: z.string().nullable(),
    body: z.string().describe("The exact JSON that was signed and sent"),
    attemptLog: z.array(
      z.strictObject({
        attempt: z.number().int(),
        startedAt: timestamp,
        durationMs: z.number().int(),
        responseStatus: z.number().int().nullable(),
        error: z.string().nullable(),
        responseBody: z.string().nullable().describe("The first KiB of the answer"),
      }),
    ),
  }),
  "One event sent to one endpoint, with every attempt",
);

const url = z.string().min(1).max(WEBHOOK_URL_MAX_LENGTH).describe("https, resolving to public addresses (unless KEYDESK_WEBHOOK_ALLOW_PRIVATE=1)");
const description = z.string().max(WEBHOOK_DESCRIPTION_MAX_LENGTH);
const projectRef = z.string().min(1).max(64).nullable().describe("A project id or slug, or null for every project");
const eventTypes = z.array(z.enum(SUBSCRIBABLE_EVENT_TYPES as unknown as [string, ...string[]])).min(1).max(50);

export const createWebhookBodySchema = component(
  "CreateWebhookRequest",
  z.strictObject({
    url,
    description: description.nullable().optional(),
    projectId: projectRef.optional(),
    eventTypes,
    enabled: z.boolean().optional().describe("Defaults to true"),
  }),
  "A new webhook endpoint",
);

export const updateWebhookBodySchema = component(
  "UpdateWebhookRequest",
  z.strictObject({
    url: url.optional(),
    description: description.nullable().optional(),
    projectId: projectRef.optional(),
    eventTypes: eventTypes.optional(),
    enabled: z.boolean().optional(),
  }),
  "Fields to change; omitted fields stay as they are",
);

export const rotateWebhookSecretBodySchema = component(
  "RotateWebhookSecretRequest",
  z.strictObject({ overlap: z.enum(ROTATION_OVERLAPS).default("24h").describe("How long the old secret keeps signing; default 24h") }),
  "How to rotate",
);

export const webhookEndpointResponseSchema = component("WebhookEndpointResponse", z.strictObject({ endpoint: webhookEndpointSchema }), "One endpoint");

export const webhookEndpointWithSecretSchema = component(
  "WebhookEndpointWithSecret",
  z.strictObject({ endpoint: webhookEndpointSchema, secret: z.string().describe("whsec_…, shown this once: store it now") }),
  "An endpoint and its new signing secret",
);

export const deletedWebhookEndpointSchema = component(
  "DeletedWebhookEndpoint",
  z.strictObject({ endpoint: webhookEndpointSchema, deleted: z.literal(true) }),
  "The endpoint as it was; it and its delivery log are gone",
);

export const deliveryQueuedSchema = component("DeliveryQueued", z.strictObject({ deliveryId: z.uuid() }), "A delivery was queued");

const listFields = {
  hasMore: z.boolean().describe("Whether another page follows this one"),
  nextCursor: z.string().nullable().describe("Pass as `starting_after` for the next page; null on the last page"),
};

export const webhookEndpointListSchema = component(
  "WebhookEndpointList",
  z.strictObject({ endpoints: z.array(webhookEndpointSchema), ...listFields }),
  "A page of webhook endpoints, oldest first",
);

export const webhookDeliveryListSchema = component(
  "WebhookDeliveryList",
  z.strictObject({ deliveries: z.array(webhookDeliverySchema), ...listFields }),
  "A page of an endpoint's deliveries, newest first",
);

/** The service's own schema (lib/validations/leak-report.ts): its messages are what a scanner sees. */
export const leakReportBodySchema = component("LeakReportRequest", leakReportSchema, "GitHub's credential-revocation shape; other fields a scanner adds are ignored");

export const leakReportAcceptedSchema = component(
  "LeakReportAccepted",
  z.strictObject({ received: z.number().int().describe("How many credentials were taken in") }),
  "Accepted; matched later",
);
