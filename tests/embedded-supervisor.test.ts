// lib/db/supervisor.ts on real servers: a postmaster killed with SIGKILL comes back on the same
// port with its data, the callbacks bracket the outage, and stop() during a pending restart
// leaves nothing running.
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { findFreePort } from "@/lib/db/embedded-postgres";
import { superviseEmbeddedPostgres } from "@/lib/db/supervisor";
import { withClient } from "./support/db";

const SLOW = 120_000;
let root: string;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "keydesk-supervisor-test-"));
  fs.chmodSync(root, 0o755); // the postgres user (under root) must traverse it
});

afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function postmasterPid(dataDir: string): number {
  return Number(fs.readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
}

function isAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

/** Postgres processes whose working directory is `dataDir` (postgres chdirs into it). */
function serversIn(dataDir: string): number[] {
  return fs.readdirSync("/proc").filter((entry) => /^\d+$/.test(entry)).map(Number).filter((pid) => {
    try {
      return fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "postgres" && fs.readlinkSync(`/proc/${pid}/cwd`) === dataDir;
    } catch {
      return false;
    }
  });
}

describe("superviseEmbeddedPostgres", () => {
  it(
    "restarts a killed server on the same port with its data, reporting down then up",
    async () => {
      const dataDir = path.join(root, "restart", "postgres");
      const lines: string[] = [];
      const events: string[] = [];
      const server = await superviseEmbeddedPostgres(
        // Persistent (fsync on): a throw-away server's commits may not survive a SIGKILL.
        { dataDir, port: await findFreePort(), log: (line) => lines.push(line) },
        { minBackoffMs: 100, onDown: () => events.push("down"), onUp: () => events.push("up") },
      );
      try {
        await withClient(server.url(), (client) => client.query(`CREATE TABLE kept AS SELECT 'before the crash' AS v`));
        const first = postmasterPid(dataDir);

        process.kill(first, "SIGKILL");
        await vi.waitFor(() => expect(events).toEqual(["down"]), { timeout: 10_000 });
        await vi.waitFor(() => expect(events).toEqual(["down", "up"]), { timeout: SLOW, interval: 200 });

        expect(postmasterPid(dataDir)).not.toBe(first);
        const rows = await withClient(server.url(), async (client) => (await client.query<{ v: string }>(`SELECT v FROM kept`)).rows);
        expect(rows).toEqual([{ v: "before the crash" }]);
        expect(lines.join("\n")).toMatch(/PostgreSQL exited unexpectedly \(SIGKILL\)[\s\S]*restarting PostgreSQL in 0\.1 s \(attempt 1\)[\s\S]*PostgreSQL is back after/);

        // Supervised again: a second crash is restarted too.
        process.kill(postmasterPid(dataDir), "SIGKILL");
        await vi.waitFor(() => expect(events).toEqual(["down", "up", "down", "up"]), { timeout: SLOW, interval: 200 });
        await withClient(server.url(), (client) => client.query(`SELECT 1`));
      } finally {
        await server.stop();
      }
      expect(serversIn(dataDir)).toEqual([]);
    },
    SLOW * 2,
  );

  it(
    "stop() while a restart is pending leaves no server behind",
    async () => {
      const dataDir = path.join(root, "stop-pending", "postgres");
      const events: string[] = [];
      const server = await superviseEmbeddedPostgres(
        { dataDir, port: await findFreePort() },
        // A long backoff: stop() arrives while the supervisor waits to restart.
        { minBackoffMs: 60_000, onDown: () => events.push("down"), onUp: () => events.push("up") },
      );
      const pid = postmasterPid(dataDir);
      process.kill(pid, "SIGKILL");
      await vi.waitFor(() => expect(events).toEqual(["down"]), { timeout: 10_000 });

      const started = Date.now();
      await server.stop();
      expect(Date.now() - started).toBeLessThan(10_000);
      expect(events).toEqual(["down"]);
      expect(isAlive(pid)).toBe(false);
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(serversIn(fs.realpathSync(dataDir))).toEqual([]);
    },
    SLOW,
  );
});
