// GET /api/v1/keys/{id} — one key · PATCH — edit name, description, enabled, externalId, metadata,
// ratelimits, credits · DELETE — revoke (irreversible); `?cascade=true` also revokes the keys it created
import { managementRoute, notFound } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { serializeKey } from "@/lib/api/serialize";
import { findKeyRecord } from "@/lib/queries/management";
import type { Actor } from "@/lib/services/actor";
import { scopeOf } from "@/lib/services/project-scope";
import { revokeApiKey } from "@/lib/services/api-key-revoke";
import { updateApiKey } from "@/lib/services/api-keys";

async function keyOrThrow(actor: Actor, keyId: string) {
  const record = await findKeyRecord(scopeOf(actor), keyId);
  if (!record) throw notFound("Key");
  return record;
}

export const GET = managementRoute(operations.getKey, "Key", async ({ caller, params }) => ({
  body: { key: serializeKey(await keyOrThrow(caller.actor, params.keyId)) },
}));

// The services answer an unknown key, or one outside the caller's scope, with 404 themselves,
// and return the key as they wrote it.
export const PATCH = managementRoute(operations.updateKey, "Key", async ({ caller, context, params, body }) => {
  // `{}` asks for no change: answer the key as it is (PATCH semantics), without a write.
  if (Object.values(body).every((value) => value === undefined)) return { body: { key: serializeKey(await keyOrThrow(caller.actor, params.keyId)) } };
  return { body: { key: serializeKey(await updateApiKey(caller.actor, params.keyId, body, context)) } };
});

export const DELETE = managementRoute(operations.revokeKey, "Key", async ({ caller, context, params, query }) => {
  const revoked = await revokeApiKey(caller.actor, { keyId: params.keyId, cascade: query.cascade }, context);
  return {
    body: {
      key: serializeKey(revoked.record),
      ...(revoked.cascaded ? { cascaded: revoked.cascaded.map((key) => key.publicId) } : {}),
    },
  };
});
