// Writes on webhook endpoints: create, edit (incl. enable/disable), rotate the signing secret,
// delete, and the delivery log's "Send test event" and "Redeliver". Administrators only
// (webhooks.manage). Every write and its audit event share one transaction. URLs are checked
// against the SSRF rules here, before anything is stored, and again at every delivery.
import { recordAudit, type RequestContext } from "@/lib/audit";
import { db, type Tx } from "@/lib/db";
import { TEST_EVENT_TYPE } from "@/lib/notifications/event-types";
import { testEventBodySchema } from "@/lib/notifications/payloads";
import { pokeNotifications } from "@/lib/notifications/poke";
import { seal } from "@/lib/notifications/secret-box";
import { generateMessageId, generateSigningSecret } from "@/lib/notifications/signing";
import { allowPrivateFromEnv, checkWebhookUrl, type UrlPolicy } from "@/lib/notifications/ssrf";
import { assertActorCan, auditActorOf, type Actor } from "@/lib/services/actor";
import { ServiceError, fieldError, invalid } from "@/lib/services/errors";
import {
  OVERLAP_MS,
  createWebhookSchema,
  endpointActionSchema,
  redeliverSchema,
  rotateWebhookSecretSchema,
  updateWebhookSchema,
} from "@/lib/validations/webhook";

export const webhookEndpointSelect = {
  id: true,
  projectId: true,
  url: true,
  description: true,
  eventTypes: true,
  enabled: true,
  secretRotatedAt: true,
  previousSecretExpiresAt: true,
  createdAt: true,
  updatedAt: true,
  project: { select: { id: true, name: true, slug: true } },
} as const;

export interface WebhookEndpointRecord {
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
  project: { id: string; name: string; slug: string } | null;
}

/** URLs may carry a token in their query; the audit log keeps origin and path only. */
function redactedUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}${parsed.search ? "?…" : ""}`;
  } catch {
    return "(invalid URL)";
  }
}

function policyOf(overrides: Partial<UrlPolicy> | undefined): UrlPolicy {
  return { allowPrivate: overrides?.allowPrivate ?? allowPrivateFromEnv(), resolve: overrides?.resolve };
}

async function assertUrlAllowed(url: string, policy: UrlPolicy): Promise<void> {
  const check = await checkWebhookUrl(url, policy);
  if (!check.ok) throw fieldError("url", check.message);
}

async function assertProjectUsable(tx: Tx, projectId: string | null): Promise<void> {
  if (!projectId) return;
  const project = await tx.project.findUnique({ where: { id: projectId }, select: { archivedAt: true } });
  if (!project || project.archivedAt) throw fieldError("projectId", "That project does not exist or is archived.");
}

async function lockEndpoint(tx: Tx, endpointId: string) {
  const rows = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "WebhookEndpoint" WHERE "id" = ${endpointId}::uuid FOR UPDATE`;
  if (rows.length === 0) throw new ServiceError("not_found", "That webhook endpoint does not exist.");
  return tx.webhookEndpoint.findUniqueOrThrow({ where: { id: endpointId }, select: webhookEndpointSelect });
}

const scopeText = (endpoint: { project: { name: string } | null }) => (endpoint.project ? `project ${endpoint.project.name}` : "every project");

export async function createWebhookEndpoint(actor: Actor, raw: unknown, context: RequestContext | null, urlPolicy?: Partial<UrlPolicy>) {
  assertActorCan(actor, "webhooks.manage");
  const parsed = createWebhookSchema.safeParse(raw);
  if (!parsed.success) throw invalid(parsed.error);
  const input = parsed.data;
  await assertUrlAllowed(input.url, policyOf(urlPolicy));
  const secret = generateSigningSecret();

  const endpoint = await db.$transaction(async (tx) => {
    await assertProjectUsable(tx, input.projectId);
    const created = await tx.webhookEndpoint.create({
      data: {
        url: input.url,
        description: input.description,
        projectId: input.projectId,
        eventTypes: input.eventTypes,
        enabled: input.enabled,
        secretCiphertext: seal(secret),
        createdById: actor.user.id,
      },
      select: webhookEndpointSelect,
    });
    await recordAudit(tx, {
      actor: auditActorOf(actor),
      action: "webhook.created",
      summary: `Added webhook endpoint ${redactedUrl(created.url)} for ${scopeText(created)}`,
      targetType: "webhook",
      targetId: created.id,
      projectId: created.projectId,
      metadata: { url: redactedUrl(created.url), eventTypes: created.eventTypes, enabled: created.enabled },
      context,
    });
    return created;
  });
  return { endpoint, secret };
}

