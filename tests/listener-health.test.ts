// A revoked key kept verifying for 34 s on another instance while that instance's LISTEN
// connection hung (issue 12): nothing failed, notifications simply stopped. Instance B here
// (tests/support/verify-instance.ts, a process of its own) listens through a TCP proxy that this
// test stalls; B's own lookups go to the database directly. With the listener's ping, B stops
// trusting its cache within a few seconds and re-reads keys, so the revocation shows.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import readline from "node:readline";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createApiKey, revokeApiKey } from "@/lib/services/api-keys";
import { context, seedBase, userActor } from "./support/fixtures";
import { startTcpProxy, type TcpProxy } from "./support/tcp-proxy";

let actor: ReturnType<typeof userActor>;
let projectId: string;
let instance: ChildProcess;
let proxy: TcpProxy;
let base: string;

beforeAll(async () => {
  const seeded = await seedBase();
  actor = userActor(seeded.admin);
  projectId = seeded.project.id;
  const url = new URL(process.env.DATABASE_URL as string);
  proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port) });
  instance = spawn(process.execPath, ["--import", "tsx", "tests/support/verify-instance.ts"], {
    cwd: path.resolve(import.meta.dirname, ".."),
    env: { ...process.env, KEYDESK_TEST_LISTENER_URL: proxy.urlFor(url.toString()) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const stderr: string[] = [];
  instance.stderr?.on("data", (chunk: Buffer) => stderr.push(chunk.toString()));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`instance B did not start: ${stderr.join("")}`)), 30_000);
    instance.once("exit", (code) => reject(new Error(`instance B exited with ${code}: ${stderr.join("")}`)));
    if (!instance.stdout) throw new Error("no stdout");
    readline.createInterface({ input: instance.stdout }).once("line", (line) => {
      clearTimeout(timer);
      resolve((JSON.parse(line) as { port: number }).port);
    });
  });
  base = `http://127.0.0.1:${port}`;
});

afterAll(async () => {
  if (instance && instance.exitCode === null) {
    const exited = new Promise((resolve) => instance.once("exit", resolve));
    instance.kill("SIGKILL");
    await exited;
  }
  await proxy?.close();
});

async function codeOnB(secret: string): Promise<string> {
  const response = await fetch(`${base}/api/v1/keys/verify`, { method: "POST", body: JSON.stringify({ key: secret, project: "default" }) });
  return ((await response.json()) as { code: string }).code;
}

it("a key revoked while B's LISTEN connection hangs stops verifying on B within seconds, not the cache lifetime", async () => {
  const key = await createApiKey(actor, { projectId, name: "Hung listener", expiry: "30d", constraints: [] }, context);
  expect(await codeOnB(key.secret)).toBe("VALID");
  // Cached on B, served from memory while its listener is healthy.
  const before = (await (await fetch(`${base}/stats`)).json()) as { hits: number; lookups: number };
  expect(await codeOnB(key.secret)).toBe("VALID");
  const after = (await (await fetch(`${base}/stats`)).json()) as { hits: number; lookups: number };
  expect(after.hits).toBe(before.hits + 1);
  expect(after.lookups).toBe(before.lookups);

  proxy.stall();
  await revokeApiKey(actor, { keyId: key.publicId }, context);
  const revoked = performance.now();
  // The cache lifetime is 60 s; the ping (every 2 s, 1 s timeout) plus 1 s of freshness bound it to ~4 s.
  let code = await codeOnB(key.secret);
  while (code !== "REVOKED" && performance.now() - revoked < 8_000) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    code = await codeOnB(key.secret);
  }
  expect(code).toBe("REVOKED");
  expect(performance.now() - revoked).toBeLessThan(6_000);
  expect(((await (await fetch(`${base}/stats`)).json()) as { listening: boolean }).listening).toBe(false);
});
