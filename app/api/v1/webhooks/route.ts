// GET /api/v1/webhooks — list webhook endpoints
// POST /api/v1/webhooks — add an endpoint; its signing secret is in this response only
import { readJsonBody } from "@/lib/api/errors";
import { managementRoute } from "@/lib/api/handler";
import { serializeWebhookEndpoint } from "@/lib/api/serialize";
import { withProjectId } from "@/lib/api/webhook-input";
import { listWebhookEndpoints } from "@/lib/queries/webhooks";
import { createWebhookEndpoint } from "@/lib/services/webhooks";

export async function GET(request: Request) {
  return managementRoute(request, "webhooks.manage", async () => ({
    body: { endpoints: (await listWebhookEndpoints()).map((endpoint) => serializeWebhookEndpoint(endpoint)) },
  }));
}

export async function POST(request: Request) {
  return managementRoute(request, "webhooks.manage", async ({ actor, context }) => {
    const body = await withProjectId(await readJsonBody(request));
    const { endpoint, secret } = await createWebhookEndpoint(actor, body, context);
    return { status: 201, body: { endpoint: serializeWebhookEndpoint(endpoint), secret } };
  });
}
