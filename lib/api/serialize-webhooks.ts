// The JSON representation of webhook endpoints and their deliveries in the REST API, described
// by the document's WebhookEndpoint and WebhookDelivery components (lib/api/schemas-webhooks.ts).
// Never includes a signing secret (shown once, at creation and rotation).
import type { z } from "zod";
import type { webhookDeliverySchema, webhookEndpointSchema } from "@/lib/api/schemas-webhooks";

export interface WebhookEndpointShape {
  id: string;
  projectId: string | null;
  url: string;
  description: string;
  eventTypes: string[];
  enabled: boolean;
  secretRotatedAt: Date | null;
  previousSecretExpiresAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export function serializeWebhookEndpoint(endpoint: WebhookEndpointShape, now = new Date()): z.input<typeof webhookEndpointSchema> {
  return {
    id: endpoint.id,
    url: endpoint.url,
    description: endpoint.description,
    projectId: endpoint.projectId,
    eventTypes: endpoint.eventTypes,
    enabled: endpoint.enabled,
    secretRotatedAt: endpoint.secretRotatedAt?.toISOString() ?? null,
    previousSecretExpiresAt: endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now ? endpoint.previousSecretExpiresAt.toISOString() : null,
    createdAt: endpoint.createdAt.toISOString(),
    updatedAt: endpoint.updatedAt.toISOString(),
  };
}

export interface DeliveryShape {
  id: string;
  status: "pending" | "succeeded" | "failed";
  attempts: number;
  nextAttemptAt: Date;
  createdAt: Date;
  completedAt: Date | null;
  lastStatusCode: number | null;
  lastError: string | null;
  lastDurationMs: number | null;
  event: { eventId: string; type: string; body: string };
  attemptLog: { attempt: number; startedAt: Date; durationMs: number; statusCode: number | null; error: string | null; responseBody: string | null }[];
}

/** One row of an endpoint's delivery log, with the body sent and every attempt. */
export function serializeDelivery(delivery: DeliveryShape): z.input<typeof webhookDeliverySchema> {
  return {
    id: delivery.id,
    eventId: delivery.event.eventId,
    eventType: delivery.event.type,
    status: delivery.status,
    attempts: delivery.attempts,
    nextAttemptAt: delivery.status === "pending" ? delivery.nextAttemptAt.toISOString() : null,
    createdAt: delivery.createdAt.toISOString(),
    completedAt: delivery.completedAt?.toISOString() ?? null,
    responseStatus: delivery.lastStatusCode,
    durationMs: delivery.lastDurationMs,
    error: delivery.lastError,
    body: delivery.event.body,
    attemptLog: delivery.attemptLog.map((a) => ({
      attempt: a.attempt,
      startedAt: a.startedAt.toISOString(),
      durationMs: a.durationMs,
      responseStatus: a.statusCode,
      error: a.error,
      responseBody: a.responseBody,
    })),
  };
}
