// Revoking keys: one (the trash icon, REST DELETE) or several at once (Settings → API Keys'
// selection, for a leak that involves several keys). Irreversible. A bulk revoke is all or
// nothing: one transaction, one `key.revoked` event per key, and if any key cannot be revoked
// (unknown, already revoked) nothing is. A cascade revoke (`cascade: true`) also revokes the
// still-active keys the key created, transitively, in the same transaction: a leaked management
// key's children are as suspect as the key itself.
import { recordAudit, type RequestContext } from "@/lib/audit";
import { db, type Tx } from "@/lib/db";
import { emitKeyChanged, notifyKeysChanged } from "@/lib/keys/invalidation";
import { isPublicId } from "@/lib/keys/public-id";
import { readKeyRecord, type WrittenKeyRecord } from "@/lib/queries/key-record";
import { lockKey } from "@/lib/services/api-key-rows";
import { assertMayRevoke } from "@/lib/services/api-key-guards";
import { inScope, scopeOf } from "@/lib/services/project-scope";
import { actorColumns, assertActorCan, auditActorOf, type Actor } from "@/lib/services/actor";
import { ServiceError, invalid } from "@/lib/services/errors";
import { bulkRevokeApiKeysSchema, revokeApiKeySchema } from "@/lib/validations/api-key";

export interface RevokedKey {
  id: string;
  publicId: string;
  name: string;
  revokedAt: Date;
  /** With `cascade`: the keys it created that were revoked with it. */
  cascaded?: { id: string; publicId: string; name: string }[];
}

interface KeyToRevoke {
  id: string;
  publicId: string;
  name: string;
  projectId: string;
  hash: string;
}

/** How the keys came to be revoked together, for each one's audit event. */
type RevokeMode = { kind: "single" } | { kind: "bulk" } | { kind: "cascade"; root: KeyToRevoke };

function eventDetail(key: KeyToRevoke, keys: KeyToRevoke[], mode: RevokeMode) {
  if (mode.kind === "bulk" && keys.length > 1) {
    const others = `${keys.length - 1} other key${keys.length === 2 ? "" : "s"}`;
    return { suffix: ` with ${others}`, metadata: { bulk: true, count: keys.length } };
  }
  if (mode.kind === "cascade" && key.id !== mode.root.id) {
    return {
      suffix: `: created through "${mode.root.name}" (${mode.root.publicId}), revoked with it`,
      metadata: { cascade: true, cascadeFrom: mode.root.publicId },
    };
  }
  if (mode.kind === "cascade") return { suffix: ` and ${keys.length - 1} key${keys.length === 2 ? "" : "s"} it created`, metadata: { cascade: true, count: keys.length - 1 } };
  return { suffix: "", metadata: {} };
}

/** Revokes locked, not yet revoked keys and records one event each; the caller notifies. */
async function revokeCore(tx: Tx, actor: Actor, keys: KeyToRevoke[], context: RequestContext | null, mode: RevokeMode): Promise<Date> {
  const who = actorColumns(actor);
  const revokedAt = new Date();
  await tx.apiKey.updateMany({
    where: { id: { in: keys.map((key) => key.id) }, revokedAt: null },
    data: { revokedAt, revokedById: who.userId, revokedByKeyId: who.keyId },
  });
  for (const key of keys) {
    const detail = eventDetail(key, keys, mode);
    await recordAudit(tx, {
      actor: auditActorOf(actor),
      action: "key.revoked",
      summary: `Revoked key "${key.name}" (${key.publicId})${detail.suffix}`,
      targetType: "key",
      targetId: key.publicId,
      projectId: key.projectId,
      keyId: key.id,
      metadata: { via: actor.type === "key" ? "api" : "dashboard", ...detail.metadata },
      context,
    });
  }
  await notifyKeysChanged(
    tx,
    keys.map((key) => key.hash),
  );
  return revokedAt;
}

/** Longer than the default 5 s: up to 100 keys (or a cascade), each with its own audit event. */
const BULK_TRANSACTION_TIMEOUT_MS = 30_000;

