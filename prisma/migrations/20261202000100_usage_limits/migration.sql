-- Usage limits (issue 13): per-key rate limits and credits, their state, project defaults and the
-- verification counts of the two new denials. docs/usage-limits.md explains the design; in short:
-- every Keydesk process leases budget from these rows in blocks (keydesk_limits_lease), spends it
-- in memory and hands back what it did not use (keydesk_limits_release). The database is the only
-- place that decides how much exists, so several processes together never admit more than a
-- window's limit or spend more credits than there are.

CREATE TYPE "CreditRefillInterval" AS ENUM ('daily', 'monthly');

-- Bumped by every change to a key's limits or credits (edit, top-up). Leases name the version
-- their caller knows; a stale caller gets nothing and reloads the key first.
ALTER TABLE "ApiKey" ADD COLUMN "limitsVersion" INTEGER NOT NULL DEFAULT 0;

-- Configuration: a key's rate limits (fixed windows aligned to multiples of the duration).
CREATE TABLE "ApiKeyRateLimit" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "keyId" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "limit" INTEGER NOT NULL,
    "durationMs" INTEGER NOT NULL,

    CONSTRAINT "ApiKeyRateLimit_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "ApiKeyRateLimit_limit_check" CHECK ("limit" >= 1),
    CONSTRAINT "ApiKeyRateLimit_durationMs_check" CHECK ("durationMs" BETWEEN 1000 AND 86400000)
);
CREATE UNIQUE INDEX "ApiKeyRateLimit_keyId_position_key" ON "ApiKeyRateLimit"("keyId", "position");
CREATE UNIQUE INDEX "ApiKeyRateLimit_keyId_name_key" ON "ApiKeyRateLimit"("keyId", "name");
ALTER TABLE "ApiKeyRateLimit" ADD CONSTRAINT "ApiKeyRateLimit_keyId_fkey" FOREIGN KEY ("keyId") REFERENCES "ApiKey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Configuration and pool of a key's credits. "remaining" is what no process holds: the credits
-- leased out are in "CreditLease". It may go below zero after an administrator sets a balance
-- smaller than what processes hold at that moment (see keydesk_credits_set).
CREATE TABLE "ApiKeyCredits" (
    "keyId" UUID NOT NULL,
    "remaining" BIGINT NOT NULL,
    "refillInterval" "CreditRefillInterval",
    "refillAmount" INTEGER,
    "refillDay" INTEGER,
    -- Index of the refill period "remaining" belongs to (0 without refill); lib/keys/limits/periods.ts.
    "period" BIGINT NOT NULL DEFAULT 0,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiKeyCredits_pkey" PRIMARY KEY ("keyId"),
    CONSTRAINT "ApiKeyCredits_refill_check" CHECK (
        ("refillInterval" IS NULL AND "refillAmount" IS NULL AND "refillDay" IS NULL)
        OR ("refillInterval" = 'daily' AND "refillAmount" >= 1 AND "refillDay" IS NULL)
        OR ("refillInterval" = 'monthly' AND "refillAmount" >= 1 AND "refillDay" BETWEEN 1 AND 31))
);
ALTER TABLE "ApiKeyCredits" ADD CONSTRAINT "ApiKeyCredits_keyId_fkey" FOREIGN KEY ("keyId") REFERENCES "ApiKey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- State: tokens of one fixed window handed out to processes ("granted" only ever grows within a
-- window, except by hand-backs of tokens nobody spent). One row per key, limit name and duration.
CREATE TABLE "RateLimitWindow" (
    "keyId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "durationMs" INTEGER NOT NULL,
    "windowStart" BIGINT NOT NULL,
    "granted" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "RateLimitWindow_pkey" PRIMARY KEY ("keyId", "name", "durationMs")
);
ALTER TABLE "RateLimitWindow" ADD CONSTRAINT "RateLimitWindow_keyId_fkey" FOREIGN KEY ("keyId") REFERENCES "ApiKey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- State: credits one process holds for one key ("outstanding" = kept + last grant). A lease lives
-- until "expiresAt" (database clock); the process stops spending it earlier by its own clock.
CREATE TABLE "CreditLease" (
    "keyId" UUID NOT NULL,
    "instanceId" UUID NOT NULL,
    "outstanding" BIGINT NOT NULL,
    "period" BIGINT NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "CreditLease_pkey" PRIMARY KEY ("keyId", "instanceId")
);
ALTER TABLE "CreditLease" ADD CONSTRAINT "CreditLease_keyId_fkey" FOREIGN KEY ("keyId") REFERENCES "ApiKeyCredits"("keyId") ON DELETE CASCADE ON UPDATE CASCADE;

