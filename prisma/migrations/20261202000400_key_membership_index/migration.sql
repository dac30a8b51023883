-- Issue 15: every Keydesk process keeps the first 8 bytes of every key's hash in memory (the
-- membership index, lib/keys/key-index.ts), so that an unknown key is answered without a query.
-- This migration gives the database what that index needs: a compact, indexed copy of the
-- prefix to stream at start and to check ranges against, and an announcement of every new key.

-- Every hash is lower-case hex SHA-256 (lib/keys/secret.ts); the prefix below relies on it.
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_hash_check" CHECK ("hash" ~ '^[0-9a-f]{64}$');

-- The hash's first 16 hex digits as a signed 64-bit integer, kept by the database itself. Its
-- index serves start-up (COPY of 8 bytes per key instead of 64 characters), the periodic check
-- (an index-only scan) and the repair of one hash range (a range scan). Invisible to Prisma.
ALTER TABLE "ApiKey"
    ADD COLUMN "hashPrefix" BIGINT GENERATED ALWAYS AS (('x' || substr("hash", 1, 16))::bit(64)::bigint) STORED;
CREATE INDEX "ApiKey_hashPrefix_idx" ON "ApiKey"("hashPrefix");

-- XOR of 64-bit values, the checksum of a hash range: order-independent and exact. bit_xor()
-- exists only from PostgreSQL 14 on; int8xor is the function behind the # operator.
CREATE AGGREGATE "keydesk_xor64"(BIGINT) (
    SFUNC = int8xor,
    STYPE = BIGINT,
    INITCOND = '0',
    COMBINEFUNC = int8xor,
    PARALLEL = SAFE
);

-- New keys are announced on "keydesk_key_created" (payload: the hash), whoever inserts them:
-- the services, the benchmark's COPY, a restore or a hand-written INSERT. More than 1000 rows
-- in one statement become one "*" ("reconcile now") instead of a flood of notifications.
-- Delivered at commit, and only if the transaction commits.
CREATE FUNCTION "ApiKey_announce_created"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT count(*) FROM (SELECT 1 FROM inserted LIMIT 1001) AS s) > 1000 THEN
        PERFORM pg_notify('keydesk_key_created', '*');
    ELSE
        PERFORM pg_notify('keydesk_key_created', i."hash") FROM inserted AS i;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER "ApiKey_announce_created"
    AFTER INSERT ON "ApiKey"
    REFERENCING NEW TABLE AS inserted
    FOR EACH STATEMENT EXECUTE FUNCTION "ApiKey_announce_created"();

-- A deleted key leaves every verification cache at once (as a revoked one does, on the channel
-- notifyKeyChanged uses); "*" clears them all. The membership index keeps a deleted key's prefix
-- until the next check: a stale entry only sends that key's lookups to the database, which then
-- answers NOT_FOUND, whereas removing a prefix that another key shares would be a false NOT_FOUND.
CREATE FUNCTION "ApiKey_announce_deleted"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF (SELECT count(*) FROM (SELECT 1 FROM deleted LIMIT 1001) AS s) > 1000 THEN
        PERFORM pg_notify('keydesk_key_changed', '*');
    ELSE
        PERFORM pg_notify('keydesk_key_changed', d."hash") FROM deleted AS d;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER "ApiKey_announce_deleted"
    AFTER DELETE ON "ApiKey"
    REFERENCING OLD TABLE AS deleted
    FOR EACH STATEMENT EXECUTE FUNCTION "ApiKey_announce_deleted"();

-- Keydesk never changes a hash (a roll creates a new key), but if anything does, the new hash is
-- a new member and the old one a changed key.
CREATE FUNCTION "ApiKey_announce_rehashed"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('keydesk_key_created', NEW."hash");
    PERFORM pg_notify('keydesk_key_changed', OLD."hash");
    RETURN NULL;
END
$$;

CREATE TRIGGER "ApiKey_announce_rehashed"
    AFTER UPDATE OF "hash" ON "ApiKey"
    FOR EACH ROW WHEN (OLD."hash" IS DISTINCT FROM NEW."hash")
    EXECUTE FUNCTION "ApiKey_announce_rehashed"();

CREATE FUNCTION "ApiKey_announce_truncated"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('keydesk_key_changed', '*');
    PERFORM pg_notify('keydesk_key_created', '*');
    RETURN NULL;
END
$$;

CREATE TRIGGER "ApiKey_announce_truncated"
    AFTER TRUNCATE ON "ApiKey"
    FOR EACH STATEMENT EXECUTE FUNCTION "ApiKey_announce_truncated"();
