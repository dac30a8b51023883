// GET /api/v1/webhooks/{id}/deliveries — the endpoint's delivery log, newest first (?status=, ?page=)
import { managementRoute, notFound } from "@/lib/api/handler";
import { serializeDelivery } from "@/lib/api/serialize";
import { findWebhookEndpoint, listDeliveries } from "@/lib/queries/webhooks";
import { deliveryListParamsSchema } from "@/lib/validations/webhook";

export async function GET(request: Request, { params }: { params: Promise<{ endpointId: string }> }) {
  return managementRoute(request, "webhooks.manage", async () => {
    const endpoint = await findWebhookEndpoint((await params).endpointId);
    if (!endpoint) throw notFound("Webhook endpoint");
    const query = deliveryListParamsSchema.parse(Object.fromEntries(new URL(request.url).searchParams));
    const list = await listDeliveries(endpoint.id, query);
    return { body: { deliveries: list.rows.map(serializeDelivery), total: list.total, page: query.page, pageSize: list.pageSize } };
  });
}