-- Project defaults for keys created without limits of their own (validated by
-- lib/validations/limits.ts), and whether a key's own limits must stay within them.
ALTER TABLE "Project" ADD COLUMN "defaultRatelimits" JSONB NOT NULL DEFAULT '[]',
                      ADD COLUMN "defaultCredits" JSONB,
                      ADD COLUMN "capLimitsAtDefaults" BOOLEAN NOT NULL DEFAULT false,
                      ADD CONSTRAINT "Project_defaultRatelimits_check" CHECK (jsonb_typeof("defaultRatelimits") = 'array'),
                      ADD CONSTRAINT "Project_defaultCredits_check" CHECK ("defaultCredits" IS NULL OR jsonb_typeof("defaultCredits") = 'object');

-- The two new denials in the per-day counts.
ALTER TABLE "KeyUsageDaily" ADD COLUMN "rateLimited" INTEGER NOT NULL DEFAULT 0,
                            ADD COLUMN "usageExceeded" INTEGER NOT NULL DEFAULT 0;

-- Locks a key's credits row and applies a refill that is due: "remaining" becomes the refill
-- amount once per period, whenever the first reader of the new period comes (never skipped,
-- never twice). p_period is the period index at the caller's time under the key's current
-- configuration; callers must know that configuration is current (see keydesk_limits_lease).
-- Returns NULL when the key has no credits.
CREATE FUNCTION keydesk_credits_due(p_key UUID, p_period BIGINT) RETURNS "ApiKeyCredits"
LANGUAGE plpgsql AS $$
DECLARE
    c "ApiKeyCredits";
BEGIN
    SELECT * INTO c FROM "ApiKeyCredits" WHERE "keyId" = p_key FOR UPDATE;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    IF c."refillInterval" IS NOT NULL AND c."period" < p_period THEN
        UPDATE "ApiKeyCredits" SET "remaining" = c."refillAmount", "period" = p_period, "updatedAt" = clock_timestamp()
         WHERE "keyId" = p_key
        RETURNING * INTO c;
        -- Leases of earlier periods are void: their holders stop at the period's end.
        DELETE FROM "CreditLease" WHERE "keyId" = p_key AND "period" < p_period AND "period" <> -1;
    END IF;
    RETURN c;
END $$;

-- One lease for one key, in one statement: for each rate limit at least p_needs[i] tokens of the
-- window starting at p_windows[i] (or nothing), up to p_wants[i]; and at least p_credit_need
-- credits (or nothing), up to p_credit_want. All or nothing: if any need cannot be met, nothing
-- is granted anywhere. p_credit_keep is NULL when the credits are not part of the lease, else
-- what the caller still holds of them (it may spend those while this runs, so its lease records
-- kept + granted: an upper bound of what it can still spend). Returns what was granted and the
-- state after it:
--   used[i]          tokens of that window now handed out (all processes together)
--   credit_remaining credits no process holds
-- stale = true when p_version is not the key's current limits version: nothing is granted, the
-- caller must reload the key's configuration first (it changed, or the caller's cache is old).
-- Rows are locked in one order everywhere (credits, then windows), so leases, hand-backs and
-- administrative changes never deadlock one another.
CREATE FUNCTION keydesk_limits_lease(
    p_key UUID,
    p_version INTEGER,
    p_instance UUID,
    p_names TEXT[],
    p_durations INTEGER[],
    p_limits INTEGER[],
    p_windows BIGINT[],
    p_needs INTEGER[],
    p_wants INTEGER[],
    p_credit_need BIGINT,
    p_credit_want BIGINT,
    p_credit_keep BIGINT,
    p_period BIGINT,
    p_ttl_ms INTEGER
) RETURNS TABLE (stale BOOLEAN, granted INTEGER[], used INTEGER[], credit_granted BIGINT, credit_remaining BIGINT)
LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    n INTEGER := coalesce(array_length(p_names, 1), 0);
    with_credits BOOLEAN := p_credit_keep IS NOT NULL;
    v_version INTEGER;
    c "ApiKeyCredits";
    w RECORD;
    cur INTEGER;
    avail BIGINT;
    g BIGINT;
    ok BOOLEAN := true;
    v_used INTEGER[] := '{}';
    v_grant INTEGER[] := '{}';
    c_avail BIGINT := NULL;
    c_grant BIGINT := 0;
