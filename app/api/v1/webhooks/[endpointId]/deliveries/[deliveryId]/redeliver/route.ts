// POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/redeliver — send that event again (same webhook-id)
import { managementRoute, notFound } from "@/lib/api/handler";
import { findWebhookEndpoint } from "@/lib/queries/webhooks";
import { redeliverWebhook } from "@/lib/services/webhooks";

export async function POST(request: Request, { params }: { params: Promise<{ endpointId: string; deliveryId: string }> }) {
  return managementRoute(request, "webhooks.manage", async ({ actor, context }) => {
    const { endpointId, deliveryId } = await params;
    const endpoint = await findWebhookEndpoint(endpointId);
    if (!endpoint) throw notFound("Webhook endpoint");
    const delivery = await redeliverWebhook(actor, { endpointId: endpoint.id, deliveryId }, context);
    return { status: 202, body: { deliveryId: delivery.id } };
  });
}
