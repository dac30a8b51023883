// Where Keydesk's database comes from, and as whom it connects. Two connections, two roles:
//   - the OWNER runs migrations (and backups): the embedded server's superuser, or
//     KEYDESK_MIGRATION_DATABASE_URL (falling back to DATABASE_URL) for an external server;
//   - the APPLICATION (Prisma, the verification lookup pool, the LISTEN client) connects as
//     keydesk_app, which owns nothing and may only add to the audit log: on the embedded server
//     with a generated password kept in the data directory, on an external one as DATABASE_URL.
// docs/database.md describes both set-ups.
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { dataDir } from "@/lib/data-dir";
import { appRoleUrl, ensureAppLogin } from "@/lib/db/app-role";
import { startEmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { ensureDatabase, migrate } from "@/lib/db/migrator";
import { superviseEmbeddedPostgres, type SupervisorOptions } from "@/lib/db/supervisor";
import { ensureSecretFile, readSecretFile, writeSecretFile } from "@/lib/secret-file";

const DATABASE = "keydesk";

export interface ResolvedDatabase {
  /** What the running application connects as (keydesk_app, or DATABASE_URL as given). */
  appUrl: string;
  /** What migrations and backups connect as: the owner of the tables. */
  ownerUrl: string;
  /** Stops the embedded server (no-op for an external database). */
  stop: () => Promise<void>;
  embedded: boolean;
}

function portFromEnv(): number | undefined {
  const raw = process.env.KEYDESK_PG_PORT;
  if (!raw) return undefined;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`KEYDESK_PG_PORT must be a TCP port, got "${raw}"`);
  return port;
}

function runningFile(): string {
  return path.join(dataDir(), "postgres.running.json");
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The owner's URL of the embedded database a running Keydesk serves from this data directory, if any. */
export function runningEmbeddedUrl(): string | null {
  // A file others could read is refused (it holds the superuser's password), not taken for "not running".
  const text = readSecretFile(runningFile());
  if (text === null) return null;
  try {
    const { pid, url } = JSON.parse(text) as { pid: number; url: string };
    return isAlive(pid) ? url : null;
  } catch {
    return null;
  }
}

export interface ResolveDatabaseOptions {
  log?: (s: string) => void;
  /** Long-running processes (the server): restart the embedded PostgreSQL when it dies. */
  supervise?: SupervisorOptions;
}

/** The external database: DATABASE_URL for the application, KEYDESK_MIGRATION_DATABASE_URL (or the same) for the owner. */
function externalDatabase(): ResolvedDatabase | null {
  const appUrl = process.env.DATABASE_URL;
  const ownerUrl = process.env.KEYDESK_MIGRATION_DATABASE_URL;
  if (!appUrl) {
    if (ownerUrl) throw new Error("KEYDESK_MIGRATION_DATABASE_URL is set but DATABASE_URL is not: set both (docs/database.md)");
    return null;
  }
  return { appUrl, ownerUrl: ownerUrl || appUrl, stop: async () => undefined, embedded: false };
}

export async function resolveDatabase(opts: ResolveDatabaseOptions = {}): Promise<ResolvedDatabase> {
  const external = externalDatabase();
  if (external) return external;

  const log = opts.log ?? (() => undefined);
  const options = { dataDir: path.join(dataDir(), "postgres"), port: portFromEnv(), log };
  const server = opts.supervise ? await superviseEmbeddedPostgres(options, opts.supervise) : await startEmbeddedPostgres(options);
  let appUrl: string;
  const ownerUrl = server.url(DATABASE);
  try {
    await ensureDatabase(server.url(), DATABASE);
    // Generated once, mode 0600 beside the superuser's password; the role gets it again at every
    // start, so the file is the one source of truth.
    const { value: appPassword } = ensureSecretFile(path.join(dataDir(), "postgres-app-password"), () => randomBytes(24).toString("base64url"));
    await ensureAppLogin(server.url(), appPassword.trim());
    appUrl = appRoleUrl(ownerUrl, appPassword.trim());
  } catch (error) {
    await server.stop();
    throw error;
  }
  // lib/db.ts (and anything else in this process) reads DATABASE_URL.
  process.env.DATABASE_URL = appUrl;
  // Lets `npm run db:backup` reach the database (as its owner) while Keydesk is running.
  writeSecretFile(runningFile(), JSON.stringify({ pid: process.pid, url: ownerUrl }));
  const stop = async () => {
    fs.rmSync(runningFile(), { force: true });
    await server.stop();
    // The URL is dead now; a later resolveDatabase() must start the server again, not reuse it.
    if (process.env.DATABASE_URL === appUrl) delete process.env.DATABASE_URL;
  };
  return { appUrl, ownerUrl, stop, embedded: true };
}

/**
 * Applies pending migrations as the owner. A role that may not create or alter tables (the
 * application's role given as the only URL) gets told what to set instead of a bare
 * "permission denied".
 */
export async function migrateAsOwner(database: ResolvedDatabase, log: (s: string) => void): Promise<string[]> {
  try {
    return (await migrate(database.ownerUrl, { log })).applied;
  } catch (error) {
    const code = (error as { cause?: { code?: string } }).cause?.code ?? (error as { code?: string }).code;
    if (code !== "42501" || database.embedded) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(
      `${message}. The migrations need the tables' owner: set KEYDESK_MIGRATION_DATABASE_URL to the owner's URL ` +
        `(DATABASE_URL stays the application's role); see docs/database.md.`,
      { cause: error },
    );
  }
}
