// The application runs as keydesk_app (lib/db/app-role.ts, migration 20261201000300_app_role):
// enough for everything Keydesk does, and not enough to rewrite the audit log — it cannot UPDATE,
// DELETE or TRUNCATE events, nor disable the append-only trigger, because it owns nothing. This
// whole file runs the application code as that role, as production does.
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { recordAudit } from "@/lib/audit";
import { db } from "@/lib/db";
import { inspectAppConnection, judgeAppConnection } from "@/lib/db/app-role";
import { migrateAsOwner } from "@/lib/db/runtime";
import { flushUsage, recordUsage } from "@/lib/keys/usage";
import { verifyKey } from "@/lib/keys/verify";
import { createApiKey, revokeApiKey, rollApiKey } from "@/lib/services/api-keys";
import { auditCsvChunks, recordAuditExport } from "@/lib/services/audit-export";
import { verifyAuditChain } from "@/lib/services/audit-log";
import { archiveProject, createProject } from "@/lib/services/projects";
import { claimSignInAttempt, clearSignInThrottle } from "@/lib/services/sign-in-throttle";
import { changeUserRole, createUser, deactivateUser } from "@/lib/services/users";
import { appUrl, createFreshDatabase, withClient } from "./support/db";
import { context, seedBase, userActor } from "./support/fixtures";

const ownerUrl = process.env.DATABASE_URL!;
// Before anything uses lib/db (it reads DATABASE_URL on first use): the app connects as keydesk_app.
process.env.DATABASE_URL = appUrl();

beforeAll(async () => {
  await seedBase();
});

/** Runs `sql` as the application role; resolves to the error message, or "ok". */
async function asApp(sql: string): Promise<string> {
  return withClient(appUrl(), (client) => client.query(sql)).then(
    () => "ok",
    (error: Error) => error.message,
  );
}

describe("the application role", () => {
  it("does everything the application does", async () => {
    const { admin, project } = await seedBase();
    const actor = userActor(admin);
    const other = await createProject(actor, { name: "Role test", keyPrefix: "roletest", maxLifetimeDays: null, allowNoExpiry: true }, context);
    const key = await createApiKey(actor, { projectId: project.id, name: "Role key", expiry: "30d" }, context);
    const rolled = await rollApiKey(actor, { keyId: key.publicId, grace: "24h" }, context);
    await revokeApiKey(actor, { keyId: rolled.key.publicId }, context);
    const created = await createUser(actor, { email: "role-person@example.com", name: "Role Person", role: "viewer", method: "password" }, context);
    await changeUserRole(actor, { userId: created.id, role: "manager" }, context);
    await deactivateUser(actor, { userId: created.id }, context);
    await archiveProject(actor, { projectId: other.id }, context);

    // Verification (the lookup pool), usage counters, sign-in throttling.
    await expect(verifyKey({ key: key.secret, project: project.slug, method: "GET", path: "/" })).resolves.toMatchObject({ status: 200, body: { valid: true } });
    recordUsage(key.id, "VALID");
    await expect(flushUsage()).resolves.toBeGreaterThanOrEqual(1);
    await expect(claimSignInAttempt(["email:role@example.com", "ip:192.0.2.7"])).resolves.toMatchObject({ allowed: true });
    await db.$transaction((tx) => clearSignInThrottle(tx, ["email:role@example.com", "ip:192.0.2.7"]));

    // The audit log: written, exported, verified.
    await recordAuditExport(admin, {}, context);
    let csv = "";
    for await (const chunk of auditCsvChunks({})) csv += chunk;
    expect(csv).toContain("audit.exported");
    await expect(verifyAuditChain()).resolves.toMatchObject({ intact: true });
  });

  it("cannot change, delete or truncate audit events, nor switch off the append-only trigger", async () => {
    await db.$transaction((tx) => recordAudit(tx, { actor: { type: "system" }, action: "test.role", summary: "Protected" }));
    const before = await db.auditEvent.count();
    expect(await asApp(`UPDATE "AuditEvent" SET "summary" = 'rewritten'`)).toBe("permission denied for table AuditEvent");
    expect(await asApp(`DELETE FROM "AuditEvent"`)).toBe("permission denied for table AuditEvent");
    expect(await asApp(`TRUNCATE "AuditEvent"`)).toBe("permission denied for table AuditEvent");
    const notOwner = /^must be owner of (table|relation) AuditEvent$/;
    expect(await asApp(`ALTER TABLE "AuditEvent" DISABLE TRIGGER USER`)).toMatch(notOwner);
    expect(await asApp(`ALTER TABLE "AuditEvent" DISABLE TRIGGER "AuditEvent_append_only"`)).toMatch(notOwner);
    expect(await asApp(`DROP TRIGGER "AuditEvent_append_only" ON "AuditEvent"`)).toMatch(notOwner);
    expect(await asApp(`DROP TABLE "AuditEvent"`)).toMatch(notOwner);
    expect(await asApp(`CREATE OR REPLACE FUNCTION "AuditEvent_reject_change"() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`)).toMatch(
      /^(permission denied for schema public|must be owner of function AuditEvent_reject_change)$/,
    );
    expect(await asApp(`SET session_replication_role = replica`)).toBe('permission denied to set parameter "session_replication_role"');
    expect(await asApp(`SELECT * FROM "_prisma_migrations"`)).toBe("permission denied for table _prisma_migrations");
    expect(await db.auditEvent.count()).toBe(before);
    expect(await db.auditEvent.count({ where: { summary: "rewritten" } })).toBe(0);
  });

  it("is what start-up accepts, while the owner connection is flagged loudly", async () => {
    const app = await inspectAppConnection(appUrl());
    expect(app).toMatchObject({ role: "keydesk_app", superuser: false, ownsAuditTable: false, auditExtras: [], canAppendAudit: true, unreadable: [] });
    expect(judgeAppConnection(app)).toEqual({ fatal: null, warning: null });

    const owner = judgeAppConnection(await inspectAppConnection(ownerUrl));
    expect(owner.fatal).toBeNull();
    expect(owner.warning).toMatch(/is a superuser.*change or delete audit events/);
  });
});

