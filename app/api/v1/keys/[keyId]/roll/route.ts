// POST /api/v1/keys/{id}/roll — replace a key; the old one expires after the grace period
import { managementRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { serializeKey } from "@/lib/api/serialize";
import { rollApiKey } from "@/lib/services/api-keys";

// The service answers an unknown key, or one outside the caller's scope, with 404, and returns
// both keys as it wrote them.
export const POST = managementRoute(operations.rollKey, "Key", async ({ caller, context, params, body }) => {
  const { key, old } = await rollApiKey(caller.actor, { keyId: params.keyId, grace: body?.grace ?? "24h" }, context);
  return { status: 201, body: { key: serializeKey(key.record), secret: key.secret, previous: serializeKey(old) } };
});
