// Revoking keys: one (the trash icon, REST DELETE) or several at once (Settings → API Keys'
// selection, for a leak that involves several keys). Irreversible. A bulk revoke is all or
// nothing: one transaction, one `key.revoked` event per key, and if any key cannot be revoked
// (unknown, already revoked) nothing is.
import { recordAudit, type RequestContext } from "@/lib/audit";
import { db, type Tx } from "@/lib/db";
import { emitKeyChanged, notifyKeysChanged } from "@/lib/keys/invalidation";
import { isPublicId } from "@/lib/keys/public-id";
import { lockKey } from "@/lib/services/api-key-rows";
import { actorColumns, assertActorCan, auditActorOf, type Actor } from "@/lib/services/actor";
import { ServiceError, invalid } from "@/lib/services/errors";
import { bulkRevokeApiKeysSchema, revokeApiKeySchema } from "@/lib/validations/api-key";

export interface RevokedKey {
  id: string;
  publicId: string;
  name: string;
  revokedAt: Date;
}

interface KeyToRevoke {
  id: string;
  publicId: string;
  name: string;
  projectId: string;
  hash: string;
}

/** Revokes locked, not yet revoked keys and records one event each; the caller notifies. */
async function revokeCore(tx: Tx, actor: Actor, keys: KeyToRevoke[], context: RequestContext | null, bulk: boolean): Promise<Date> {
  const who = actorColumns(actor);
  const revokedAt = new Date();
  await tx.apiKey.updateMany({
    where: { id: { in: keys.map((key) => key.id) }, revokedAt: null },
    data: { revokedAt, revokedById: who.userId, revokedByKeyId: who.keyId },
  });
  for (const key of keys) {
    await recordAudit(tx, {
      actor: auditActorOf(actor),
      action: "key.revoked",
      summary: `Revoked key "${key.name}" (${key.publicId})${bulk ? ` with ${keys.length - 1} other key${keys.length === 2 ? "" : "s"}` : ""}`,
      targetType: "key",
      targetId: key.publicId,
      projectId: key.projectId,
      keyId: key.id,
      metadata: { via: actor.type === "key" ? "api" : "dashboard", ...(bulk ? { bulk: true, count: keys.length } : {}) },
      context,
    });
  }
  await notifyKeysChanged(
    tx,
    keys.map((key) => key.hash),
  );
  return revokedAt;
}

export async function revokeApiKey(actor: Actor, raw: unknown, context: RequestContext | null): Promise<RevokedKey> {
  assertActorCan(actor, "keys.revoke");
  const parsed = revokeApiKeySchema.safeParse(raw);
  if (!parsed.success) throw invalid(parsed.error);

  const revoked = await db.$transaction(async (tx) => {
    const key = await lockKey(tx, parsed.data.keyId);
    if (key.revokedAt) throw new ServiceError("conflict", `"${key.name}" is already revoked.`);
    const revokedAt = await revokeCore(tx, actor, [key], context, false);
    return { ...key, revokedAt };
  });
  emitKeyChanged(revoked.hash);
  return { id: revoked.id, publicId: revoked.publicId, name: revoked.name, revokedAt: revoked.revokedAt };
}

/** Longer than the default 5 s: up to 100 keys, each with its own audit event. */
const BULK_TRANSACTION_TIMEOUT_MS = 30_000;

export async function revokeApiKeys(actor: Actor, raw: unknown, context: RequestContext | null): Promise<RevokedKey[]> {
  assertActorCan(actor, "keys.revoke");
  const parsed = bulkRevokeApiKeysSchema.safeParse(raw);
  if (!parsed.success) throw invalid(parsed.error);
  const requested = [...new Set(parsed.data.keyIds)];
  const publicIds = requested.filter(isPublicId);
  const ids = requested.filter((id) => !isPublicId(id)).map((id) => id.toLowerCase());

  const result = await db.$transaction(
    async (tx) => {
      // Locked in id order, so two bulk revokes over overlapping keys cannot deadlock.
      const rows = await tx.$queryRaw<(KeyToRevoke & { revokedAt: Date | null })[]>`
        SELECT "id", "publicId", "name", "projectId", "hash", "revokedAt" FROM "ApiKey"
         WHERE "publicId" = ANY(${publicIds}::text[]) OR "id" = ANY(${ids}::uuid[])
         ORDER BY "id" FOR UPDATE`;
      const found = new Set(rows.flatMap((row) => [row.publicId, row.id]));
      const missing = requested.filter((id) => !found.has(isPublicId(id) ? id : id.toLowerCase()));
      if (missing.length > 0) {
        throw new ServiceError("not_found", `No key has the id ${missing.slice(0, 3).map((id) => `"${id}"`).join(", ")}. Nothing was revoked.`);
      }
      const already = rows.filter((row) => row.revokedAt !== null);
      if (already.length > 0) {
        throw new ServiceError(
          "conflict",
          `${already.slice(0, 3).map((row) => `"${row.name}"`).join(", ")} ${already.length === 1 ? "is" : "are"} already revoked. Nothing was revoked; refresh the list and try again.`,
        );
      }
      const revokedAt = await revokeCore(tx, actor, rows, context, rows.length > 1);
      return { rows, revokedAt };
    },
    { timeout: BULK_TRANSACTION_TIMEOUT_MS },
  );
  for (const row of result.rows) emitKeyChanged(row.hash);
  return result.rows.map((row) => ({ id: row.id, publicId: row.publicId, name: row.name, revokedAt: result.revokedAt }));
}
