// lib/db/migrator.ts against a real PostgreSQL: Prisma-compatible bookkeeping, idempotence,
// refusal of edited migrations, concurrent start-ups, and all-or-nothing failures.
import crypto from "node:crypto";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { ensureDatabase, migrate } from "@/lib/db/migrator";
import { adminUrl, createFreshDatabase, withClient, type TestDatabase } from "./support/db";

const MIGRATIONS = fileURLToPath(new URL("../prisma/migrations", import.meta.url));
const INIT = "20261122000000_init";
const MODEL_TABLES = ["ApiKey", "ApiKeyConstraint", "AuditEvent", "KeyUsageDaily", "Project", "SignInThrottle", "User", "UserInvite"];

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

async function emptyDatabase(): Promise<TestDatabase> {
  const database = await createFreshDatabase({ migrated: false, prefix: "migrator" });
  cleanups.push(database.drop);
  return database;
}

/** A private copy of prisma/migrations plus `extra` migrations (name → SQL). */
async function migrationsCopy(extra: Record<string, string> = {}): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "keydesk-migrations-"));
  cleanups.push(() => fs.rm(dir, { recursive: true, force: true }));
  await fs.cp(MIGRATIONS, dir, { recursive: true });
  for (const [name, sql] of Object.entries(extra)) await writeMigration(dir, name, sql);
  return dir;
}

async function writeMigration(dir: string, name: string, sql: string): Promise<void> {
  await fs.mkdir(path.join(dir, name), { recursive: true });
  await fs.writeFile(path.join(dir, name, "migration.sql"), sql);
}

async function migrationNames(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
}

interface BookkeepingRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
}

