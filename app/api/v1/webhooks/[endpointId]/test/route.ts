// POST /api/v1/webhooks/{id}/test — queue a `webhook.test` event for this endpoint
import { managementRoute, notFound } from "@/lib/api/handler";
import { findWebhookEndpoint } from "@/lib/queries/webhooks";
import { sendTestEvent } from "@/lib/services/webhooks";

export async function POST(request: Request, { params }: { params: Promise<{ endpointId: string }> }) {
  return managementRoute(request, "webhooks.manage", async ({ actor, context }) => {
    const current = await findWebhookEndpoint((await params).endpointId);
    if (!current) throw notFound("Webhook endpoint");
    const delivery = await sendTestEvent(actor, { endpointId: current.id }, context);
    return { status: 202, body: { deliveryId: delivery.id } };
  });
}
