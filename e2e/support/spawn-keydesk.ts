// A Keydesk production server as `npm start` runs it, on its own embedded PostgreSQL in a fresh
// data directory: for specs about start-up and the embedded database, which the shared e2e
// server (and own-server.ts, which brings its own PostgreSQL) cannot show.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";

export interface SpawnedKeydesk {
  child: ChildProcess;
  port: number;
  base: string;
  dataDir: string;
  /** Everything the server printed so far. */
  output: () => string;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** The embedded postmaster's pid, from its pid file; null when none is running. */
  postmasterPid: () => number | null;
  /** SIGTERM, wait, then remove the data directory. */
  dispose: () => Promise<void>;
}

export function isRunning(pid: number): boolean {
  try {
    // A zombie (exited, not yet reaped by a non-reaping pid 1) is not running.
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return false;
  }
}

export function spawnKeydesk(port: number, env: Record<string, string> = {}): SpawnedKeydesk {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "keydesk-spawned-"));
  // As root, PostgreSQL runs as `postgres`, which must traverse the data directory.
  fs.chmodSync(dataDir, 0o755);
  const chunks: string[] = [];
  const child = spawn(process.execPath, ["--import", "tsx", "server/index.ts"], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      NEXT_TELEMETRY_DISABLED: "1",
      PORT: String(port),
      DATABASE_URL: "",
      KEYDESK_PG_PORT: "",
      KEYDESK_DATA_DIR: dataDir,
      // Into the run's log too, so log-leak.spec.ts checks these servers' lines as well.
      KEYDESK_LOG_FILE: path.join(process.env.KEYDESK_E2E_DATA_DIR ?? dataDir, "server.log"),
      NEXTAUTH_URL: `http://localhost:${port}`,
      ...env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout!.on("data", (chunk: Buffer) => chunks.push(chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => chunks.push(chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const pidFile = path.join(dataDir, "postgres", "postmaster.pid");
  return {
    child,
    port,
    base: `http://localhost:${port}`,
    dataDir,
    output: () => chunks.join(""),
    exited,
    postmasterPid() {
      try {
        const pid = Number(fs.readFileSync(pidFile, "utf8").split("\n")[0]);
        return pid > 0 && isRunning(pid) ? pid : null;
      } catch {
        return null;
      }
    },
    async dispose() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        await exited;
      }
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
