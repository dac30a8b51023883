-- The request trail (issue 14): one row per verification of a known key and per management call,
-- written in batches by lib/trail/*, kept per project for "requestRetentionDays" days.
-- docs/request-trail.md explains the design; this file only says why each part is as it is.

-- AlterTable
ALTER TABLE "Project" ADD COLUMN     "requestRetentionDays" INTEGER NOT NULL DEFAULT 30,
ADD COLUMN     "logUnknownKeys" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "KeyRequestHourly" (
    "keyId" UUID NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "outcome" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "KeyRequestHourly_pkey" PRIMARY KEY ("keyId","hour","outcome")
);

-- CreateTable
CREATE TABLE "ProjectRequestHourly" (
    "projectId" UUID NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "outcome" TEXT NOT NULL,
    "count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "ProjectRequestHourly_pkey" PRIMARY KEY ("projectId","hour","outcome")
);

-- CreateTable
CREATE TABLE "KeyClientIp" (
    "keyId" UUID NOT NULL,
    "ip" INET NOT NULL,
    "firstSeenAt" TIMESTAMPTZ(3) NOT NULL,
    "lastSeenAt" TIMESTAMPTZ(3) NOT NULL,
    "newAt" TIMESTAMPTZ(3) NOT NULL,
    "requests" BIGINT NOT NULL DEFAULT 0,

    CONSTRAINT "KeyClientIp_pkey" PRIMARY KEY ("keyId","ip")
);

-- CreateTable
CREATE TABLE "RequestTrailGap" (
    "id" BIGSERIAL NOT NULL,
    "projectId" UUID NOT NULL,
    "firstAt" TIMESTAMPTZ(3) NOT NULL,
    "lastAt" TIMESTAMPTZ(3) NOT NULL,
    "events" INTEGER NOT NULL,
    "recordedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "RequestTrailGap_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "KeyClientIp_keyId_newAt_idx" ON "KeyClientIp"("keyId", "newAt");

-- CreateIndex
CREATE INDEX "RequestTrailGap_projectId_lastAt_idx" ON "RequestTrailGap"("projectId", "lastAt");

-- AddForeignKey
ALTER TABLE "KeyRequestHourly" ADD CONSTRAINT "KeyRequestHourly_keyId_fkey" FOREIGN KEY ("keyId") REFERENCES "ApiKey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProjectRequestHourly" ADD CONSTRAINT "ProjectRequestHourly_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "KeyClientIp" ADD CONSTRAINT "KeyClientIp_keyId_fkey" FOREIGN KEY ("keyId") REFERENCES "ApiKey"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "RequestTrailGap" ADD CONSTRAINT "RequestTrailGap_projectId_fkey" FOREIGN KEY ("projectId") REFERENCES "Project"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- ---------------------------------------------------------------------------------------------
-- Beyond the Prisma schema: everything below is invisible to Prisma (the model RequestEvent is
-- @@ignore'd there) and deliberate.
-- ---------------------------------------------------------------------------------------------

ALTER TABLE "Project" ADD CONSTRAINT "Project_requestRetentionDays_check" CHECK ("requestRetentionDays" BETWEEN 1 AND 400);

-- The events. Partitioned by project (LIST), each project's partition by UTC day (RANGE): a
-- project's retention is then always a whole-partition DROP, however the projects' retention
-- periods differ, and a query names its project or its days and touches only those partitions.
-- No primary key and no foreign keys: each would cost every insert an index probe or a lookup,
-- and events must outlive nothing they point at (keys are never deleted, only revoked). Order and
-- keyset paging use ("at", "id"); "id" comes from one sequence, so it is unique across partitions.
-- "path" is compared byte-wise (COLLATE "C"), so its B-tree serves prefix searches (LIKE 'x%').
CREATE TABLE "RequestEvent" (
    "id" BIGSERIAL NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL,
    "projectId" UUID NOT NULL,
    "keyId" UUID,
    "outcome" TEXT NOT NULL,
    "method" TEXT,
    "path" TEXT COLLATE "C",
    "ip" INET,
    "userAgent" TEXT,
    "requestId" TEXT,
    "matchedConstraint" TEXT
) PARTITION BY LIST ("projectId");

-- Three indexes per partition, each for a question the Requests page asks: newest first, one
-- key's requests, a path prefix (with the method checked inside the index). Every index costs
-- each insert, so there is deliberately no fourth; see docs/request-trail.md for the plans.
CREATE INDEX "RequestEvent_at_id_idx" ON "RequestEvent" ("at", "id");
CREATE INDEX "RequestEvent_keyId_at_id_idx" ON "RequestEvent" ("keyId", "at", "id");
CREATE INDEX "RequestEvent_path_method_idx" ON "RequestEvent" ("path", "method");

-- Partitions live in their own schema: the public schema keeps only the tables the Prisma schema
-- describes, and a listing of the application's tables is not drowned in days.
CREATE SCHEMA "keydesk_trail";

-- Creating and dropping partitions needs the table's owner. The application calls these two
-- functions instead, which run as their owner (the migrating role, SECURITY DEFINER): it needs
-- no DDL rights of its own, whichever role it connects as. Both take their bounds from the
-- database's own clock and the Project table, so a caller cannot make them drop recent days.
-- lock_timeout: DDL on a partition waits for queries on the table; rather than stall the writer
-- queued behind it, give up after a few seconds and try again on the next round.
CREATE FUNCTION "keydesk_trail_ensure_partitions"(p_project UUID, p_first DATE, p_last DATE)
RETURNS INTEGER
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, public
SET "TimeZone" = 'UTC'
SET "DateStyle" = 'ISO, YMD'
SET lock_timeout = '5s'
AS $$
DECLARE
    today DATE := (now() AT TIME ZONE 'UTC')::date;
    parent TEXT := 'RequestEvent_' || replace(p_project::text, '-', '');
    leaf TEXT;
    d DATE;
    created INTEGER := 0;
BEGIN
    IF p_project IS NULL OR p_first IS NULL OR p_last IS NULL OR p_last < p_first THEN
        RAISE EXCEPTION 'keydesk_trail_ensure_partitions: invalid arguments';
    END IF;
    IF p_first < today - 401 OR p_last > today + 31 OR p_last - p_first > 45 THEN
        RAISE EXCEPTION 'keydesk_trail_ensure_partitions: days % to % are out of range', p_first, p_last;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM public."Project" WHERE "id" = p_project) THEN
        RAISE EXCEPTION 'keydesk_trail_ensure_partitions: no project %', p_project;
    END IF;
    -- One creator at a time across processes: two sessions creating the same table collide.
    PERFORM pg_advisory_xact_lock(7301005); -- ADVISORY_LOCKS.trailPartitions (lib/db/locks.ts)
    IF to_regclass(format('keydesk_trail.%I', parent)) IS NULL THEN
        EXECUTE format('CREATE TABLE keydesk_trail.%I PARTITION OF public."RequestEvent" FOR VALUES IN (%L) PARTITION BY RANGE ("at")',
                       parent, p_project);
        created := created + 1;
    END IF;
    d := p_first;
    WHILE d <= p_last LOOP
        leaf := parent || '_' || to_char(d, 'YYYYMMDD');
        IF to_regclass(format('keydesk_trail.%I', leaf)) IS NULL THEN
            EXECUTE format('CREATE TABLE keydesk_trail.%I PARTITION OF keydesk_trail.%I FOR VALUES FROM (%L) TO (%L)',
                           leaf, parent, d::timestamp AT TIME ZONE 'UTC', (d + 1)::timestamp AT TIME ZONE 'UTC');
            created := created + 1;
        END IF;
        d := d + 1;
    END LOOP;
    RETURN created;
END;
$$;

-- Drops every day partition whose newest possible event is older than its project's retention
-- (so events are kept at least that many days and at most one more), and removes what the trail
-- derived from expired events: client addresses, drop notices and, after 31 days at the
-- earliest (the key page's chart spans 30), hourly counts. Returns the dropped partitions' names.
CREATE FUNCTION "keydesk_trail_apply_retention"()
RETURNS SETOF TEXT
LANGUAGE plpgsql
SECURITY DEFINER
SET search_path = pg_catalog, public
SET "TimeZone" = 'UTC'
SET lock_timeout = '5s'
AS $$
DECLARE
    expired RECORD;
BEGIN
    PERFORM pg_advisory_xact_lock(7301005); -- ADVISORY_LOCKS.trailPartitions (lib/db/locks.ts)
    FOR expired IN
        SELECT leaf.relname AS name
          FROM pg_inherits i
          JOIN pg_class leaf ON leaf.oid = i.inhrelid
          JOIN pg_class parent ON parent.oid = i.inhparent
          JOIN pg_namespace n ON n.oid = leaf.relnamespace
          LEFT JOIN public."Project" p ON 'RequestEvent_' || replace(p."id"::text, '-', '') = parent.relname
         WHERE n.nspname = 'keydesk_trail'
           AND leaf.relname ~ '^RequestEvent_[0-9a-f]{32}_[0-9]{8}$'
           AND (to_date(right(leaf.relname, 8), 'YYYYMMDD') + 1)::timestamp AT TIME ZONE 'UTC'
               <= now() - make_interval(days => COALESCE(p."requestRetentionDays", 30))
         ORDER BY leaf.relname
    LOOP
        EXECUTE format('DROP TABLE keydesk_trail.%I', expired.name);
        RETURN NEXT expired.name;
    END LOOP;

    DELETE FROM public."KeyClientIp" c USING public."ApiKey" k, public."Project" p
     WHERE c."keyId" = k."id" AND k."projectId" = p."id"
       AND c."lastSeenAt" < now() - make_interval(days => p."requestRetentionDays");
    DELETE FROM public."RequestTrailGap" g USING public."Project" p
     WHERE g."projectId" = p."id" AND g."lastAt" < now() - make_interval(days => p."requestRetentionDays");
    DELETE FROM public."KeyRequestHourly" h USING public."ApiKey" k, public."Project" p
     WHERE h."keyId" = k."id" AND k."projectId" = p."id"
       AND h."hour" < now() - make_interval(days => GREATEST(p."requestRetentionDays", 31));
    DELETE FROM public."ProjectRequestHourly" h USING public."Project" p
     WHERE h."projectId" = p."id" AND h."hour" < now() - make_interval(days => GREATEST(p."requestRetentionDays", 31));
    RETURN;
END;
$$;

-- Only the application may call them (functions are executable by everyone by default). When
-- Keydesk runs as the owner (no "keydesk_app" role, see docs/database.md) the owner may anyway.
REVOKE EXECUTE ON FUNCTION "keydesk_trail_ensure_partitions"(UUID, DATE, DATE) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION "keydesk_trail_apply_retention"() FROM PUBLIC;
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'keydesk_app') THEN
        GRANT EXECUTE ON FUNCTION "keydesk_trail_ensure_partitions"(UUID, DATE, DATE) TO keydesk_app;
        GRANT EXECUTE ON FUNCTION "keydesk_trail_apply_retention"() TO keydesk_app;
    END IF;
END
$$;
