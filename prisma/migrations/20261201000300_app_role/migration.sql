-- The application runs as "keydesk_app", a role that owns nothing; migrations keep running as the
-- owner of the tables. Owning a table is what allows ALTER TABLE … DISABLE TRIGGER, so the role
-- the web server connects as must not: with only SELECT and INSERT on "AuditEvent", its
-- credentials cannot change or remove audit events, whatever a bug or an intruder sends.
-- docs/database.md describes the model and what later migrations do for special tables.
--
-- The embedded PostgreSQL (and the test server) create "keydesk_app" as a login role before the
-- migrations run (lib/db/app-role.ts). On an external server the migrating role creates it here,
-- without LOGIN: the operator gives a login role membership in it (or makes it a login), see
-- docs/database.md. A migrating role that may not create roles (no CREATEROLE) skips all of this
-- with a notice, and Keydesk keeps working as before, warning at every start that it runs as the
-- owner.
DO $$
DECLARE
    target_schema text := current_schema();
BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'keydesk_app') THEN
        BEGIN
            CREATE ROLE keydesk_app NOLOGIN;
        EXCEPTION
            WHEN insufficient_privilege THEN
                RAISE NOTICE 'role keydesk_app cannot be created by %, so Keydesk keeps running as the owner; see docs/database.md', current_user;
                RETURN;
            WHEN duplicate_object OR unique_violation THEN
                NULL; -- another database on this server created it at the same moment
        END;
    END IF;

    -- Every table the application uses: rows only. No TRUNCATE, REFERENCES or TRIGGER anywhere.
    EXECUTE format('GRANT USAGE ON SCHEMA %I TO keydesk_app', target_schema);
    EXECUTE format('GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA %I TO keydesk_app', target_schema);
    EXECUTE format('GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA %I TO keydesk_app', target_schema);

    -- Tables and sequences that later migrations create (as this same owner) get the same grants
    -- automatically; a table that must differ says so in its own migration (docs/database.md).
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO keydesk_app', target_schema);
    EXECUTE format('ALTER DEFAULT PRIVILEGES IN SCHEMA %I GRANT USAGE, SELECT ON SEQUENCES TO keydesk_app', target_schema);

    -- Migration bookkeeping is the owner's business alone.
    REVOKE ALL ON "_prisma_migrations" FROM keydesk_app;

    -- The audit log is append-only for the application: read and add, nothing else.
    REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON "AuditEvent" FROM keydesk_app;
END
$$;