describe("an external database's application login (docs/database.md)", () => {
  it("is refused until it is a member of keydesk_app, and then accepted without warning", async () => {
    const name = `keydesk_test_login_${process.pid}`;
    const password = "test-login-password-1";
    await withClient(ownerUrl, (client) => client.query(`CREATE ROLE ${name} LOGIN PASSWORD '${password}'`));
    try {
      const url = new URL(ownerUrl);
      url.username = name;
      url.password = password;
      const before = judgeAppConnection(await inspectAppConnection(url.toString()));
      expect(before.fatal).toContain(`GRANT keydesk_app TO "${name}"`);

      await withClient(ownerUrl, (client) => client.query(`GRANT keydesk_app TO ${name}`));
      expect(judgeAppConnection(await inspectAppConnection(url.toString()))).toEqual({ fatal: null, warning: null });
      const denied = await withClient(url.toString(), (client) => client.query(`DELETE FROM "AuditEvent"`)).catch((error: Error) => error.message);
      expect(denied).toBe("permission denied for table AuditEvent");
    } finally {
      await withClient(ownerUrl, (client) => client.query(`DROP ROLE IF EXISTS ${name}`));
    }
  });

  it("cannot run migrations, and says which URL to set instead", async () => {
    const fresh = await createFreshDatabase({ migrated: false });
    try {
      const url = appUrl(fresh.name);
      await expect(migrateAsOwner({ appUrl: url, ownerUrl: url, embedded: false, stop: async () => undefined }, () => undefined)).rejects.toThrow(
        /permission denied.*set KEYDESK_MIGRATION_DATABASE_URL to the owner's URL/,
      );
    } finally {
      await fresh.drop();
    }
  });
});

