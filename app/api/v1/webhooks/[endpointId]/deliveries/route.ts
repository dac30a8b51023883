// GET /api/v1/webhooks/{id}/deliveries — the endpoint's delivery log, newest first, a page at a time
import { cursorParam, decodeCursor, encodeCursor } from "@/lib/api/cursor";
import { managementRoute, notFound } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { serializeDelivery } from "@/lib/api/serialize-webhooks";
import { listDeliveriesPage } from "@/lib/queries/webhook-pages";
import { findWebhookEndpoint } from "@/lib/queries/webhooks";

export const GET = managementRoute(operations.listDeliveries, "Webhook endpoint", async ({ params, query }) => {
  const endpoint = await findWebhookEndpoint(params.endpointId);
  if (!endpoint) throw notFound("Webhook endpoint");
  // The filter is part of the sort a cursor belongs to: a cursor of one filter cannot page another.
  const sort = `createdAt:desc:${query.status}`;
  const from = cursorParam(query);
  const page = await listDeliveriesPage(endpoint.id, query.status, query.limit, from ? decodeCursor(from.token, sort, from.parameter) : null);
  return {
    body: {
      deliveries: page.items.map(serializeDelivery),
      hasMore: page.next !== null,
      nextCursor: page.next ? encodeCursor({ s: sort, ...page.next }) : null,
    },
  };
});
