-- Issue 11: per-key controls (disable/enable, owner, metadata), the "ip" constraint kind, and a
-- usage count for verifications of disabled keys.

-- AlterEnum. Allowed inside the migration's transaction because nothing here uses the new value.
ALTER TYPE "ConstraintType" ADD VALUE 'ip';

-- AlterTable
ALTER TABLE "ApiKey" ADD COLUMN "enabled" BOOLEAN NOT NULL DEFAULT true,
ADD COLUMN "externalId" TEXT,
ADD COLUMN "metadata" JSONB NOT NULL DEFAULT '{}';

-- AlterTable
ALTER TABLE "KeyUsageDaily" ADD COLUMN "disabled" INTEGER NOT NULL DEFAULT 0;

-- ---------------------------------------------------------------------------------------------
-- Beyond the Prisma schema: everything below is invisible to Prisma and deliberate.
-- ---------------------------------------------------------------------------------------------

-- The service validates both (lib/validations/key-fields.ts); these make a write that skipped it
-- fail loudly instead of storing what verification would hand to every calling API. An unset
-- owner is NULL, never "" (the service turns blank into NULL).
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_metadata_object_check" CHECK (jsonb_typeof("metadata") = 'object');
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_externalId_check" CHECK (char_length("externalId") BETWEEN 1 AND 255);

-- Key search also finds the owner: the one trigram index gets externalId as a fifth field (the
-- unit separator U+001F still keeps matches inside one field). lib/queries/api-keys.ts
-- (SEARCH_TEXT) must use exactly this expression, or PostgreSQL will not use the index.
DROP INDEX "ApiKey_search_trgm_idx";
CREATE INDEX "ApiKey_search_trgm_idx" ON "ApiKey" USING GIN (("name" || E'\x1f' || "description" || E'\x1f' || "displayPrefix" || E'\x1f' || "publicId" || E'\x1f' || COALESCE("externalId", '')) gin_trgm_ops);