describe("tables added by later migrations (docs/database.md)", () => {
  /** Runs `sql` as the owner, as a migration would. */
  const asOwner = (sql: string) => withClient(ownerUrl, (client) => client.query(sql));

  it("get the application's privileges by default, and an append-only table can take them back", async () => {
    await asOwner(`CREATE TABLE "LaterTable" ("id" BIGSERIAL PRIMARY KEY, "note" TEXT NOT NULL)`);
    expect(await asApp(`INSERT INTO "LaterTable" ("note") VALUES ('a')`)).toBe("ok");
    expect(await asApp(`UPDATE "LaterTable" SET "note" = 'b'`)).toBe("ok");
    expect(await asApp(`DELETE FROM "LaterTable"`)).toBe("ok");
    expect(await asApp(`TRUNCATE "LaterTable"`)).toBe("permission denied for table LaterTable");

    // The append-only snippet from docs/database.md, verbatim.
    await asOwner(`CREATE TABLE "LaterLog" ("id" BIGSERIAL PRIMARY KEY, "note" TEXT NOT NULL)`);
    await asOwner(`DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'keydesk_app') THEN
        REVOKE UPDATE, DELETE, TRUNCATE ON "LaterLog" FROM keydesk_app;
    END IF;
END
$$;`);
    expect(await asApp(`INSERT INTO "LaterLog" ("note") VALUES ('a')`)).toBe("ok");
    expect(await asApp(`UPDATE "LaterLog" SET "note" = 'b'`)).toBe("permission denied for table LaterLog");
    expect(await asApp(`DELETE FROM "LaterLog"`)).toBe("permission denied for table LaterLog");
  });

  it("partitioned: the application creates and drops partitions only through the owner's SECURITY DEFINER function", async () => {
    // The pattern docs/database.md gives for retention by partition, verbatim.
    await asOwner(`CREATE TABLE "LaterEvents" ("at" TIMESTAMPTZ NOT NULL, "note" TEXT NOT NULL) PARTITION BY RANGE ("at")`);
    await asOwner(`CREATE FUNCTION "LaterEvents_manage_partition"(day date, keep boolean) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $$
DECLARE
    partition text := format('LaterEvents_%s', to_char(day, 'YYYYMMDD'));
    target_schema text := 'public';
BEGIN
    IF keep THEN
        EXECUTE format('CREATE TABLE IF NOT EXISTS %I.%I PARTITION OF %I.%I FOR VALUES FROM (%L) TO (%L)',
                       target_schema, partition, target_schema, 'LaterEvents', day, day + 1);
    ELSE
        EXECUTE format('DROP TABLE IF EXISTS %I.%I', target_schema, partition);
    END IF;
END
$$;
REVOKE ALL ON FUNCTION "LaterEvents_manage_partition"(date, boolean) FROM PUBLIC;
DO $$
BEGIN
    IF EXISTS (SELECT FROM pg_roles WHERE rolname = 'keydesk_app') THEN
        GRANT EXECUTE ON FUNCTION "LaterEvents_manage_partition"(date, boolean) TO keydesk_app;
    END IF;
END
$$;`);
    // Refused: PostgreSQL 15+ lets no one but the owner create in the schema; older ones want the parent's owner.
    expect(await asApp(`CREATE TABLE "LaterEvents_20260101" PARTITION OF "LaterEvents" FOR VALUES FROM ('2026-01-01') TO ('2026-01-02')`)).toMatch(
      /^(permission denied for schema public|must be owner of table LaterEvents)$/,
    );
    expect(await asApp(`SELECT "LaterEvents_manage_partition"('2026-01-01', true)`)).toBe("ok");
    expect(await asApp(`INSERT INTO "LaterEvents" VALUES ('2026-01-01T10:00:00Z', 'kept')`)).toBe("ok");
    expect(await asApp(`SELECT "LaterEvents_manage_partition"('2026-01-01', false)`)).toBe("ok");
    const remaining = await withClient(ownerUrl, async (client: pg.Client) => (await client.query(`SELECT count(*)::int AS n FROM "LaterEvents"`)).rows);
    expect(remaining).toEqual([{ n: 0 }]);
  });
});
