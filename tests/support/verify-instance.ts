// A second Keydesk "instance" for cross-process tests: the lean verify handler (with its usage
// limiter) and the key change listener against DATABASE_URL, on a free port. The cache is per process (globalThis),
// so a separate process is the only way to have a second, independent one.
//
// Run: node --import tsx tests/support/verify-instance.ts
// Prints one JSON line {"port":…} once the listener is LISTENing and the server accepts requests.
// GET /stats answers the cache statistics, whether the listener is connected and the membership
// index's statistics (`index`), for assertions.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { disconnectDb } from "@/lib/db";
import { keyCacheStats } from "@/lib/keys/key-cache";
import { keyIndexStats } from "@/lib/keys/key-index";
import { startKeyIndexSync } from "@/lib/keys/key-index-sync";
import { existingLimiter, stopLimiter } from "@/lib/keys/limits/runtime";
import { startKeyChangeListener } from "@/lib/keys/listener";
import { applyServerTimeouts, serverOptions } from "@/server/timeouts";
import { createVerifyHandler, isVerifyPath } from "@/server/verify-handler";

const connectionString = process.env.DATABASE_URL;
if (!connectionString) throw new Error("DATABASE_URL is not set");

const log = (message: string) => process.stderr.write(`[verify-instance] ${message}\n`);
// The membership index checks itself every KEYDESK_KEY_INDEX_CHECK_MS (tests make it short).
const index = startKeyIndexSync(connectionString, { log, checkIntervalMs: Number(process.env.KEYDESK_KEY_INDEX_CHECK_MS ?? 30_000) });
// Fast retries: tests cut the listener's connection and wait for it to come back.
// KEYDESK_TEST_LISTENER_URL sends the listener (only) through another address, e.g. a proxy a
// test can stall.
const listener = startKeyChangeListener(process.env.KEYDESK_TEST_LISTENER_URL ?? connectionString, { log, minBackoffMs: 50, maxBackoffMs: 500, index });
await listener.ready;

const verify = createVerifyHandler({ log });
const server = http.createServer(serverOptions, (req, res) => {
  if (isVerifyPath(req.url)) {
    verify(req, res);
    return;
  }
  if (req.method === "GET" && req.url === "/stats") {
    res.writeHead(200, { "content-type": "application/json" });
    res.end(JSON.stringify({ ...keyCacheStats(), listening: listener.isListening(), index: keyIndexStats(), limits: existingLimiter()?.stats() ?? null }));
    return;
  }
  res.writeHead(404).end();
});
applyServerTimeouts(server);
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);

async function shutdown() {
  server.closeAllConnections();
  server.close();
  await listener.stop();
  await index.stop();
  // Hands back what the limiter holds, before the pools close (as server/index.ts does).
  await stopLimiter();
  await disconnectDb().catch(() => undefined);
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown());
process.on("SIGINT", () => void shutdown());
