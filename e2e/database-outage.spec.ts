// A failing database: PostgreSQL stops under a running Keydesk and comes back. While it is down
// pages say so, verification of uncached keys fails closed with 503, the process stays up; when
// it returns everything works without a restart, and no usage count or audit event was lost.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import pg from "pg";
import { findFreePort, startEmbeddedPostgres, type EmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { ensureDatabase, migrate } from "@/lib/db/migrator";
import { generatePublicId, generateSecret } from "@/lib/keys/secret";
import { rememberSecret } from "./support/secrets";

test.describe.configure({ mode: "serial", timeout: 180_000 });

let database: EmbeddedPostgres;
let server: ChildProcess;
let base: string;
let dbUrl: string;
let dataDir: string;
const logs: string[] = [];

async function query<T extends pg.QueryResultRow>(sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: dbUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

/** A key inserted directly, as the bench does: this spec is about the server, not the UI. */
async function insertKey(name: string): Promise<string> {
  const [project] = await query<{ id: string }>(`SELECT "id" FROM "Project" WHERE "slug" = 'default'`);
  const generated = generateSecret("kd");
  await query(
    `INSERT INTO "ApiKey" ("publicId", "projectId", "name", "displayPrefix", "last4", "hash") VALUES ($1, $2, $3, $4, $5, $6)`,
    [generatePublicId(), project!.id, name, generated.displayPrefix, generated.last4, generated.hash],
  );
  rememberSecret(generated.secret);
  return generated.secret;
}

async function verify(key: string) {
  const response = await fetch(`${base}/api/v1/keys/verify`, { method: "POST", body: JSON.stringify({ key }) });
  return { status: response.status, body: (await response.json()) as { valid: boolean; code: string } };
}

test.beforeAll(async () => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "keydesk-outage-"));
  fs.chmodSync(dataDir, 0o755);
  database = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "postgres"), port: await findFreePort(), persistent: true });
  await ensureDatabase(database.url(), "keydesk");
  dbUrl = database.url("keydesk");
  await migrate(dbUrl);

  const port = await findFreePort(3190);
  base = `http://localhost:${port}`;
  server = spawn(process.execPath, ["--import", "tsx", "server/index.ts"], {
    env: {
      ...process.env,
      NODE_ENV: "production",
      PORT: String(port),
      DATABASE_URL: dbUrl,
      KEYDESK_DATA_DIR: dataDir,
      KEYDESK_LOG_FILE: path.join(process.env.KEYDESK_E2E_DATA_DIR ?? dataDir, "server.log"),
      KEYDESK_ADMIN_EMAIL: "outage@keydesk.test",
      KEYDESK_ADMIN_PASSWORD: "outage-password-1",
      KEYDESK_USAGE_FLUSH_MS: "500",
      NEXTAUTH_URL: base,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  server.stdout!.on("data", (chunk: Buffer) => logs.push(chunk.toString()));
  server.stderr!.on("data", (chunk: Buffer) => logs.push(chunk.toString()));
  await expect.poll(() => logs.join(""), { timeout: 90_000 }).toContain("ready on");
});

test.afterAll(async () => {
  server?.kill("SIGTERM");
  await new Promise((resolve) => server?.once("exit", resolve));
  await database?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

test("keeps serving, fails closed, and recovers without a restart", async ({ page }) => {
  const cached = await insertKey("Cached key");
  const uncached = await insertKey("Uncached key");
  expect(await verify(cached)).toMatchObject({ status: 200, body: { code: "VALID" } });
  await expect.poll(async () => (await query<{ valid: number }>(`SELECT coalesce(sum("valid"), 0)::int AS valid FROM "KeyUsageDaily"`))[0]!.valid).toBe(1);
  const eventsBefore = (await query<{ n: number }>(`SELECT count(*)::int AS n FROM "AuditEvent"`))[0]!.n;

  await database.stop();

  // Pages: a friendly page, not a stack trace.
  await page.goto(`${base}/sign-in`);
  await expect(page.getByRole("heading", { name: "Database unavailable" })).toBeVisible();
  expect(await page.content()).not.toMatch(/ECONNREFUSED|at .*\.js:\d+/);

  // Verification: cached keys still answer from memory; unknown ones fail closed.
  expect(await verify(cached)).toMatchObject({ status: 200, body: { valid: true, code: "VALID" } });
  expect(await verify(cached)).toMatchObject({ status: 200, body: { code: "VALID" } });
  expect(await verify(uncached)).toEqual({ status: 503, body: { valid: false, code: "UNAVAILABLE" } });
  expect(await verify("kd_malformed")).toMatchObject({ status: 200, body: { code: "MALFORMED" } });
  expect(server.exitCode).toBeNull();

  // Back on the same port: everything works again, no restart.
  database = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "postgres"), port: database.port, persistent: true });
  await expect.poll(async () => (await verify(uncached)).body.code, { timeout: 15_000 }).toBe("VALID");
  await page.goto(`${base}/sign-in`);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();

  // 1 before the outage, 2 during (kept in memory), 1 after for the cached key, 1 for the other.
  await expect
    .poll(async () => (await query<{ valid: number }>(`SELECT coalesce(sum("valid"), 0)::int AS valid FROM "KeyUsageDaily"`))[0]!.valid, { timeout: 15_000 })
    .toBe(4);
  expect(await verify(cached)).toMatchObject({ body: { code: "VALID" } });
  await expect
    .poll(async () => (await query<{ valid: number }>(`SELECT coalesce(sum("valid"), 0)::int AS valid FROM "KeyUsageDaily"`))[0]!.valid, { timeout: 15_000 })
    .toBe(5);
  // Nothing was written to the audit log by the failed requests, and nothing went missing.
  expect((await query<{ n: number }>(`SELECT count(*)::int AS n FROM "AuditEvent"`))[0]!.n).toBe(eventsBefore);
});
