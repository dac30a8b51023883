import "server-only";
// How many still-active keys each key created, directly or through keys it created: what a
// cascade revoke (lib/services/api-key-revoke.ts) would take with it, for the revoke dialog.
// A key's predecessors count as the key; rolled children are followed to their replacements.
import { db } from "@/lib/db";

/** Keyed by row id; keys that created nothing active are absent. */
export async function countActiveCreatedKeys(keyIds: string[], now = new Date()): Promise<Map<string, number>> {
  if (keyIds.length === 0) return new Map();
  // The same walk as the cascade (lineage through rolls, rolled children followed to their
  // replacements), per root, so the dialog's number is what the revoke takes.
  const rows = await db.$queryRaw<{ root: string; count: number }[]>`
    WITH RECURSIVE lineage(root, id) AS (
      SELECT r, r FROM unnest(${keyIds}::uuid[]) AS r
      UNION
      SELECT l.root, k."id" FROM "ApiKey" k JOIN lineage l ON k."replacedById" = l.id
    ), created(root, id, "replacedById") AS (
      SELECT l.root, k."id", k."replacedById" FROM "ApiKey" k JOIN lineage l ON k."createdByKeyId" = l.id
      UNION
      SELECT c.root, k."id", k."replacedById" FROM "ApiKey" k JOIN created c ON k."createdByKeyId" = c.id OR k."id" = c."replacedById"
    )
    SELECT c.root::text AS root, count(DISTINCT c.id)::int AS count
      FROM created c JOIN "ApiKey" k ON k."id" = c.id
     WHERE k."revokedAt" IS NULL AND (k."expiresAt" IS NULL OR k."expiresAt" > ${now})
       AND NOT EXISTS (SELECT 1 FROM lineage l WHERE l.root = c.root AND l.id = c.id)
     GROUP BY c.root`;
  return new Map(rows.map((row) => [row.root, row.count]));
}
