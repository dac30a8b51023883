// GET /api/v1/webhooks/{id} — one endpoint · PATCH — edit, enable or disable · DELETE — remove it and its delivery log
import { managementRoute, notFound } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { serializeWebhookEndpoint } from "@/lib/api/serialize-webhooks";
import { withProjectId } from "@/lib/api/webhook-input";
import { findWebhookEndpoint } from "@/lib/queries/webhooks";
import { deleteWebhookEndpoint, updateWebhookEndpoint } from "@/lib/services/webhooks";

async function endpointOrThrow(endpointId: string) {
  const endpoint = await findWebhookEndpoint(endpointId);
  if (!endpoint) throw notFound("Webhook endpoint");
  return endpoint;
}

export const GET = managementRoute(operations.getWebhook, "Webhook endpoint", async ({ params }) => ({
  body: { endpoint: serializeWebhookEndpoint(await endpointOrThrow(params.endpointId)) },
}));

export const PATCH = managementRoute(operations.updateWebhook, "Webhook endpoint", async ({ caller, context, params, body }) => {
  const current = await endpointOrThrow(params.endpointId);
  if (Object.values(body).every((value) => value === undefined)) return { body: { endpoint: serializeWebhookEndpoint(current) } };
  const { endpoint } = await updateWebhookEndpoint(caller.actor, { ...(await withProjectId(body)), endpointId: current.id }, context);
  return { body: { endpoint: serializeWebhookEndpoint(endpoint) } };
});

export const DELETE = managementRoute(operations.deleteWebhook, "Webhook endpoint", async ({ caller, context, params }) => {
  const current = await endpointOrThrow(params.endpointId);
  const deleted = await deleteWebhookEndpoint(caller.actor, { endpointId: current.id }, context);
  return { body: { endpoint: serializeWebhookEndpoint(deleted), deleted: true } };
});
