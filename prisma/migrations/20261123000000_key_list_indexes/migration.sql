-- Settings → API Keys with 100,000 keys in a project: every sort and every page an index walk.
--
-- Each sort orders by (column, id) with the id tiebreaker in the sort's direction, so one index
-- per column serves both directions (scanned backwards for the other one) and an OFFSET walks
-- the index instead of sorting the whole project. They replace the indexes without "id", which
-- are their prefixes.
DROP INDEX "ApiKey_projectId_createdAt_idx";
DROP INDEX "ApiKey_projectId_name_idx";
DROP INDEX "ApiKey_projectId_expiresAt_idx";
DROP INDEX "ApiKey_projectId_lastUsedAt_idx";

-- CreateIndex
CREATE INDEX "ApiKey_projectId_createdAt_id_idx" ON "ApiKey"("projectId", "createdAt", "id");

-- CreateIndex
CREATE INDEX "ApiKey_projectId_name_id_idx" ON "ApiKey"("projectId", "name", "id");

-- CreateIndex
CREATE INDEX "ApiKey_projectId_expiresAt_id_idx" ON "ApiKey"("projectId", "expiresAt", "id");

-- CreateIndex
CREATE INDEX "ApiKey_projectId_lastUsedAt_id_idx" ON "ApiKey"("projectId", "lastUsedAt", "id");

-- ---------------------------------------------------------------------------------------------
-- Beyond the Prisma schema: everything below is invisible to Prisma and deliberate.
-- ---------------------------------------------------------------------------------------------

-- Keys never used or never expiring sort last in both directions. Ascending that is the B-tree's
-- own order (NULLS LAST); descending it is not the backward scan of it (which puts NULLs first),
-- so the descending sorts of these two nullable columns get their own index. Prisma's schema
-- cannot express NULLS LAST.
CREATE INDEX "ApiKey_projectId_expiresAt_desc_idx" ON "ApiKey"("projectId", "expiresAt" DESC NULLS LAST, "id" DESC);
CREATE INDEX "ApiKey_projectId_lastUsedAt_desc_idx" ON "ApiKey"("projectId", "lastUsedAt" DESC NULLS LAST, "id" DESC);

-- Key search: one trigram index over name, description, prefix and Sid joined by U+001F (which
-- search terms never contain, so no match spans two fields) replaces one index per column: a
-- search is one index scan instead of a BitmapOr of four. lib/queries/api-keys.ts (SEARCH_TEXT)
-- must use exactly this expression, or PostgreSQL will not use the index.
DROP INDEX "ApiKey_name_trgm_idx";
DROP INDEX "ApiKey_description_trgm_idx";
DROP INDEX "ApiKey_displayPrefix_trgm_idx";
DROP INDEX "ApiKey_publicId_trgm_idx";
CREATE INDEX "ApiKey_search_trgm_idx" ON "ApiKey" USING GIN (("name" || E'\x1f' || "description" || E'\x1f' || "displayPrefix" || E'\x1f' || "publicId") gin_trgm_ops);
