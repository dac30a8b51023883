// POST /api/v1/webhooks/{id}/test — queue a `webhook.test` event for this endpoint
import { managementRoute, notFound } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { findWebhookEndpoint } from "@/lib/queries/webhooks";
import { sendTestEvent } from "@/lib/services/webhooks";

export const POST = managementRoute(operations.testWebhook, "Webhook endpoint", async ({ caller, context, params }) => {
  const current = await findWebhookEndpoint(params.endpointId);
  if (!current) throw notFound("Webhook endpoint");
  const delivery = await sendTestEvent(caller.actor, { endpointId: current.id }, context);
  return { status: 202, body: { deliveryId: delivery.id } };
});
