// What `npm run bench` (bench/run.ts) and `npm run bench:soak` (bench/soak.ts) share: the
// entrypoint around main() (logging, stopping everything the run started on every path out, Ctrl-C
// included, and writing the results JSON and the docs page), the production build, the fresh
// embedded PostgreSQL each run starts, the server's bench-only stats route and the machine record.
import { spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { appRoleUrl, ensureAppLogin } from "@/lib/db/app-role";
import { sleep } from "@/bench/http";
import { startEmbeddedPostgres, type EmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { ensureDatabase, migrate } from "@/lib/db/migrator";
import type { ServerHandle } from "@/bench/server";
import type { KeyCacheStats } from "@/lib/keys/key-cache";
import type { KeyCacheWarmStats } from "@/lib/keys/key-cache-warm";
import type { KeyIndexStats } from "@/lib/keys/key-index";
import type { LimiterStats } from "@/lib/keys/limits/limiter";
import type { UsageStats } from "@/lib/keys/usage";

export const root = path.resolve(import.meta.dirname, "..");

export function envNumber(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

export interface Harness {
  /** Date.now() when the run began. */
  started: number;
  /** A console line prefixed with the run's name and the seconds since it began. */
  log: (message: string) => void;
  /** 1-minute load averages: how busy the shared machine was while we measured. */
  loadAverages: number[];
  sampleLoad: () => void;
  /** Registers something this run started; cleanup() stops everything in reverse order. */
  onCleanup: (name: string, run: () => Promise<void>) => void;
  cleanup: () => Promise<void>;
  /** Set by runEntrypoint() on Ctrl-C (SIGINT) or SIGTERM. */
  interrupted: boolean;
}

export function createHarness(name: "bench" | "soak"): Harness {
  const started = Date.now();
  const log = (message: string) => {
    const seconds = ((Date.now() - started) / 1000).toFixed(0).padStart(4);
    process.stdout.write(`[${name} ${seconds}s] ${message}\n`);
  };
  const loadAverages: number[] = [];
  const cleanups: { name: string; run: () => Promise<void> }[] = [];
  const stopAll = async () => {
    while (cleanups.length) {
      const next = cleanups.pop();
      if (!next) break;
      try {
        await next.run();
      } catch (error) {
        log(`stopping ${next.name} failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  };
  // Once only: a Ctrl-C during a failure's clean-up must not stop things twice, or out of order.
  let cleaning: Promise<void> | undefined;
  return {
    started,
    log,
    loadAverages,
    sampleLoad: () => void loadAverages.push(Math.round((os.loadavg()[0] ?? 0) * 100) / 100),
    onCleanup: (what, run) => void cleanups.push({ name: what, run }),
    cleanup: () => (cleaning ??= stopAll()),
    interrupted: false,
  };
}

export interface EntrypointOptions<R> {
  /** Relative to the repository, e.g. "bench/results.json". */
  resultsFile: string;
  docsFile: string;
  /** Skip the docs page (BENCH_NO_DOCS=1, SOAK_NO_DOCS=1). */
  noDocs: boolean;
  renderMarkdown: (results: R) => string;
  renderConsole: (results: R) => string;
  /** Appended to the last line, and the exit code; without it "" and 0. */
  verdict?: (results: R) => { note: string; exitCode: number };
  /** What ran when main() returns null (nothing is written then). */
  nothingWritten?: string;
  /** On Ctrl-C and on failure, before anything is stopped: lets running loops finish. */
  onStop?: () => void;
  /** More to print when the run fails, e.g. the servers' last log lines. */
  failureDetail?: () => string;
}

/**
 * Runs `main`, writes its results and exits; stops everything registered with onCleanup() on
 * every path out: success, failure and Ctrl-C (exit code 130).
 */
export function runEntrypoint<R extends { durationSec: number }>(h: Harness, main: () => Promise<R | null>, options: EntrypointOptions<R>): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => {
      if (h.interrupted) return;
      h.interrupted = true;
      options.onStop?.();
      h.log(`${signal}: stopping everything this run started`);
      void h.cleanup().finally(() => process.exit(130));
    });
  }

  main()
    .then(async (results) => {
      await h.cleanup();
      if (results === null) {
        h.log(`${options.nothingWritten ?? "main() returned nothing"}: nothing written (${Math.round((Date.now() - h.started) / 1000)} s in all)`);
        process.exit(0);
      }
      results.durationSec = Math.round((Date.now() - h.started) / 1000);
      fs.writeFileSync(path.join(root, options.resultsFile), `${JSON.stringify(results, null, 2)}\n`);
      if (!options.noDocs) {
        fs.mkdirSync(path.join(root, path.dirname(options.docsFile)), { recursive: true });
        fs.writeFileSync(path.join(root, options.docsFile), options.renderMarkdown(results));
      }
      process.stdout.write(`\n${options.renderConsole(results)}\n`);
      const { note, exitCode } = options.verdict?.(results) ?? { note: "", exitCode: 0 };
      h.log(`wrote ${options.resultsFile}${options.noDocs ? "" : ` and ${options.docsFile}`} (${results.durationSec} s in all)${note}`);
      process.exit(exitCode);
    })
    .catch(async (error: unknown) => {
      options.onStop?.();
      // After Ctrl-C the signal handler is already stopping everything, and exits with 130.
      if (h.interrupted) return;
      h.log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      const detail = options.failureDetail?.() ?? "";
      if (detail) process.stdout.write(`${detail}\n`);
      await h.cleanup();
      process.exit(1);
    });
}

/**
 * scripts/build-if-needed.mjs, into `distDir` (without one: KEYDESK_DIST_DIR, else .next). Next
 * rewrites tsconfig.json's includes for a custom distDir; the checkout must not change.
 */
export function build(distDir?: string): void {
  const tsconfigPath = path.join(root, "tsconfig.json");
  const tsconfig = fs.readFileSync(tsconfigPath, "utf8");
  const result = spawnSync(process.execPath, [path.join(root, "scripts/build-if-needed.mjs")], {
    cwd: root,
    stdio: "inherit",
    ...(distDir ? { env: { ...process.env, KEYDESK_DIST_DIR: distDir } } : {}),
  });
  if (fs.readFileSync(tsconfigPath, "utf8") !== tsconfig) fs.writeFileSync(tsconfigPath, tsconfig);
  if (result.status !== 0) throw new Error(`build failed (exit ${result.status ?? result.signal})`);
}

/** Where a run keeps its database and the servers' logs; removed by cleanup(). */
export function makeTmpDir(h: Harness, prefix: string): string {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  // PostgreSQL runs as the unprivileged "postgres" user when we are root; it must reach its data.
  fs.chmodSync(tmp, 0o755);
  h.onCleanup("temporary directory", async () => fs.rmSync(tmp, { recursive: true, force: true }));
  return tmp;
}

export interface Database {
  postgres: EmbeddedPostgres;
  /** The owner's URL (seeding, counters). */
  databaseUrl: string;
  /** What Keydesk gets, as in production: the application role, and the owner for migrations. */
  serverDatabaseEnv: { DATABASE_URL: string; KEYDESK_MIGRATION_DATABASE_URL: string };
  /** The run's own connection, for seeding and for reading counters. */
  db: pg.Client;
  pgVersion: string;
}

/** A fresh embedded PostgreSQL in `tmp` with the migrations applied; stopped by cleanup(). */
export async function startDatabase(h: Harness, tmp: string): Promise<Database> {
  // Production settings (fsync on): the database is thrown away by removing the directory.
  const postgres = await startEmbeddedPostgres({ dataDir: path.join(tmp, "postgres"), log: (line) => h.log(line) });
  h.onCleanup("PostgreSQL", () => postgres.stop());
  await ensureDatabase(postgres.url(), "keydesk");
  const databaseUrl = postgres.url("keydesk");
  const appPassword = crypto.randomBytes(18).toString("base64url");
  await ensureAppLogin(postgres.url(), appPassword); // before the migrations, which grant it its privileges
  await migrate(databaseUrl);
  const serverDatabaseEnv = { DATABASE_URL: appRoleUrl(databaseUrl, appPassword), KEYDESK_MIGRATION_DATABASE_URL: databaseUrl };
  const db = new pg.Client({ connectionString: databaseUrl });
  db.on("error", () => undefined);
  await db.connect();
  h.onCleanup("database client", () => db.end());
  const pgVersion = (await db.query<{ server_version: string }>("SHOW server_version")).rows[0]?.server_version ?? "unknown";
  return { postgres, databaseUrl, serverDatabaseEnv, db, pgVersion };
}

export interface ServerStats {
  keyCache: KeyCacheStats;
  /** The membership index (lib/keys/key-index.ts). */
  keyIndex: KeyIndexStats;
  /** The key cache's warmer (lib/keys/key-cache-warm.ts); null when it is off. */
  keyCacheWarm: KeyCacheWarmStats | null;
  usage: UsageStats;
  /** null until the process verified a key with limits. */
  limits?: LimiterStats | null;
  memory: NodeJS.MemoryUsage;
}

/** `gc`: collect garbage first, so memory shows what is retained (the server runs with --expose-gc). */
export async function serverStats(server: ServerHandle, options: { gc?: boolean } = {}): Promise<ServerStats> {
  const res = await fetch(`${server.baseUrl}/api/v1/bench/stats${options.gc ? "?gc=1" : ""}`);
  if (!res.ok) throw new Error(`bench stats route answered ${res.status}: is KEYDESK_BENCH=1 handled in server/index.ts?`);
  return (await res.json()) as ServerStats;
}

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGiB: number;
  os: string;
  node: string;
  postgres: string;
  loadAverages: number[];
}

export function machine(pgVersion: string, loadAverages: number[]): MachineInfo {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? "unknown",
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    node: process.version,
    postgres: pgVersion,
    loadAverages,
  };
}

/**
 * Every statement PostgreSQL executes while `run` runs, from its log (log_min_duration_statement
 * = 0), except the benchmark's own connection. Exact, unlike pg_stat_database, whose counters a
 * backend reports up to seconds later.
 */
export async function statementsDuring(db: pg.Client, logFile: string, run: () => Promise<void>): Promise<string[]> {
  const own = (await db.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]?.pid;
  await db.query("ALTER SYSTEM SET log_min_duration_statement = 0");
  await db.query("SELECT pg_reload_conf()");
  await sleep(200);
  const offset = fs.statSync(logFile).size;
  try {
    await run();
  } finally {
    await db.query("ALTER SYSTEM RESET log_min_duration_statement");
    await db.query("SELECT pg_reload_conf()");
  }
  const text = fs.readFileSync(logFile).subarray(offset).toString("utf8");
  const statements: string[] = [];
  // Default log_line_prefix: "%m [%p] "; the extended protocol logs parse, bind and execute
  // separately, so only executions and simple-protocol statements are counted.
  for (const match of text.matchAll(/\[(\d+)\] LOG: {2}duration: [\d.]+ ms {2}(?:execute [^:]*|statement): ([^\n]*)/g)) {
    if (Number(match[1]) !== own) statements.push((match[2] ?? "").replace(/"public"\./g, ""));
  }
  return statements;
}
