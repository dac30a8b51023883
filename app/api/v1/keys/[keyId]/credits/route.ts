// POST /api/v1/keys/{id}/credits — add credits to a key's balance (a top-up): { "amount": 500 }
import { readJsonBody } from "@/lib/api/errors";
import { managementRoute, notFound } from "@/lib/api/handler";
import { serializeKey } from "@/lib/api/serialize";
import { scopeOf } from "@/lib/services/project-scope";
import { findKeyRecord } from "@/lib/queries/management";
import { addCredits } from "@/lib/services/key-limits";

interface Params {
  params: Promise<{ keyId: string }>;
}

export async function POST(request: Request, { params }: Params) {
  return managementRoute(request, "keys.update", async ({ actor, context }) => {
    const { keyId } = await params;
    const body = await readJsonBody(request);
    if (!(await findKeyRecord(scopeOf(actor), keyId))) throw notFound("Key");
    await addCredits(actor, { keyId, amount: body.amount }, context);
    const record = await findKeyRecord(scopeOf(actor), keyId);
    if (!record) throw notFound("Key");
    return { body: { key: serializeKey(record) } };
  });
}
