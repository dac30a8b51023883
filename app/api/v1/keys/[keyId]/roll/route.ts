// POST /api/v1/keys/{id}/roll — replace a key; the old one expires after the grace period
import { managementRoute, notFound } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { serializeKey } from "@/lib/api/serialize";
import { findKeyRecord } from "@/lib/queries/management";
import { rollApiKey } from "@/lib/services/api-keys";

async function keyOrThrow(keyId: string) {
  const record = await findKeyRecord(keyId);
  if (!record) throw notFound("Key");
  return record;
}

export const POST = managementRoute(operations.rollKey, "Key", async ({ caller, context, params, body }) => {
  await keyOrThrow(params.keyId);
  const { key } = await rollApiKey(caller.actor, { keyId: params.keyId, grace: body?.grace ?? "24h" }, context);
  const [replacement, previous] = await Promise.all([keyOrThrow(key.publicId), keyOrThrow(params.keyId)]);
  return { status: 201, body: { key: serializeKey(replacement), secret: key.secret, previous: serializeKey(previous) } };
});
