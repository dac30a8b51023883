import "server-only";
// How many still-active keys each key created, directly or through keys it created: what a
// cascade revoke (lib/services/api-key-revoke.ts) would take with it, for the revoke dialog.
import { db } from "@/lib/db";

/** Keyed by row id; keys that created nothing active are absent. */
export async function countActiveCreatedKeys(keyIds: string[], now = new Date()): Promise<Map<string, number>> {
  if (keyIds.length === 0) return new Map();
  const rows = await db.$queryRaw<{ root: string; count: number }[]>`
    WITH RECURSIVE created(root, id) AS (
      SELECT k."createdByKeyId", k."id" FROM "ApiKey" k WHERE k."createdByKeyId" = ANY(${keyIds}::uuid[])
      UNION
      SELECT c.root, k."id" FROM "ApiKey" k JOIN created c ON k."createdByKeyId" = c.id
    )
    SELECT c.root::text AS root, count(*)::int AS count
      FROM created c JOIN "ApiKey" k ON k."id" = c.id
     WHERE k."revokedAt" IS NULL AND (k."expiresAt" IS NULL OR k."expiresAt" > ${now})
     GROUP BY c.root`;
  return new Map(rows.map((row) => [row.root, row.count]));
}
