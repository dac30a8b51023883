// Start-up when Keydesk's HTTP port is taken: a clear message, exit code 1, and no embedded
// PostgreSQL left running — whether the port was taken before start or during it.
import fs from "node:fs";
import net from "node:net";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { findFreePort } from "@/lib/db/embedded-postgres";
import { isRunning, spawnKeydesk, type SpawnedKeydesk } from "./support/spawn-keydesk";

test.describe.configure({ mode: "serial", timeout: 180_000 });

const spawned: SpawnedKeydesk[] = [];
const holders: net.Server[] = [];

/** Listens on the port like another program would (all addresses). */
async function holdPort(port: number): Promise<void> {
  const holder = net.createServer((socket) => socket.end());
  holders.push(holder);
  await new Promise<void>((resolve, reject) => {
    holder.once("error", reject);
    holder.listen(port, "0.0.0.0", resolve);
  });
}

test.afterEach(async () => {
  await Promise.all(spawned.splice(0).map((server) => server.dispose()));
  await Promise.all(holders.splice(0).map((holder) => new Promise((resolve) => holder.close(resolve))));
});

test("a port taken before start: a clear message and exit 1, before any database starts", async () => {
  const port = await findFreePort();
  await holdPort(port);
  const server = spawnKeydesk(port);
  spawned.push(server);

  expect(await server.exited).toBe(1);
  expect(server.output()).toContain(`failed to start: port ${port} is already in use`);
  expect(server.output()).toMatch(/start Keydesk on a free port, e\.g\. PORT=\d+/);
  expect(server.output()).not.toMatch(/EADDRINUSE|PostgreSQL ready|\n\s+at /);
  expect(fs.existsSync(path.join(server.dataDir, "postgres"))).toBe(false);
});

test("a port taken during start-up: the same message, and the embedded PostgreSQL is stopped", async () => {
  const port = await findFreePort();
  const server = spawnKeydesk(port);
  spawned.push(server);

  // The port check has passed and the database runs; migrations and Next.js are still to come.
  await expect.poll(server.output, { timeout: 90_000 }).toContain("PostgreSQL ready on");
  const postmaster = server.postmasterPid();
  expect(postmaster).not.toBeNull();
  await holdPort(port);

  expect(await server.exited).toBe(1);
  expect(server.output()).toContain(`failed to start: port ${port} is already in use`);
  expect(server.output()).not.toContain("ready on http");
  // Stopped cleanly, not orphaned: the server process is gone and it removed its pid file.
  expect(isRunning(postmaster!)).toBe(false);
  expect(fs.existsSync(path.join(server.dataDir, "postgres", "postmaster.pid"))).toBe(false);
});
