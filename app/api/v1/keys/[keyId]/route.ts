// GET /api/v1/keys/{id} — one key · PATCH — edit name, description, enabled, externalId, metadata,
// ratelimits, credits · DELETE — revoke (irreversible)
import { readJsonBody } from "@/lib/api/errors";
import { managementRoute, notFound } from "@/lib/api/handler";
import { serializeKey } from "@/lib/api/serialize";
import { findKeyRecord } from "@/lib/queries/management";
import { revokeApiKey, updateApiKey } from "@/lib/services/api-keys";

interface Params {
  params: Promise<{ keyId: string }>;
}

async function load(keyId: string) {
  const record = await findKeyRecord(keyId);
  if (!record) throw notFound("Key");
  return record;
}

export async function GET(request: Request, { params }: Params) {
  return managementRoute(request, "keys.read", async () => ({ body: { key: serializeKey(await load((await params).keyId)) } }));
}

export async function PATCH(request: Request, { params }: Params) {
  return managementRoute(request, "keys.update", async ({ actor, context }) => {
    const { keyId } = await params;
    const body = await readJsonBody(request);
    await load(keyId);
    // Only the editable fields; anything else in the body is ignored.
    const { name, description, enabled, externalId, metadata, ratelimits, credits } = body;
    await updateApiKey(actor, keyId, { name, description, enabled, externalId, metadata, ratelimits, credits }, context);
    return { body: { key: serializeKey(await load(keyId)) } };
  });
}

export async function DELETE(request: Request, { params }: Params) {
  return managementRoute(request, "keys.revoke", async ({ actor, context }) => {
    const { keyId } = await params;
    await load(keyId);
    await revokeApiKey(actor, { keyId }, context);
    return { body: { key: serializeKey(await load(keyId)) } };
  });
}
