// The JSON representation of keys in the REST API. Never includes a hash or secret.
import { keyStatus } from "@/lib/keys/status";
import { maskedKey } from "@/lib/keys/secret";
import type { KeyLimitsView } from "@/lib/queries/key-limits";
import { creditsJson, ratelimitsJson } from "@/lib/validations/limits";

export interface KeyRecord {
  publicId: string;
  projectId: string;
  name: string;
  description: string;
  displayPrefix: string;
  last4: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  enabled: boolean;
  externalId: string | null;
  /** A JSON object ({} when none was set); the column's CHECK guarantees the shape. */
  metadata: unknown;
  canary: boolean;
  leakedAt: Date | null;
  constraints: { type: string; value: string; methods: string[] }[];
  project: { isSystem: boolean };
  projectScopeRestricted: boolean;
  projectScopes: { projectId: string }[];
  /** Usage limits; a key read alone has them (lib/queries/management.ts findKeyRecord). */
  limits?: KeyLimitsView;
}

export function serializeKey(key: KeyRecord, now = new Date()) {
  return {
    id: key.publicId,
    projectId: key.projectId,
    name: key.name,
    description: key.description,
    prefix: key.displayPrefix,
    maskedKey: maskedKey(key.displayPrefix, key.last4),
    status: keyStatus(key, now),
    enabled: key.enabled,
    externalId: key.externalId,
    metadata: key.metadata as Record<string, unknown>,
    createdAt: key.createdAt.toISOString(),
    expiresAt: key.expiresAt?.toISOString() ?? null,
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
    canary: key.canary,
    leakedAt: key.leakedAt?.toISOString() ?? null,
    constraints: key.constraints.map((c) => ({ type: c.type, value: c.value, methods: c.methods })),
    // Management keys: "all" or the ids of the projects they may act on; null for other keys.
    projectScope: key.project.isSystem ? (key.projectScopeRestricted ? key.projectScopes.map((scope) => scope.projectId) : "all") : null,
    // The shapes the key is created and PATCHed with; credits.remaining is the balance now.
    ...(key.limits
      ? {
          ratelimits: ratelimitsJson(key.limits.ratelimits),
          credits: key.limits.credits && creditsJson({ remaining: key.limits.credits.remaining, refill: key.limits.credits.refill }),
        }
      : {}),
  };
}

export const keyRecordSelect = {
  publicId: true,
  projectId: true,
  name: true,
  description: true,
  displayPrefix: true,
  last4: true,
  createdAt: true,
  expiresAt: true,
  lastUsedAt: true,
  revokedAt: true,
  enabled: true,
  externalId: true,
  metadata: true,
  canary: true,
  leakedAt: true,
  constraints: { orderBy: { position: "asc" as const }, select: { type: true, value: true, methods: true } },
  project: { select: { isSystem: true } },
  projectScopeRestricted: true,
  projectScopes: { orderBy: { projectId: "asc" as const }, select: { projectId: true } },
};

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

/** A webhook endpoint; never its signing secret (shown once, at creation and rotation). */
export function serializeWebhookEndpoint(endpoint: WebhookEndpointShape, now = new Date()) {
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
export function serializeDelivery(delivery: DeliveryShape) {
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
