// POST /api/v1/webhooks/{id}/rotate-secret — a new signing secret (in this response only); the old
// one keeps signing alongside it for `overlap` (none, 1h, 24h — the default — or 7d)
import { managementRoute, notFound } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { serializeWebhookEndpoint } from "@/lib/api/serialize-webhooks";
import { findWebhookEndpoint } from "@/lib/queries/webhooks";
import { rotateWebhookSecret } from "@/lib/services/webhooks";

export const POST = managementRoute(operations.rotateWebhookSecret, "Webhook endpoint", async ({ caller, context, params, body }) => {
  const current = await findWebhookEndpoint(params.endpointId);
  if (!current) throw notFound("Webhook endpoint");
  const { endpoint, secret } = await rotateWebhookSecret(caller.actor, { endpointId: current.id, overlap: body.overlap }, context);
  return { body: { endpoint: serializeWebhookEndpoint(endpoint), secret } };
});
