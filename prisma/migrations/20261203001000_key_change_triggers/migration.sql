-- Every change verification depends on is announced by the database itself, at commit, whoever
-- makes it: Keydesk's services (which also notify in their own transactions; PostgreSQL delivers
-- identical notifications of one transaction once), an operator's SQL, a restore script. With
-- creations, deletions and rehashes already announced (migration 20261202000400), a cached key
-- can only be out of date while a process's listener is not LISTENing, and then the cache serves
-- nothing older than a second (lib/keys/key-cache.ts). That is what lets cached entries live for
-- minutes instead of expiring after one, which at a million keys means a million lookups fewer.
--
-- Only the columns verification reads: the usage flush writes "lastUsedAt" every few seconds
-- and the limiter writes "remaining" constantly; neither may empty every cache.

CREATE FUNCTION "ApiKey_announce_changed"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('keydesk_key_changed', NEW."hash");
    RETURN NULL;
END
$$;

CREATE TRIGGER "ApiKey_announce_changed"
    AFTER UPDATE ON "ApiKey"
    FOR EACH ROW WHEN (
           OLD."name" IS DISTINCT FROM NEW."name"
        OR OLD."publicId" IS DISTINCT FROM NEW."publicId"
        OR OLD."projectId" IS DISTINCT FROM NEW."projectId"
        OR OLD."expiresAt" IS DISTINCT FROM NEW."expiresAt"
        OR OLD."revokedAt" IS DISTINCT FROM NEW."revokedAt"
        OR OLD."enabled" IS DISTINCT FROM NEW."enabled"
        OR OLD."externalId" IS DISTINCT FROM NEW."externalId"
        OR OLD."metadata" IS DISTINCT FROM NEW."metadata"
        OR OLD."canary" IS DISTINCT FROM NEW."canary"
        OR OLD."limitsVersion" IS DISTINCT FROM NEW."limitsVersion")
    EXECUTE FUNCTION "ApiKey_announce_changed"();

-- A row of a table keyed by "keyId" changed: announce that key (both keys if a row moved).
CREATE FUNCTION "ApiKey_announce_part_changed"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'DELETE' THEN
        PERFORM pg_notify('keydesk_key_changed', k."hash") FROM "ApiKey" AS k WHERE k."id" = NEW."keyId";
    END IF;
    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND OLD."keyId" IS DISTINCT FROM NEW."keyId") THEN
        PERFORM pg_notify('keydesk_key_changed', k."hash") FROM "ApiKey" AS k WHERE k."id" = OLD."keyId";
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER "ApiKeyConstraint_announce_changed"
    AFTER INSERT OR UPDATE OR DELETE ON "ApiKeyConstraint"
    FOR EACH ROW EXECUTE FUNCTION "ApiKey_announce_part_changed"();

CREATE TRIGGER "ApiKeyRateLimit_announce_changed"
    AFTER INSERT OR UPDATE OR DELETE ON "ApiKeyRateLimit"
    FOR EACH ROW EXECUTE FUNCTION "ApiKey_announce_part_changed"();

-- Credits: their configuration, not the balance the limiter keeps writing.
CREATE TRIGGER "ApiKeyCredits_announce_added_or_removed"
    AFTER INSERT OR DELETE ON "ApiKeyCredits"
    FOR EACH ROW EXECUTE FUNCTION "ApiKey_announce_part_changed"();

CREATE TRIGGER "ApiKeyCredits_announce_changed"
    AFTER UPDATE ON "ApiKeyCredits"
    FOR EACH ROW WHEN (
           OLD."keyId" IS DISTINCT FROM NEW."keyId"
        OR OLD."refillInterval" IS DISTINCT FROM NEW."refillInterval"
        OR OLD."refillAmount" IS DISTINCT FROM NEW."refillAmount"
        OR OLD."refillDay" IS DISTINCT FROM NEW."refillDay")
    EXECUTE FUNCTION "ApiKey_announce_part_changed"();
