// GET /api/v1/webhooks/{id} — one endpoint · PATCH — edit, enable or disable · DELETE — remove it and its delivery log
import { readJsonBody } from "@/lib/api/errors";
import { managementRoute, notFound } from "@/lib/api/handler";
import { serializeWebhookEndpoint } from "@/lib/api/serialize";
import { withProjectId } from "@/lib/api/webhook-input";
import { findWebhookEndpoint } from "@/lib/queries/webhooks";
import { deleteWebhookEndpoint, updateWebhookEndpoint } from "@/lib/services/webhooks";

interface Params {
  params: Promise<{ endpointId: string }>;
}

async function load(endpointId: string) {
  const endpoint = await findWebhookEndpoint(endpointId);
  if (!endpoint) throw notFound("Webhook endpoint");
  return endpoint;
}

export async function GET(request: Request, { params }: Params) {
  return managementRoute(request, "webhooks.manage", async () => ({
    body: { endpoint: serializeWebhookEndpoint(await load((await params).endpointId)) },
  }));
}

export async function PATCH(request: Request, { params }: Params) {
  return managementRoute(request, "webhooks.manage", async ({ actor, context }) => {
    const { endpointId } = await params;
    const current = await load(endpointId);
    const body = await withProjectId(await readJsonBody(request));
    const { endpoint } = await updateWebhookEndpoint(
      actor,
      { endpointId: current.id, url: body.url, description: body.description, projectId: body.projectId, eventTypes: body.eventTypes, enabled: body.enabled },
      context,
    );
    return { body: { endpoint: serializeWebhookEndpoint(endpoint) } };
  });
}

export async function DELETE(request: Request, { params }: Params) {
  return managementRoute(request, "webhooks.manage", async ({ actor, context }) => {
    const current = await load((await params).endpointId);
    const deleted = await deleteWebhookEndpoint(actor, { endpointId: current.id }, context);
    return { body: { endpoint: serializeWebhookEndpoint(deleted), deleted: true } };
  });
}