export async function updateWebhookEndpoint(actor: Actor, raw: unknown, context: RequestContext | null, urlPolicy?: Partial<UrlPolicy>) {
  assertActorCan(actor, "webhooks.manage");
  const parsed = updateWebhookSchema.safeParse(raw);
  if (!parsed.success) throw invalid(parsed.error);
  const input = parsed.data;
  if (input.url !== undefined) await assertUrlAllowed(input.url, policyOf(urlPolicy));

  return db.$transaction(async (tx) => {
    const current = await lockEndpoint(tx, input.endpointId);
    if (input.projectId !== undefined && input.projectId !== current.projectId) await assertProjectUsable(tx, input.projectId);
    const next = {
      url: input.url ?? current.url,
      description: input.description ?? current.description,
      projectId: input.projectId === undefined ? current.projectId : input.projectId,
      eventTypes: input.eventTypes ?? current.eventTypes,
      enabled: input.enabled ?? current.enabled,
    };
    const changed = (Object.keys(next) as (keyof typeof next)[]).filter((field) => JSON.stringify(next[field]) !== JSON.stringify(current[field]));
    if (changed.length === 0) return { endpoint: current, changed };
    const endpoint = await tx.webhookEndpoint.update({ where: { id: current.id }, data: next, select: webhookEndpointSelect });
    if (!endpoint.enabled && current.enabled) {
      // Nothing more goes out to a disabled endpoint, including what was still being retried.
      await tx.webhookDelivery.updateMany({
        where: { endpointId: endpoint.id, status: "pending" },
        data: { status: "failed", completedAt: new Date(), lastError: "The endpoint was disabled" },
      });
    }
    const action = changed.length === 1 && changed[0] === "enabled" ? (endpoint.enabled ? "webhook.enabled" : "webhook.disabled") : "webhook.updated";
    await recordAudit(tx, {
      actor: auditActorOf(actor),
      action,
      summary: `${action === "webhook.updated" ? `Edited (${changed.join(", ")})` : endpoint.enabled ? "Enabled" : "Disabled"} webhook endpoint ${redactedUrl(endpoint.url)}`,
      targetType: "webhook",
      targetId: endpoint.id,
      projectId: endpoint.projectId,
      metadata: { changed, url: redactedUrl(endpoint.url) },
      context,
    });
    return { endpoint, changed };
  });
}

export async function rotateWebhookSecret(actor: Actor, raw: unknown, context: RequestContext | null) {
  assertActorCan(actor, "webhooks.manage");
  const parsed = rotateWebhookSecretSchema.safeParse(raw);
  if (!parsed.success) throw invalid(parsed.error);
  const { endpointId, overlap } = parsed.data;
  const secret = generateSigningSecret();

  const endpoint = await db.$transaction(async (tx) => {
    await lockEndpoint(tx, endpointId);
    const stored = await tx.webhookEndpoint.findUniqueOrThrow({ where: { id: endpointId }, select: { secretCiphertext: true } });
    const now = new Date();
    const overlapMs = OVERLAP_MS[overlap];
    const updated = await tx.webhookEndpoint.update({
      where: { id: endpointId },
      data: {
        secretCiphertext: seal(secret),
        previousSecretCiphertext: overlapMs > 0 ? stored.secretCiphertext : null,
        previousSecretExpiresAt: overlapMs > 0 ? new Date(now.getTime() + overlapMs) : null,
        secretRotatedAt: now,
      },
      select: webhookEndpointSelect,
    });
    await recordAudit(tx, {
      actor: auditActorOf(actor),
      action: "webhook.secret_rotated",
      summary: `Rotated the signing secret of webhook endpoint ${redactedUrl(updated.url)}; the old secret ${overlapMs > 0 ? `also signs for ${overlap}` : "stopped signing at once"}`,
      targetType: "webhook",
      targetId: updated.id,
      projectId: updated.projectId,
      metadata: { overlap },
      context,
    });
    return updated;
  });
  return { endpoint, secret };
}

