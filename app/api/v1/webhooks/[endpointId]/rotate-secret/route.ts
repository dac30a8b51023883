// POST /api/v1/webhooks/{id}/rotate-secret — a new signing secret (in this response only); the old
// one keeps signing alongside it for `overlap` (none, 1h, 24h — the default — or 7d)
import { readJsonBody } from "@/lib/api/errors";
import { managementRoute, notFound } from "@/lib/api/handler";
import { serializeWebhookEndpoint } from "@/lib/api/serialize";
import { findWebhookEndpoint } from "@/lib/queries/webhooks";
import { rotateWebhookSecret } from "@/lib/services/webhooks";

export async function POST(request: Request, { params }: { params: Promise<{ endpointId: string }> }) {
  return managementRoute(request, "webhooks.manage", async ({ actor, context }) => {
    const current = await findWebhookEndpoint((await params).endpointId);
    if (!current) throw notFound("Webhook endpoint");
    const body = await readJsonBody(request);
    const { endpoint, secret } = await rotateWebhookSecret(actor, { endpointId: current.id, overlap: body.overlap }, context);
    return { body: { endpoint: serializeWebhookEndpoint(endpoint), secret } };
  });
}
