// Applies prisma/migrations/<timestamp>_<name>/migration.sql in name order. The Prisma CLI's
// schema engine is not available everywhere Keydesk runs, so we apply the hand-written SQL
// ourselves, keeping Prisma Migrate's bookkeeping (`_prisma_migrations`, same checksums, same
// advisory lock) so that `prisma migrate status/deploy` and this migrator can be mixed.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { withSessionLock } from "@/lib/db/locks";

export interface MigrateOptions {
  /** Defaults to prisma/migrations of this checkout. */
  migrationsDir?: string;
  log?: (msg: string) => void;
}

// Exactly Prisma's definition, so the table stays usable by the Prisma CLI.
const CREATE_BOOKKEEPING = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                  VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"            VARCHAR(64) NOT NULL,
    "finished_at"         TIMESTAMPTZ,
    "migration_name"      VARCHAR(255) NOT NULL,
    "logs"                TEXT,
    "rolled_back_at"      TIMESTAMPTZ,
    "started_at"          TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
}

function defaultMigrationsDir(): string {
  // Relative to this file rather than the working directory, so any cwd works.
  return fileURLToPath(new URL("../../prisma/migrations", import.meta.url));
}

export function readMigrations(dir: string): Migration[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const file = path.join(dir, name, "migration.sql");
      if (!fs.existsSync(file)) throw new Error(`Migration ${name} has no migration.sql (${file})`);
      const bytes = fs.readFileSync(file);
      // Prisma stores the hex SHA-256 of the file's bytes.
      return { name, sql: bytes.toString("utf8"), checksum: crypto.createHash("sha256").update(bytes).digest("hex") };
    });
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Apply every pending migration; returns the names applied by this call (in order). */
export async function migrate(connectionString: string, opts: MigrateOptions = {}): Promise<{ applied: string[] }> {
  const log = opts.log ?? (() => undefined);
  const migrations = readMigrations(opts.migrationsDir ?? defaultMigrationsDir());
  // One dedicated connection: a session-level advisory lock belongs to the connection holding it.
  const client = new pg.Client({ connectionString });
  client.on("error", () => undefined); // a dropped connection fails the pending query instead
  await client.connect();
  try {
    // Several instances may start at once: the lock serialises them, and whoever comes second
    // re-reads the table below and finds nothing left to do.
    return await withSessionLock(client, "migrate", () => applyPending(client, migrations, log));
  } finally {
    await client.end().catch(() => undefined);
  }
}

async function applyPending(client: pg.Client, migrations: Migration[], log: (msg: string) => void): Promise<{ applied: string[] }> {
  await client.query(CREATE_BOOKKEEPING);
  const { rows } = await client.query<AppliedRow>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at FROM "_prisma_migrations" ORDER BY started_at`,
  );

  const failed = rows.find((row) => row.finished_at === null && row.rolled_back_at === null);
  if (failed) {
    throw new Error(
      `Migration ${failed.migration_name} failed earlier and was never finished or rolled back. ` +
        `Repair the database by hand, then mark it rolled back (or resolved with prisma migrate resolve).`,
    );
  }
  // Rolled-back rows do not count: Prisma applies such a migration again.
  const applied = new Map(rows.filter((row) => row.finished_at !== null && row.rolled_back_at === null).map((row) => [row.migration_name, row]));
  const known = new Set(migrations.map((m) => m.name));
  for (const name of applied.keys()) {
    // Typically an older build started against a newer database; not fatal, but worth saying.
    if (!known.has(name)) log(`warning: migration ${name} is applied in the database but missing from this build`);
  }
  for (const migration of migrations) {
    const row = applied.get(migration.name);
    if (row && row.checksum !== migration.checksum) {
      throw new Error(
        `Migration ${migration.name} was modified after it was applied: its migration.sql file changed ` +
          `(checksum ${migration.checksum}, applied ${row.checksum}). Restore the original file and put changes in a new migration.`,
      );
    }
  }

  const done: string[] = [];
  for (const migration of migrations.filter((m) => !applied.has(m.name))) {
    log(`applying migration ${migration.name}`);
    // One transaction per migration, bookkeeping row included: it applies entirely or not at all.
    // (So migrations must not contain statements that refuse transactions, e.g. CREATE INDEX CONCURRENTLY.)
    await client.query("BEGIN");
    try {
      await client.query(migration.sql);
      await client.query(
        `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
         VALUES ($1, $2, $3, now(), clock_timestamp(), 1)`,
        [crypto.randomUUID(), migration.checksum, migration.name],
      );
      await client.query("COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      const message = error instanceof Error ? error.message : String(error);
      throw new Error(`Migration ${migration.name} failed and was rolled back: ${message}`, { cause: error });
    }
    done.push(migration.name);
  }
  return { applied: done };
}

/** Create database `name` unless it exists; `adminUrl` points at any database of that server. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl });
  client.on("error", () => undefined);
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (rowCount) return;
    await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
  } catch (error) {
    // Someone else created it between our check and CREATE: that is what we wanted.
    const code = (error as { code?: string }).code;
    if (code !== "42P04" && code !== "23505") throw error;
  } finally {
    await client.end().catch(() => undefined);
  }
}