export async function deleteWebhookEndpoint(actor: Actor, raw: unknown, context: RequestContext | null) {
  assertActorCan(actor, "webhooks.manage");
  const parsed = endpointActionSchema.safeParse(raw);
  if (!parsed.success) throw new ServiceError("not_found", "That webhook endpoint does not exist.");
  return db.$transaction(async (tx) => {
    const endpoint = await lockEndpoint(tx, parsed.data.endpointId);
    await tx.webhookEndpoint.delete({ where: { id: endpoint.id } });
    await recordAudit(tx, {
      actor: auditActorOf(actor),
      action: "webhook.deleted",
      summary: `Deleted webhook endpoint ${redactedUrl(endpoint.url)} and its delivery log`,
      targetType: "webhook",
      targetId: endpoint.id,
      projectId: endpoint.projectId,
      metadata: { url: redactedUrl(endpoint.url) },
      context,
    });
    return endpoint;
  });
}

/** Queues a `webhook.test` event for this endpoint only, whatever it subscribes to. */
export async function sendTestEvent(actor: Actor, raw: unknown, context: RequestContext | null) {
  assertActorCan(actor, "webhooks.manage");
  const parsed = endpointActionSchema.safeParse(raw);
  if (!parsed.success) throw new ServiceError("not_found", "That webhook endpoint does not exist.");
  const delivery = await db.$transaction(async (tx) => {
    const endpoint = await lockEndpoint(tx, parsed.data.endpointId);
    if (!endpoint.enabled) throw new ServiceError("conflict", "This endpoint is disabled. Enable it to send a test event.");
    const now = new Date();
    const body = JSON.stringify(
      testEventBodySchema.parse({
        type: TEST_EVENT_TYPE,
        timestamp: now.toISOString(),
        data: { endpointId: endpoint.id, message: "A test event from Keydesk. If you can read this, the endpoint works." },
      }),
    );
    const event = await tx.outboxEvent.create({
      data: { eventId: generateMessageId(), type: TEST_EVENT_TYPE, body, createdAt: now, dispatchedAt: now },
      select: { id: true },
    });
    const created = await tx.webhookDelivery.create({ data: { endpointId: endpoint.id, eventId: event.id, nextAttemptAt: now, createdAt: now }, select: { id: true } });
    await recordAudit(tx, {
      actor: auditActorOf(actor),
      action: "webhook.test_sent",
      summary: `Sent a test event to webhook endpoint ${redactedUrl(endpoint.url)}`,
      targetType: "webhook",
      targetId: endpoint.id,
      projectId: endpoint.projectId,
      context,
    });
    return created;
  });
  pokeNotifications();
  return delivery;
}

/** Sends a delivery's event again, as a new delivery with a fresh 24-hour retry window. */
export async function redeliverWebhook(actor: Actor, raw: unknown, context: RequestContext | null) {
  assertActorCan(actor, "webhooks.manage");
  const parsed = redeliverSchema.safeParse(raw);
  if (!parsed.success) throw new ServiceError("not_found", "That delivery does not exist.");
  const delivery = await db.$transaction(async (tx) => {
    const endpoint = await lockEndpoint(tx, parsed.data.endpointId);
    if (!endpoint.enabled) throw new ServiceError("conflict", "This endpoint is disabled. Enable it to redeliver.");
    const original = await tx.webhookDelivery.findFirst({
      where: { id: parsed.data.deliveryId, endpointId: endpoint.id },
      select: { eventId: true, event: { select: { type: true, eventId: true } } },
    });
    if (!original) throw new ServiceError("not_found", "That delivery does not exist.");
    const now = new Date();
    const created = await tx.webhookDelivery.create({
      data: { endpointId: endpoint.id, eventId: original.eventId, nextAttemptAt: now, createdAt: now },
      select: { id: true },
    });
    await recordAudit(tx, {
      actor: auditActorOf(actor),
      action: "webhook.redelivered",
      summary: `Redelivered ${original.event.type} (${original.event.eventId}) to webhook endpoint ${redactedUrl(endpoint.url)}`,
      targetType: "webhook",
      targetId: endpoint.id,
      projectId: endpoint.projectId,
      metadata: { eventId: original.event.eventId },
      context,
    });
    return created;
  });
  pokeNotifications();
  return delivery;
}
