// GET /api/v1/webhooks — list webhook endpoints, a page at a time
// POST /api/v1/webhooks — add an endpoint; its signing secret is in this response only
import { cursorParam, decodeCursor, encodeCursor } from "@/lib/api/cursor";
import { managementRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { serializeWebhookEndpoint } from "@/lib/api/serialize-webhooks";
import { withProjectId } from "@/lib/api/webhook-input";
import { listWebhookEndpointsPage } from "@/lib/queries/webhook-pages";
import { createWebhookEndpoint } from "@/lib/services/webhooks";

const SORT = "createdAt:asc";

export const GET = managementRoute(operations.listWebhooks, "Webhook endpoint", async ({ query }) => {
  const from = cursorParam(query);
  const page = await listWebhookEndpointsPage(query.limit, from ? decodeCursor(from.token, SORT, from.parameter) : null);
  const now = new Date();
  return {
    body: {
      endpoints: page.items.map((endpoint) => serializeWebhookEndpoint(endpoint, now)),
      hasMore: page.next !== null,
      nextCursor: page.next ? encodeCursor({ s: SORT, ...page.next }) : null,
    },
  };
});

export const POST = managementRoute(operations.createWebhook, "Webhook endpoint", async ({ caller, context, body }) => {
  const { endpoint, secret } = await createWebhookEndpoint(caller.actor, await withProjectId(body), context);
  return { status: 201, body: { endpoint: serializeWebhookEndpoint(endpoint), secret } };
});
