-- Keyed audit chains: from now on every event's hash is an HMAC under a key kept outside the
-- database (lib/audit-key.ts), so database access alone can no longer forge events or re-chain
-- the log. "chainVersion" marks the switch-over: the events that exist now were hashed without a
-- key and stay verifiable as version 1; every later one is version 2 and names the key that
-- sealed it by its fingerprint. The default fills existing rows only (no rewrite, so the
-- append-only trigger does not fire); afterwards every insert must state its version.

-- AlterTable
ALTER TABLE "AuditEvent" ADD COLUMN "chainVersion" INTEGER NOT NULL DEFAULT 1,
ADD COLUMN "hmacKeyId" TEXT;

ALTER TABLE "AuditEvent" ALTER COLUMN "chainVersion" DROP DEFAULT;

-- ---------------------------------------------------------------------------------------------
-- Beyond the Prisma schema: everything below is invisible to Prisma and deliberate.
-- ---------------------------------------------------------------------------------------------

-- A keyed event always names its key; an unkeyed one never does.
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_chainVersion_check"
    CHECK (("chainVersion" = 1 AND "hmacKeyId" IS NULL) OR ("chainVersion" = 2 AND "hmacKeyId" IS NOT NULL));