BEGIN
    -- The credits row first: an administrative change holds it while it bumps the version, so
    -- once we hold it, the version we read next is the one that goes with the credits we see.
    IF with_credits THEN
        PERFORM 1 FROM "ApiKeyCredits" WHERE "keyId" = p_key FOR UPDATE;
    END IF;
    SELECT "limitsVersion" INTO v_version FROM "ApiKey" WHERE "id" = p_key;
    IF v_version IS DISTINCT FROM p_version THEN
        RETURN QUERY SELECT true, NULL::INTEGER[], NULL::INTEGER[], 0::BIGINT, NULL::BIGINT;
        RETURN;
    END IF;
    IF with_credits THEN
        c := keydesk_credits_due(p_key, p_period);
        IF c."keyId" IS NULL THEN
            RETURN QUERY SELECT true, NULL::INTEGER[], NULL::INTEGER[], 0::BIGINT, NULL::BIGINT;
            RETURN;
        END IF;
    END IF;

    FOR i IN 1..n LOOP
        SELECT "windowStart", "granted" INTO w FROM "RateLimitWindow"
         WHERE "keyId" = p_key AND "name" = p_names[i] AND "durationMs" = p_durations[i] FOR UPDATE;
        IF NOT FOUND THEN
            INSERT INTO "RateLimitWindow" ("keyId", "name", "durationMs", "windowStart", "granted")
            VALUES (p_key, p_names[i], p_durations[i], p_windows[i], 0)
            ON CONFLICT DO NOTHING;
            SELECT "windowStart", "granted" INTO w FROM "RateLimitWindow"
             WHERE "keyId" = p_key AND "name" = p_names[i] AND "durationMs" = p_durations[i] FOR UPDATE;
        END IF;
        IF w."windowStart" < p_windows[i] THEN
            cur := 0;                 -- a new window begins
        ELSIF w."windowStart" > p_windows[i] THEN
            cur := p_limits[i];       -- the caller's clock is behind another's: nothing for it
        ELSE
            cur := w."granted";
        END IF;
        avail := greatest(0, p_limits[i] - cur);
        IF avail < p_needs[i] THEN
            ok := false;
            g := 0;
        ELSE
            -- At most half of what is left beyond the need, so that other processes find some.
            g := least(avail, p_wants[i], greatest(p_needs[i], ceil(avail / 2.0)::BIGINT));
        END IF;
        v_used := v_used || cur;
        v_grant := v_grant || g::INTEGER;
    END LOOP;

    IF with_credits THEN
        c_avail := CASE WHEN c."period" > p_period THEN 0 ELSE greatest(c."remaining", 0) END;
        IF c_avail < p_credit_need THEN
            ok := false;
        ELSE
            c_grant := least(c_avail, p_credit_want, greatest(p_credit_need, ceil(c_avail / 2.0)::BIGINT));
        END IF;
    END IF;

    IF NOT ok THEN
        RETURN QUERY SELECT false, array_fill(0, ARRAY[n]), v_used, 0::BIGINT,
                            CASE WHEN with_credits THEN greatest(c."remaining", 0) END;
        RETURN;
    END IF;

    FOR i IN 1..n LOOP
        IF v_grant[i] > 0 THEN
            UPDATE "RateLimitWindow" SET "windowStart" = p_windows[i], "granted" = v_used[i] + v_grant[i]
             WHERE "keyId" = p_key AND "name" = p_names[i] AND "durationMs" = p_durations[i];
            v_used[i] := v_used[i] + v_grant[i];
        END IF;
    END LOOP;

    IF with_credits THEN
        IF c_grant > 0 THEN
            UPDATE "ApiKeyCredits" SET "remaining" = "remaining" - c_grant WHERE "keyId" = p_key;
        END IF;
        INSERT INTO "CreditLease" ("keyId", "instanceId", "outstanding", "period", "expiresAt")
        VALUES (p_key, p_instance, p_credit_keep + c_grant, c."period", clock_timestamp() + make_interval(secs => p_ttl_ms / 1000.0))
        ON CONFLICT ("keyId", "instanceId") DO UPDATE
           SET "outstanding" = EXCLUDED."outstanding", "period" = EXCLUDED."period", "expiresAt" = EXCLUDED."expiresAt";
    END IF;

    RETURN QUERY SELECT false, v_grant, v_used, c_grant,
                        CASE WHEN with_credits THEN greatest(c."remaining" - c_grant, 0) END;
