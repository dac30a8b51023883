import "server-only";
// Reads behind Admin → Webhooks and the webhook REST API. Endpoints are few (read whole, each
// with its latest delivery); an endpoint's delivery log is paged, newest first.
import { db } from "@/lib/db";
import { isGuid } from "@/lib/ids";
import type { Prisma } from "@/lib/generated/prisma/client";
import { webhookEndpointSelect, type WebhookEndpointRecord } from "@/lib/services/webhooks";
import type { DeliveryListParams } from "@/lib/validations/webhook";

const DELIVERY_PAGE_SIZE = 25;

export interface WebhookEndpointRow extends WebhookEndpointRecord {
  lastDelivery: { status: "pending" | "succeeded" | "failed"; attempts: number; createdAt: Date; lastStatusCode: number | null } | null;
}

export async function listWebhookEndpoints(): Promise<WebhookEndpointRow[]> {
  const endpoints = await db.webhookEndpoint.findMany({
    orderBy: { createdAt: "asc" },
    select: {
      ...webhookEndpointSelect,
      deliveries: { orderBy: { createdAt: "desc" }, take: 1, select: { status: true, attempts: true, createdAt: true, lastStatusCode: true } },
    },
  });
  return endpoints.map(({ deliveries, ...endpoint }) => ({ ...endpoint, lastDelivery: deliveries[0] ?? null }));
}

export async function findWebhookEndpoint(id: string): Promise<WebhookEndpointRecord | null> {
  if (!isGuid(id)) return null;
  return db.webhookEndpoint.findUnique({ where: { id: id.toLowerCase() }, select: webhookEndpointSelect });
}

export const deliverySelect = {
  id: true,
  status: true,
  attempts: true,
  nextAttemptAt: true,
  createdAt: true,
  completedAt: true,
  lastStatusCode: true,
  lastError: true,
  lastDurationMs: true,
  event: { select: { eventId: true, type: true, body: true } },
  attemptLog: {
    orderBy: { attempt: "desc" },
    take: 20,
    select: { attempt: true, startedAt: true, durationMs: true, statusCode: true, error: true, responseBody: true },
  },
} as const satisfies Prisma.WebhookDeliverySelect;

export type DeliveryRow = Prisma.WebhookDeliveryGetPayload<{ select: typeof deliverySelect }>;

export async function listDeliveries(endpointId: string, params: DeliveryListParams) {
  const where: Prisma.WebhookDeliveryWhereInput = { endpointId, ...(params.status === "all" ? {} : { status: params.status }) };
  const [rows, total] = await db.$transaction([
    db.webhookDelivery.findMany({
      where,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      skip: (params.page - 1) * DELIVERY_PAGE_SIZE,
      take: DELIVERY_PAGE_SIZE,
      select: deliverySelect,
    }),
    db.webhookDelivery.count({ where }),
  ]);
  return { rows, total, pageSize: DELIVERY_PAGE_SIZE };
}
