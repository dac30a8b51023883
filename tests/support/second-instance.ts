// Another Keydesk verify process for cross-process tests (tests/support/verify-instance.ts): its
// own key cache, listener, membership index and limiter, on the test's database. Starting one,
// reading its statistics and stopping it is the same in every such test, so it lives here.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import { expect } from "vitest";

/** What GET /stats answers (tests/support/verify-instance.ts). */
export interface InstanceStats {
  hits: number;
  lookups: number;
  clears: number;
  size: number;
  listening: boolean;
  index: { ready: boolean; size: number; absent: number; added: number; checks: number; repairedRanges: number };
}

export interface VerifyInstance {
  child: ChildProcess;
  /** "http://127.0.0.1:<port>". */
  base: string;
  /** POST /api/v1/keys/verify on this instance. */
  verify(secret: string, project?: string): Promise<Response>;
  stats(): Promise<InstanceStats>;
  /** Stops the process (if it still runs) and waits until it has exited. */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface VerifyInstanceOptions {
  /** Added to this process's environment (DATABASE_URL included). */
  env?: Record<string, string>;
  /** How long the process may take to listen; several starting at once on 2 cores need longer. */
  startTimeoutMs?: number;
}

export async function startVerifyInstance(options: VerifyInstanceOptions = {}): Promise<VerifyInstance> {
  // node --import tsx rather than `npx tsx`: one process, so killing it leaves nothing behind.
  const child = spawn(process.execPath, ["--import", "tsx", "tests/support/verify-instance.ts"], {
    cwd: path.resolve(import.meta.dirname, "../.."),
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stderr: string[] = [];
  child.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the verify instance did not start: ${stderr.join("")}`)), options.startTimeoutMs ?? 30_000);
    child.once("exit", (code) => reject(new Error(`the verify instance exited with ${code}: ${stderr.join("")}`)));
    if (!child.stdout) throw new Error("no stdout");
    // It prints one line, {"port":…}, once it listens for notifications and requests.
    readline.createInterface({ input: child.stdout }).once("line", (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { port: number }).port);
    });
  });
  const base = `http://127.0.0.1:${port}`;
  return {
    child,
    base,
    verify: (secret, project = "default") =>
      fetch(`${base}/api/v1/keys/verify`, { method: "POST", body: JSON.stringify({ key: secret, project }) }),
    stats: async () => (await (await fetch(`${base}/stats`)).json()) as InstanceStats,
    async stop(signal = "SIGTERM") {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill(signal);
      await exited;
    },
  };
}

/** Verifies `secret` on `instance` twice: VALID both times, the second answer from its cache. */
export async function expectCachedOn(instance: VerifyInstance, secret: string, project = "default"): Promise<void> {
  const code = async () => ((await (await instance.verify(secret, project)).json()) as { code: string }).code;
  expect(await code()).toBe("VALID");
  const before = await instance.stats();
  expect(await code()).toBe("VALID");
  const after = await instance.stats();
  expect(after.hits).toBe(before.hits + 1);
  expect(after.lookups).toBe(before.lookups);
}