END $$;

-- Hands back tokens and credits a process holds and will not spend (it forgets them first). Never
-- retried by the caller: a hand-back lost on the way only means fewer admissions, never more.
-- Window tokens count only in the window they were granted for; credits only while the lease is
-- live and of the current period (an expired or superseded lease was already written off).
CREATE FUNCTION keydesk_limits_release(
    p_key UUID,
    p_instance UUID,
    p_names TEXT[],
    p_durations INTEGER[],
    p_windows BIGINT[],
    p_returns INTEGER[],
    p_credit_return BIGINT,
    p_period BIGINT
) RETURNS VOID
LANGUAGE plpgsql AS $$
DECLARE
    n INTEGER := coalesce(array_length(p_names, 1), 0);
    c_period BIGINT;
    h RECORD;
BEGIN
    IF p_credit_return IS NOT NULL THEN
        SELECT "period" INTO c_period FROM "ApiKeyCredits" WHERE "keyId" = p_key FOR UPDATE;
        DELETE FROM "CreditLease" WHERE "keyId" = p_key AND "instanceId" = p_instance
        RETURNING "outstanding", "period", "expiresAt" INTO h;
        IF FOUND AND h."expiresAt" > clock_timestamp() AND h."period" = c_period AND h."period" = p_period THEN
            UPDATE "ApiKeyCredits" SET "remaining" = "remaining" + least(greatest(p_credit_return, 0), h."outstanding")
             WHERE "keyId" = p_key;
        END IF;
    END IF;
    FOR i IN 1..n LOOP
        IF p_returns[i] > 0 THEN
            UPDATE "RateLimitWindow" SET "granted" = greatest(0, "granted" - p_returns[i])
             WHERE "keyId" = p_key AND "name" = p_names[i] AND "durationMs" = p_durations[i] AND "windowStart" = p_windows[i];
        END IF;
    END LOOP;
END $$;

-- Sets a key's credits to p_value, exactly: credits that processes hold right now may still be
-- spent, so they count against the new balance (the pool gets p_value minus what is held). What
-- holders later hand back returns to the pool, so nothing is lost when they do. p_period is the
-- current period under the configuration the key has from now on (the caller changes it in the
-- same transaction, after this call). Returns the new pool.
CREATE FUNCTION keydesk_credits_set(p_key UUID, p_value BIGINT, p_period BIGINT, p_new_period BIGINT) RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE
    c "ApiKeyCredits";
    held BIGINT;
BEGIN
    c := keydesk_credits_due(p_key, p_period);
    IF c."keyId" IS NULL THEN
        RETURN NULL;
    END IF;
    -- Leases marked -1 were taken under an earlier configuration (see below); they are live
    -- until they expire, so they still count.
    DELETE FROM "CreditLease"
     WHERE "keyId" = p_key AND ("expiresAt" <= clock_timestamp() OR "period" NOT IN (c."period", -1));
    SELECT coalesce(sum("outstanding"), 0) INTO held FROM "CreditLease" WHERE "keyId" = p_key;
    UPDATE "ApiKeyCredits" SET "remaining" = p_value - held, "period" = p_new_period, "updatedAt" = clock_timestamp()
     WHERE "keyId" = p_key;
    IF p_new_period <> c."period" THEN
        -- Holders' leases are of the old numbering now: their hand-backs are written off (they
        -- were already counted against the new balance), so no credit can be spent twice.
        UPDATE "CreditLease" SET "period" = -1 WHERE "keyId" = p_key;
    END IF;
    RETURN p_value - held;
END $$;

-- Adds p_amount credits (a top-up) after applying a refill that is due, so the refill cannot wipe
-- the top-up out a moment later. Returns the new pool.
CREATE FUNCTION keydesk_credits_add(p_key UUID, p_amount BIGINT, p_period BIGINT) RETURNS BIGINT
LANGUAGE plpgsql AS $$
DECLARE
    c "ApiKeyCredits";
BEGIN
    c := keydesk_credits_due(p_key, p_period);
    IF c."keyId" IS NULL THEN
        RETURN NULL;
    END IF;
    UPDATE "ApiKeyCredits" SET "remaining" = "remaining" + p_amount, "updatedAt" = clock_timestamp()
     WHERE "keyId" = p_key
    RETURNING "remaining" INTO c."remaining";
    RETURN c."remaining";
END $$;
