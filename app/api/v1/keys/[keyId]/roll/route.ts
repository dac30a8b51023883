// POST /api/v1/keys/{id}/roll — replace a key; the old one expires after the grace period
import { managementRoute, notFound } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { serializeKey } from "@/lib/api/serialize";
import { findKeyRecord } from "@/lib/queries/management";
import type { Actor } from "@/lib/services/actor";
import { scopeOf } from "@/lib/services/project-scope";
import { rollApiKey } from "@/lib/services/api-keys";

async function keyOrThrow(actor: Actor, keyId: string) {
  const record = await findKeyRecord(scopeOf(actor), keyId);
  if (!record) throw notFound("Key");
  return record;
}

export const POST = managementRoute(operations.rollKey, "Key", async ({ caller, context, params, body }) => {
  await keyOrThrow(caller.actor, params.keyId);
  const { key } = await rollApiKey(caller.actor, { keyId: params.keyId, grace: body?.grace ?? "24h" }, context);
  const [replacement, previous] = await Promise.all([keyOrThrow(caller.actor, key.publicId), keyOrThrow(caller.actor, params.keyId)]);
  return { status: 201, body: { key: serializeKey(replacement), secret: key.secret, previous: serializeKey(previous) } };
});
