// GET /api/v1/keys/{id} — one key · PATCH — edit name, description, enabled, externalId, metadata,
// ratelimits, credits · DELETE — revoke (irreversible); `?cascade=true` also revokes the keys it created
import { readJsonBody } from "@/lib/api/errors";
import { managementRoute, notFound } from "@/lib/api/handler";
import { serializeKey } from "@/lib/api/serialize";
import { findKeyRecord } from "@/lib/queries/management";
import { revokeApiKey, updateApiKey } from "@/lib/services/api-keys";
import { scopeOf } from "@/lib/services/project-scope";
import type { Actor } from "@/lib/services/actor";

interface Params {
  params: Promise<{ keyId: string }>;
}

async function load(actor: Actor, keyId: string) {
  const record = await findKeyRecord(scopeOf(actor), keyId);
  if (!record) throw notFound("Key");
  return record;
}

export async function GET(request: Request, { params }: Params) {
  return managementRoute(request, "keys.read", async ({ actor }) => ({ body: { key: serializeKey(await load(actor, (await params).keyId)) } }));
}

export async function PATCH(request: Request, { params }: Params) {
  return managementRoute(request, "keys.update", async ({ actor, context }) => {
    const { keyId } = await params;
    const body = await readJsonBody(request);
    await load(actor, keyId);
    // Only the editable fields; anything else in the body is ignored.
    const { name, description, enabled, externalId, metadata, ratelimits, credits } = body;
    await updateApiKey(actor, keyId, { name, description, enabled, externalId, metadata, ratelimits, credits }, context);
    return { body: { key: serializeKey(await load(actor, keyId)) } };
  });
}

export async function DELETE(request: Request, { params }: Params) {
  return managementRoute(request, "keys.revoke", async ({ actor, context }) => {
    const { keyId } = await params;
    await load(actor, keyId);
    const cascade = new URL(request.url).searchParams.get("cascade") ?? undefined;
    const revoked = await revokeApiKey(actor, { keyId, cascade }, context);
    return {
      body: {
        key: serializeKey(await load(actor, keyId)),
        ...(revoked.cascaded ? { cascaded: revoked.cascaded.map((key) => key.publicId) } : {}),
      },
    };
  });
}
