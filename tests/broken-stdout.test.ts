// A server whose stdout and stderr pipes are closed (its parent died) must keep serving, keep
// writing its log file, and still shut down cleanly on SIGTERM. Before server/log-file.ts handled
// EPIPE, each failed write became an uncaught exception logged to the broken stderr, in a loop
// that filled the log file with EPIPE traces and kept the real server from handling SIGTERM.
import { spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, expect, test } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup();
});

test("a closed stdout/stderr pipe is ignored; the log file goes on and SIGTERM still stops the server", async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "keydesk-epipe-"));
  const logFile = path.join(dir, "server.log");
  const child = spawn(process.execPath, ["--import", "tsx", "tests/support/logging-instance.ts"], {
    cwd: root,
    env: { ...process.env, KEYDESK_LOG_FILE: logFile },
    stdio: ["ignore", "pipe", "pipe"],
  });
  cleanups.push(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
    fs.rmSync(dir, { recursive: true, force: true });
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );

  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /ready on (\d+)/.exec(out);
      if (match) resolve(Number(match[1]));
    });
    void exited.then(({ code }) => reject(new Error(`exited during start-up (code ${code}): ${out}`)));
  });
  // What a dead parent leaves behind: both pipes closed at the reading end.
  child.stdout.destroy();
  child.stderr.destroy();

  for (let i = 1; i <= 20; i++) {
    const res = await fetch(`http://127.0.0.1:${port}/ping/${i}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(String(i));
  }
  await new Promise((resolve) => setTimeout(resolve, 500));

  child.kill("SIGTERM");
  const timeout = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 10_000));
  expect(await Promise.race([exited, timeout])).toEqual({ code: 0, signal: null });

  const written = fs.readFileSync(logFile, "utf8");
  expect(written).not.toContain("EPIPE");
  expect(written).toContain("[keydesk] request 20: GET /ping/20");
  expect(written).toContain("[keydesk] the same on stderr, 20");
  expect(written.trimEnd().split("\n").at(-1)).toBe("[keydesk] stopped");
  // Start-up, 20 × 2 request lines, the shutdown: nothing else.
  expect(written.trimEnd().split("\n")).toHaveLength(43);
  // Log lines name people (emails, IPs): a log file Keydesk creates is its owner's alone.
  expect(fs.statSync(logFile).mode & 0o777).toBe(0o600);
});