async function bookkeeping(url: string): Promise<BookkeepingRow[]> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<BookkeepingRow>(
      `SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    return rows;
  });
}

async function tables(url: string): Promise<string[]> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
    );
    return rows.map((r) => r.table_name);
  });
}

describe("migrate", () => {
  it("applies every migration to an empty database and records it as Prisma does", async () => {
    const database = await emptyDatabase();
    const names = await migrationNames(MIGRATIONS);
    expect(names).toContain(INIT);

    const logged: string[] = [];
    const { applied } = await migrate(database.url, { migrationsDir: MIGRATIONS, log: (m) => logged.push(m) });
    expect(applied).toEqual(names);
    expect(logged).toContain(`applying migration ${INIT}`);
    expect(await tables(database.url)).toEqual(expect.arrayContaining([...MODEL_TABLES, "_prisma_migrations"]));

    const rows = await bookkeeping(database.url);
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    for (const row of rows) {
      const bytes = await fs.readFile(path.join(MIGRATIONS, row.migration_name, "migration.sql"));
      expect(row.checksum).toBe(crypto.createHash("sha256").update(bytes).digest("hex"));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }

    // The bookkeeping table has Prisma's exact shape, so the Prisma CLI can read it.
    const columns = await withClient(database.url, async (client) => {
      const { rows: cols } = await client.query<{ column_name: string; data_type: string; is_nullable: string; character_maximum_length: number | null }>(
        `SELECT column_name, data_type, is_nullable, character_maximum_length FROM information_schema.columns
          WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
      );
      return cols.map((c) => `${c.column_name} ${c.data_type}${c.character_maximum_length ? `(${c.character_maximum_length})` : ""}${c.is_nullable === "NO" ? " NOT NULL" : ""}`);
    });
    expect(columns).toEqual([
      "id character varying(36) NOT NULL",
      "checksum character varying(64) NOT NULL",
      "finished_at timestamp with time zone",
      "migration_name character varying(255) NOT NULL",
      "logs text",
      "rolled_back_at timestamp with time zone",
      "started_at timestamp with time zone NOT NULL",
      "applied_steps_count integer NOT NULL",
    ]);

    // Idempotent: a second run finds nothing to do and records nothing.
    expect(await migrate(database.url, { migrationsDir: MIGRATIONS })).toEqual({ applied: [] });
    expect(await bookkeeping(database.url)).toHaveLength(names.length);
  });

  it("defaults to prisma/migrations of this checkout", async () => {
    const database = await emptyDatabase();
    expect((await migrate(database.url)).applied).toEqual(await migrationNames(MIGRATIONS));
  });

  it("refuses to start when an applied migration's file has changed", async () => {
    const database = await emptyDatabase();
    const dir = await migrationsCopy();
    await migrate(database.url, { migrationsDir: dir });
    await fs.appendFile(path.join(dir, INIT, "migration.sql"), "\n-- an innocent-looking edit\n");

    const failure = migrate(database.url, { migrationsDir: dir });
    await expect(failure).rejects.toThrow(INIT);
    await expect(failure).rejects.toThrow(/changed/);
  });

  it("applies each migration exactly once when several instances start at the same time", async () => {
    const database = await emptyDatabase();
    const dir = await migrationsCopy({
      // Slow enough that the racers really overlap.
      "20261123000000_second": `SELECT pg_sleep(0.3); CREATE TABLE "Extra" ("id" INTEGER NOT NULL);`,
      "20261124000000_third": `INSERT INTO "Extra" VALUES (1);`,
    });
    const names = await migrationNames(dir);

    const results = await Promise.all([1, 2, 3].map(() => migrate(database.url, { migrationsDir: dir })));
    expect(results.flatMap((r) => r.applied).sort()).toEqual(names);
    const rows = await bookkeeping(database.url);
    expect(rows.map((r) => r.migration_name)).toEqual(names);
    const extraRows = await withClient(database.url, async (client) => (await client.query(`SELECT count(*)::int AS n FROM "Extra"`)).rows);
    expect(extraRows).toEqual([{ n: 1 }]);
  });

  it("rolls a failing migration back completely and applies it once fixed", async () => {
    const database = await emptyDatabase();
    // Sorts after every real migration, whichever exist by now.
    const broken = "29991231000000_broken";
    const dir = await migrationsCopy({
      [broken]: `CREATE TABLE "Half" ("id" INTEGER NOT NULL); INSERT INTO "Half" VALUES (1); SELECT 1 / 0;`,
    });

    const failure = migrate(database.url, { migrationsDir: dir });
    await expect(failure).rejects.toThrow(broken);
    await expect(failure).rejects.toThrow(/division by zero/);
    // The earlier migrations stay applied; nothing of the broken one remains.
    expect((await bookkeeping(database.url)).map((r) => r.migration_name)).toEqual(await migrationNames(MIGRATIONS));
    expect(await tables(database.url)).not.toContain("Half");

    await writeMigration(dir, broken, `CREATE TABLE "Half" ("id" INTEGER NOT NULL);`);
    expect(await migrate(database.url, { migrationsDir: dir })).toEqual({ applied: [broken] });
    expect(await tables(database.url)).toContain("Half");
  });

  it("refuses to run past a migration that failed earlier (e.g. under prisma migrate deploy)", async () => {
    const database = await emptyDatabase();
    await migrate(database.url, { migrationsDir: MIGRATIONS });
    await withClient(database.url, (client) =>
      client.query(`INSERT INTO "_prisma_migrations" (id, checksum, migration_name) VALUES ($1, $2, '20261125000000_half_done')`, [
        crypto.randomUUID(),
        "0".repeat(64),
      ]),
    );
    await expect(migrate(database.url, { migrationsDir: MIGRATIONS })).rejects.toThrow(/20261125000000_half_done.*failed earlier/);
  });

  it("releases its advisory lock even when it fails", async () => {
    const database = await emptyDatabase();
    const dir = await migrationsCopy({ "20261123000000_broken": "SELECT 1 / 0;" });
    await expect(migrate(database.url, { migrationsDir: dir })).rejects.toThrow();
    const held = await withClient(database.url, async (client) =>
      (await client.query(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND objid = 72707369`)).rows,
    );
    expect(held).toEqual([{ n: 0 }]);
  });
});

describe("ensureDatabase", () => {
  it("creates a missing database and leaves an existing one alone", async () => {
    const name = `ensure_${process.pid}_${crypto.randomBytes(3).toString("hex")}`;
    cleanups.push(() => withClient(adminUrl(), (client) => client.query(`DROP DATABASE IF EXISTS "${name}"`)));
    await Promise.all([ensureDatabase(adminUrl(), name), ensureDatabase(adminUrl(), name)]);
    await ensureDatabase(adminUrl(), name);
    const rows = await withClient(adminUrl(), async (client) => (await client.query("SELECT datname FROM pg_database WHERE datname = $1", [name])).rows);
    expect(rows).toEqual([{ datname: name }]);
  });
});
