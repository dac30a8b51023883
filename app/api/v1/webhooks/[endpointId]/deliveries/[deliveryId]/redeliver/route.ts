// POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver — send that event again (same webhook-id)
import { managementRoute, notFound } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { findWebhookEndpoint } from "@/lib/queries/webhooks";
import { redeliverWebhook } from "@/lib/services/webhooks";

export const POST = managementRoute(operations.redeliver, "Delivery", async ({ caller, context, params }) => {
  const endpoint = await findWebhookEndpoint(params.endpointId);
  if (!endpoint) throw notFound("Webhook endpoint");
  const delivery = await redeliverWebhook(caller.actor, { endpointId: endpoint.id, deliveryId: params.deliveryId }, context);
  return { status: 202, body: { deliveryId: delivery.id } };
});
