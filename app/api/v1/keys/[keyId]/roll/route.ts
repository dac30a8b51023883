// POST /api/v1/keys/{id}/roll — replace a key; the old one expires after the grace period
import { readJsonBody } from "@/lib/api/errors";
import { managementRoute, notFound } from "@/lib/api/handler";
import { serializeKey } from "@/lib/api/serialize";
import { scopeOf } from "@/lib/services/project-scope";
import { findKeyRecord } from "@/lib/queries/management";
import { rollApiKey } from "@/lib/services/api-keys";

export async function POST(request: Request, { params }: { params: Promise<{ keyId: string }> }) {
  return managementRoute(request, "keys.roll", async ({ actor, context }) => {
    const { keyId } = await params;
    if (!(await findKeyRecord(scopeOf(actor), keyId))) throw notFound("Key");
    const body = await readJsonBody(request);
    const { key } = await rollApiKey(actor, { keyId, grace: body.grace ?? "24h" }, context);
    const [replacement, previous] = await Promise.all([findKeyRecord(scopeOf(actor), key.publicId), findKeyRecord(scopeOf(actor), keyId)]);
    if (!replacement || !previous) throw notFound("Key");
    return { status: 201, body: { key: serializeKey(replacement), secret: key.secret, previous: serializeKey(previous) } };
  });
}