/** Revokes one key (and with `cascade`, what it created); returns it as written, with its record. */
export async function revokeApiKey(actor: Actor, raw: unknown, context: RequestContext | null): Promise<RevokedKey & { record: WrittenKeyRecord }> {
  assertActorCan(actor, "keys.revoke");
  const parsed = revokeApiKeySchema.safeParse(raw);
  if (!parsed.success) throw invalid(parsed.error);

  const revoked = await db.$transaction(
    async (tx) => {
      const key = await lockKey(tx, parsed.data.keyId);
      await assertMayRevoke(tx, actor, key);
      if (key.revokedAt) throw new ServiceError("conflict", `"${key.name}" is already revoked.`);
      // A scoped management key revokes only what it could revoke one by one.
      const scope = scopeOf(actor);
      const created = parsed.data.cascade ? (await lockActiveCreatedKeys(tx, key.id)).filter((child) => inScope(scope, child.projectId)) : [];
      const keys = [key, ...created];
      const revokedAt = await revokeCore(tx, actor, keys, context, parsed.data.cascade ? { kind: "cascade", root: key } : { kind: "single" });
      return { key, created, keys, revokedAt, record: await readKeyRecord(tx, key.id, revokedAt.getTime()) };
    },
    { timeout: BULK_TRANSACTION_TIMEOUT_MS },
  );
  for (const key of revoked.keys) emitKeyChanged(key.hash);
  const { key, revokedAt } = revoked;
  return {
    id: key.id,
    publicId: key.publicId,
    name: key.name,
    revokedAt,
    record: revoked.record,
    ...(parsed.data.cascade ? { cascaded: revoked.created.map(({ id, publicId, name }) => ({ id, publicId, name })) } : {}),
  };
}

/**
 * The keys a key created, directly or through keys it created (a revoked or expired key in
 * between does not stop the walk), that are still active: not revoked and not expired. Locked
 * in id order, like a bulk revoke.
 *
 * Rolls do not break the walk. The key's own predecessors (the keys it was rolled from) count as
 * the key: what they created was made with the same credential's earlier secret. A created key
 * that was rolled is followed to its replacements, which are the same child under a new secret
 * (a roll done in the dashboard records no creating key on the replacement).
 */
async function lockActiveCreatedKeys(tx: Tx, rootId: string): Promise<KeyToRevoke[]> {
  return tx.$queryRaw<KeyToRevoke[]>`
    WITH RECURSIVE lineage AS (
      SELECT "id" FROM "ApiKey" WHERE "id" = ${rootId}::uuid
      UNION
      SELECT k."id" FROM "ApiKey" k JOIN lineage l ON k."replacedById" = l."id"
    ), created AS (
      SELECT k."id", k."replacedById" FROM "ApiKey" k WHERE k."createdByKeyId" IN (SELECT "id" FROM lineage)
      UNION
      SELECT k."id", k."replacedById" FROM "ApiKey" k JOIN created c ON k."createdByKeyId" = c."id" OR k."id" = c."replacedById"
    )
    SELECT k."id", k."publicId", k."name", k."projectId", k."hash" FROM "ApiKey" k
     WHERE k."id" IN (SELECT "id" FROM created) AND k."id" NOT IN (SELECT "id" FROM lineage)
       AND k."revokedAt" IS NULL AND (k."expiresAt" IS NULL OR k."expiresAt" > now())
     ORDER BY k."id" FOR UPDATE OF k`;
}

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
      const locked = await tx.$queryRaw<(KeyToRevoke & { revokedAt: Date | null; isSystem: boolean })[]>`
        SELECT k."id", k."publicId", k."name", k."projectId", k."hash", k."revokedAt", p."isSystem"
          FROM "ApiKey" k JOIN "Project" p ON p."id" = k."projectId"
         WHERE k."publicId" = ANY(${publicIds}::text[]) OR k."id" = ANY(${ids}::uuid[])
         ORDER BY k."id" FOR UPDATE OF k`;
      // Keys outside a management key's scope are answered as unknown, like everywhere else.
      const scope = scopeOf(actor);
      const rows = locked.filter((row) => inScope(scope, row.projectId));
      for (const row of rows) await assertMayRevoke(tx, actor, { ...row, project: { isSystem: row.isSystem } });
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
      const revokedAt = await revokeCore(tx, actor, rows, context, { kind: "bulk" });
      return { rows, revokedAt };
    },
    { timeout: BULK_TRANSACTION_TIMEOUT_MS },
  );
  for (const row of result.rows) emitKeyChanged(row.hash);
  return result.rows.map((row) => ({ id: row.id, publicId: row.publicId, name: row.name, revokedAt: result.revokedAt }));
}
