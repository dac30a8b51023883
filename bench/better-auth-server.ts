// The peer for `npm run bench`'s usage-limits scenario: Better Auth's api-key plugin with its rate
// limit on, behind a plain node:http server (its own process, like Keydesk), on its own database
// of the benchmark's PostgreSQL through its built-in Kysely/pg support.
//
// Run: BA_DATABASE_URL=postgres://… node --import tsx bench/better-auth-server.ts
// Migrates, creates one user and one key with a rate limit of 1,000,000 per minute and a quota of
// 1,000,000,000 requests, then prints one JSON line {"port":…,"key":"…","version":"…"} and serves
// POST /verify {"key":"…"} → Better Auth's verifyApiKey answer.
import crypto from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { apiKey } from "@better-auth/api-key";
import { betterAuth } from "better-auth";
import { getMigrations } from "better-auth/db/migration";
import pg from "pg";

const connectionString = process.env.BA_DATABASE_URL;
if (!connectionString) throw new Error("BA_DATABASE_URL is not set");
const VERSION = "1.7.5";

const pool = new pg.Pool({ connectionString, max: 10 });
const auth = betterAuth({
  database: pool,
  secret: crypto.randomBytes(32).toString("hex"),
  baseURL: "http://127.0.0.1",
  emailAndPassword: { enabled: true },
  telemetry: { enabled: false },
  logger: { disabled: true },
  plugins: [apiKey({ rateLimit: { enabled: true, timeWindow: 60_000, maxRequests: 1_000_000 } })],
});

const { runMigrations } = await getMigrations(auth.options);
await runMigrations();
const signedUp = await auth.api.signUpEmail({
  body: { email: `bench-${crypto.randomBytes(4).toString("hex")}@example.com`, password: "bench-password-1", name: "Bench" },
});
const created = await auth.api.createApiKey({
  body: { userId: signedUp.user.id, rateLimitEnabled: true, rateLimitTimeWindow: 60_000, rateLimitMax: 1_000_000, remaining: 1_000_000_000 },
});

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => {
    let key = "";
    try {
      key = String((JSON.parse(Buffer.concat(chunks).toString("utf8")) as { key?: unknown }).key ?? "");
    } catch {
      res.writeHead(400).end();
      return;
    }
    auth.api.verifyApiKey({ body: { key } }).then(
      (answer) => {
        const json = JSON.stringify({ valid: answer.valid, error: answer.error ?? null });
        res.writeHead(200, { "content-type": "application/json", "content-length": String(Buffer.byteLength(json)) });
        res.end(json);
      },
      () => res.writeHead(500).end(),
    );
  });
});
server.keepAliveTimeout = 65_000;
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port, key: created.key, version: VERSION })}\n`);

process.on("SIGTERM", () => {
  server.closeAllConnections();
  server.close();
  void pool.end().finally(() => process.exit(0));
});
