// Where Keydesk's database comes from: DATABASE_URL when the operator provides one, otherwise a
// private PostgreSQL kept under the data directory, so that `npm start` works with no set-up.
import fs from "node:fs";
import path from "node:path";
import { startEmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { ensureDatabase } from "@/lib/db/migrator";
import { superviseEmbeddedPostgres, type SupervisorOptions } from "@/lib/db/supervisor";

const DATABASE = "keydesk";

export interface ResolvedDatabase {
  url: string;
  /** Stops the embedded server (no-op for an external database). */
  stop: () => Promise<void>;
  embedded: boolean;
}

/** Root of Keydesk's local state: KEYDESK_DATA_DIR, or .data in the working directory. */
export function dataDir(): string {
  const dir = path.resolve(process.env.KEYDESK_DATA_DIR ?? path.join(process.cwd(), ".data"));
  fs.mkdirSync(dir, { recursive: true });
  return dir;
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

/** The embedded database a running Keydesk serves from this data directory, if any. */
export function runningEmbeddedUrl(): string | null {
  try {
    const { pid, url } = JSON.parse(fs.readFileSync(runningFile(), "utf8")) as { pid: number; url: string };
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

export async function resolveDatabase(opts: ResolveDatabaseOptions = {}): Promise<ResolvedDatabase> {
  const external = process.env.DATABASE_URL;
  if (external) return { url: external, stop: async () => undefined, embedded: false };

  const log = opts.log ?? (() => undefined);
  const options = { dataDir: path.join(dataDir(), "postgres"), port: portFromEnv(), log };
  const server = opts.supervise ? await superviseEmbeddedPostgres(options, opts.supervise) : await startEmbeddedPostgres(options);
  try {
    await ensureDatabase(server.url(), DATABASE);
  } catch (error) {
    await server.stop();
    throw error;
  }
  const url = server.url(DATABASE);
  // lib/db.ts (and anything else in this process) reads DATABASE_URL.
  process.env.DATABASE_URL = url;
  // Lets `npm run db:backup` reach the database while Keydesk is running. Mode 0600: it holds
  // the same password as the password file beside the data directory.
  fs.writeFileSync(runningFile(), JSON.stringify({ pid: process.pid, url }), { mode: 0o600 });
  const stop = async () => {
    fs.rmSync(runningFile(), { force: true });
    await server.stop();
    // The URL is dead now; a later resolveDatabase() must start the server again, not reuse it.
    if (process.env.DATABASE_URL === url) delete process.env.DATABASE_URL;
  };
  return { url, stop, embedded: true };
}
