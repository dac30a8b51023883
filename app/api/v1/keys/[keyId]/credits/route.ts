// POST /api/v1/keys/{id}/credits — add credits to a key's balance (a top-up): { "amount": 500 }
import { managementRoute, notFound } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { serializeKey } from "@/lib/api/serialize";
import { findKeyRecord } from "@/lib/queries/management";
import type { Actor } from "@/lib/services/actor";
import { scopeOf } from "@/lib/services/project-scope";
import { addCredits } from "@/lib/services/key-limits";

async function keyOrThrow(actor: Actor, keyId: string) {
  const record = await findKeyRecord(scopeOf(actor), keyId);
  if (!record) throw notFound("Key");
  return record;
}

export const POST = managementRoute(operations.addCredits, "Key", async ({ caller, context, params, body }) => {
  await keyOrThrow(caller.actor, params.keyId);
  await addCredits(caller.actor, { keyId: params.keyId, amount: body.amount }, context);
  return { body: { key: serializeKey(await keyOrThrow(caller.actor, params.keyId)) } };
});
