import "server-only";
// Keyset pages of webhook endpoints (oldest first) and of an endpoint's deliveries (newest first)
// for the REST API (lib/api/cursor.ts): a page never repeats or skips a row because rows were
// added meanwhile. Admin → Webhooks keeps its page numbers (lib/queries/webhooks.ts).
import type { Cursor } from "@/lib/api/cursor";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { Page } from "@/lib/queries/management";
import { deliverySelect, type DeliveryRow } from "@/lib/queries/webhooks";
import { webhookEndpointSelect, type WebhookEndpointRecord } from "@/lib/services/webhooks";

function next<T extends { id: string; createdAt: Date }>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, next: rows.length > limit && last ? { v: last.createdAt.toISOString(), i: last.id } : null };
}

export async function listWebhookEndpointsPage(limit: number, after: Cursor | null): Promise<Page<WebhookEndpointRecord>> {
  const at = after?.v ? new Date(after.v) : null;
  const where: Prisma.WebhookEndpointWhereInput | undefined =
    after && at ? { OR: [{ createdAt: { gt: at } }, { createdAt: at, id: { gt: after.i } }] } : undefined;
  const rows = await db.webhookEndpoint.findMany({ where, orderBy: [{ createdAt: "asc" }, { id: "asc" }], take: limit + 1, select: webhookEndpointSelect });
  return next(rows, limit);
}

export async function listDeliveriesPage(
  endpointId: string,
  status: "all" | DeliveryRow["status"],
  limit: number,
  after: Cursor | null,
): Promise<Page<DeliveryRow>> {
  const at = after?.v ? new Date(after.v) : null;
  const where: Prisma.WebhookDeliveryWhereInput = {
    endpointId,
    ...(status === "all" ? {} : { status }),
    ...(after && at ? { OR: [{ createdAt: { lt: at } }, { createdAt: at, id: { lt: after.i } }] } : {}),
  };
  const rows = await db.webhookDelivery.findMany({ where, orderBy: [{ createdAt: "desc" }, { id: "desc" }], take: limit + 1, select: deliverySelect });
  return next(rows, limit);
}
