// POST /api/v1/keys/{id}/credits — add credits to a key's balance (a top-up): { "amount": 500 }
import { managementRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { serializeKey } from "@/lib/api/serialize";
import { addCredits } from "@/lib/services/key-limits";

// The service answers an unknown key, or one outside the caller's scope, with 404, and returns
// the key as it wrote it (the new balance included).
export const POST = managementRoute(operations.addCredits, "Key", async ({ caller, context, params, body }) => ({
  body: { key: serializeKey(await addCredits(caller.actor, { keyId: params.keyId, amount: body.amount }, context)) },
}));
