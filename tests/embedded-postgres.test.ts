// lib/db/embedded-postgres.ts: real servers in temporary directories, separate from the run's
// shared test server. Covers restarts, crash leftovers (stale pid file, orphaned server) and the
// root-only fallback for data directories the postgres user cannot reach.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findFreePort, startEmbeddedPostgres, type EmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { withClient } from "./support/db";

const MODULE = fileURLToPath(new URL("../lib/db/embedded-postgres.ts", import.meta.url));
const REPO = fileURLToPath(new URL("..", import.meta.url));
const SLOW = 120_000;

let root: string;
const running: EmbeddedPostgres[] = [];

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "keydesk-embedded-test-"));
  fs.chmodSync(root, 0o755); // mkdtemp gives 0700, which the postgres user (under root) cannot traverse
});

afterAll(async () => {
  for (const server of running) await server.stop().catch(() => undefined);
  fs.rmSync(root, { recursive: true, force: true });
});

async function start(dataDir: string, persistent = true): Promise<EmbeddedPostgres> {
  const server = await startEmbeddedPostgres({ dataDir, port: await findFreePort(), persistent });
  running.push(server);
  return server;
}

function isAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

function pidOf(dataDir: string): number {
  return Number(fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
}

describe("startEmbeddedPostgres", () => {
  it("keeps data across stop and restart, listening on 127.0.0.1 only, without a unix socket", async () => {
    const dataDir = path.join(root, "restart", "postgres");
    const first = await start(dataDir);
    expect(first.dataDir).toBe(dataDir);
    expect(first.port).not.toBe(5432);
    await withClient(first.url(), async (client) => {
      await client.query(`CREATE TABLE kept (v TEXT)`);
      await client.query(`INSERT INTO kept VALUES ('survives restarts')`);
      const { rows } = await client.query<{ listen: string; sockets: string }>(
        `SELECT current_setting('listen_addresses') AS listen, current_setting('unix_socket_directories') AS sockets`,
      );
      expect(rows).toEqual([{ listen: "127.0.0.1", sockets: "" }]);
    });
    await first.stop();
    await first.stop(); // idempotent
    expect(fs.existsSync(path.join(dataDir, "postmaster.pid"))).toBe(false);

    const passwordFile = path.join(root, "restart", "postgres-password");
    expect(fs.statSync(passwordFile).mode & 0o777).toBe(0o600);
    const password = fs.readFileSync(passwordFile, "utf8");

    const second = await start(dataDir);
    const rows = await withClient(second.url(), async (client) => (await client.query(`SELECT v FROM kept`)).rows);
    expect(rows).toEqual([{ v: "survives restarts" }]);
    expect(fs.readFileSync(passwordFile, "utf8")).toBe(password);
    // Server output went to the log next to the data directory, not to our console.
    expect(fs.readFileSync(path.join(root, "restart", "postgres.log"), "utf8")).toMatch(/database system is ready/);
    await second.stop();
  }, SLOW);

  it("starts despite a stale postmaster.pid whose process is gone", async () => {
    const dataDir = path.join(root, "stale", "postgres");
    await (await start(dataDir)).stop();
    const dead = spawnSync("true").pid;
    expect(isAlive(dead)).toBe(false);
    fs.writeFileSync(path.join(dataDir, "postmaster.pid"), `${dead}\n${dataDir}\n1700000000\n54329\n\n127.0.0.1\n  5432001    32768\nready\n`);

    const server = await start(dataDir);
    const rows = await withClient(server.url(), async (client) => (await client.query(`SELECT 1 AS ok`)).rows);
    expect(rows).toEqual([{ ok: 1 }]);
    await server.stop();
  }, SLOW);

  it("stops a server orphaned by a crashed process, then starts normally", async () => {
    const dataDir = path.join(root, "orphan", "postgres");
    // A separate Node process starts the server and dies by SIGKILL: no exit handlers run.
    const script = path.join(root, "crash.mts");
    fs.writeFileSync(
      script,
      `const { startEmbeddedPostgres } = await import(${JSON.stringify(pathToFileURL(MODULE).href)});
       await startEmbeddedPostgres({ dataDir: ${JSON.stringify(dataDir)}, port: ${await findFreePort()} });
       process.kill(process.pid, "SIGKILL");`,
    );
    const crashed = spawn(process.execPath, ["--import", "tsx", script], { cwd: REPO, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    crashed.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => crashed.once("exit", (_code, sig) => resolve(sig)));
    expect(signal, stderr).toBe("SIGKILL");
    const orphan = pidOf(dataDir);
    expect(isAlive(orphan)).toBe(true);

    const server = await start(dataDir);
    expect(isAlive(orphan)).toBe(false);
    const rows = await withClient(server.url(), async (client) => (await client.query(`SELECT 1 AS ok`)).rows);
    expect(rows).toEqual([{ ok: 1 }]);
    await server.stop();
  }, SLOW);

  it("refuses to start beside a server that a live process still owns (no orphan, no kill)", async () => {
    const dataDir = path.join(root, "owned", "postgres");
    const server = await start(dataDir);
    await expect(start(dataDir)).rejects.toThrow(/already running/);
    const rows = await withClient(server.url(), async (client) => (await client.query(`SELECT 1 AS ok`)).rows);
    expect(rows).toEqual([{ ok: 1 }]);
    await server.stop();
  }, SLOW);

  it("fails with the server's own log lines when it cannot start", async () => {
    const blocker = net.createServer();
    const port = await new Promise<number>((resolve) =>
      blocker.listen(0, "127.0.0.1", () => resolve((blocker.address() as net.AddressInfo).port)),
    );
    try {
      const failure = startEmbeddedPostgres({ dataDir: path.join(root, "blocked", "postgres"), port });
      await expect(failure).rejects.toThrow(/did not start/);
      await expect(failure).rejects.toThrow(/could not bind|Address already in use/i);
    } finally {
      blocker.close();
    }
  }, SLOW);

  it("refuses a data directory of another PostgreSQL major version with a clear message", async () => {
    const dataDir = path.join(root, "other-version", "postgres");
    fs.mkdirSync(dataDir, { recursive: true });
    fs.writeFileSync(path.join(dataDir, "PG_VERSION"), "9\n");
    await expect(start(dataDir, true)).rejects.toThrow(/created by PostgreSQL 9, but this Keydesk ships PostgreSQL \d+/);
  }, SLOW);

  it("passes the server none of our environment, and keeps its log and password private", async () => {
    const marker = `admin-password-${process.pid}`;
    process.env.KEYDESK_ADMIN_PASSWORD = marker;
    const umask = process.umask(0); // the most permissive: the files must not depend on it
    const dataDir = path.join(root, "private", "postgres");
    try {
      const server = await start(dataDir);
      const environ = (pid: number) => fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0").filter(Boolean);
      const postmaster = environ(pidOf(dataDir));
      expect(postmaster.join("\n")).not.toContain(marker);
      expect(postmaster.map((entry) => entry.split("=")[0]).sort()).toEqual(expect.arrayContaining(["LANG", "LC_ALL", "PATH"]));
      expect(postmaster.filter((entry) => /^(KEYDESK_|NEXTAUTH_|DATABASE_URL)/.test(entry))).toEqual([]);
      expect(fs.statSync(`${dataDir}.log`).mode & 0o777).toBe(0o600);
      expect(fs.statSync(`${dataDir}-password`).mode & 0o777).toBe(0o600);
      await server.stop();

      // A log left world-readable by an earlier version is narrowed at the next start.
      fs.chmodSync(`${dataDir}.log`, 0o644);
      await (await start(dataDir)).stop();
      expect(fs.statSync(`${dataDir}.log`).mode & 0o777).toBe(0o600);

      // A password file others can read is refused, not used.
      fs.chmodSync(`${dataDir}-password`, 0o644);
      await expect(start(dataDir)).rejects.toThrow(/accessible to other users \(mode 0644\)/);
      fs.chmodSync(`${dataDir}-password`, 0o600);
    } finally {
      process.umask(umask);
      delete process.env.KEYDESK_ADMIN_PASSWORD;
    }
  }, SLOW);

  it("deletes a throw-away server's data directory on stop", async () => {
    const dataDir = path.join(root, "throwaway", "postgres");
    const server = await start(dataDir, false);
    expect(fs.existsSync(path.join(dataDir, "PG_VERSION"))).toBe(true);
    await server.stop();
    expect(fs.existsSync(dataDir)).toBe(false);
  }, SLOW);

  it.runIf(process.getuid?.() === 0)(
    "as root, moves data the postgres user cannot reach to /var/lib/keydesk",
    async () => {
      const hidden = fs.mkdtempSync(path.join(os.tmpdir(), "keydesk-hidden-")); // mode 0700
      const lines: string[] = [];
      const server = await startEmbeddedPostgres({ dataDir: path.join(hidden, "postgres"), port: await findFreePort(), persistent: false, log: (l) => lines.push(l) });
      running.push(server);
      try {
        expect(server.dataDir).toMatch(/^\/var\/lib\/keydesk\/[0-9a-f]{12}\/postgres$/);
        expect(lines.filter((l) => l.startsWith("warning:"))).toEqual([expect.stringContaining(server.dataDir)]);
        const rows = await withClient(server.url(), async (client) => (await client.query(`SELECT 1 AS ok`)).rows);
        expect(rows).toEqual([{ ok: 1 }]);
      } finally {
        await server.stop();
        fs.rmSync(path.dirname(server.dataDir), { recursive: true, force: true });
        fs.rmSync(hidden, { recursive: true, force: true });
      }
    },
    SLOW,
  );
});
