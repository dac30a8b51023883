// A stand-in for server/index.ts with the same output handling, for tests/broken-stdout.test.ts:
// it logs a line for every request and at shutdown, and reports uncaught exceptions to stderr the
// way Next's router server does in a custom server (which turned EPIPE into an endless loop).
//
// Run: node --import tsx tests/support/logging-instance.ts (KEYDESK_LOG_FILE optional)
// Prints "ready on <port>" once it accepts requests.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { log } from "@/server/log";
import { setUpProcessOutput } from "@/server/log-file";

setUpProcessOutput(process.env.KEYDESK_LOG_FILE);
process.on("uncaughtException", (error) => console.error("uncaughtException: ", error));

let requests = 0;
const server = http.createServer((req, res) => {
  requests += 1;
  log(`request ${requests}: ${req.method} ${req.url}`);
  console.error(`[keydesk] the same on stderr, ${requests}`);
  res.writeHead(200, { "content-type": "text/plain" }).end(String(requests));
});
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
log(`ready on ${(server.address() as AddressInfo).port}`);

process.on("SIGTERM", () => {
  log("SIGTERM received: finishing in-flight requests");
  server.close(() => {
    log("stopped");
    process.exit(0);
  });
});
