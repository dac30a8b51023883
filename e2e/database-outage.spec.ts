// A failing database: PostgreSQL stops under a running Keydesk and comes back. While it is down
// pages say so, verification of uncached keys fails closed with 503, the process stays up; when
// it returns everything works without a restart, and no usage count or audit event was lost.
import { expect, test } from "@playwright/test";
import { startOwnKeydesk, type OwnKeydesk } from "./support/own-server";

test.describe.configure({ mode: "serial", timeout: 180_000 });

let own: OwnKeydesk;

async function verify(key: string) {
  const response = await fetch(`${own.base}/api/v1/keys/verify`, { method: "POST", body: JSON.stringify({ key, project: "default" }) });
  return { status: response.status, body: (await response.json()) as { valid: boolean; code: string } };
}

async function validCount(): Promise<number> {
  return (await own.query<{ valid: number }>(`SELECT coalesce(sum("valid"), 0)::int AS valid FROM "KeyUsageDaily"`))[0]!.valid;
}

test.beforeAll(async () => {
  own = await startOwnKeydesk();
});

test.afterAll(async () => {
  await own?.dispose();
});

test("keeps serving, fails closed, and recovers without a restart", async ({ page }) => {
  const cached = await own.insertKey("Cached key");
  const uncached = await own.insertKey("Uncached key");
  expect(await verify(cached)).toMatchObject({ status: 200, body: { code: "VALID" } });
  await expect.poll(validCount).toBe(1);
  const eventsBefore = (await own.query<{ n: number }>(`SELECT count(*)::int AS n FROM "AuditEvent"`))[0]!.n;

  await own.database.stop();

  // Pages: a friendly page, not a stack trace.
  await page.goto(`${own.base}/sign-in`);
  await expect(page.getByRole("heading", { name: "Database unavailable" })).toBeVisible();
  expect(await page.content()).not.toMatch(/ECONNREFUSED|at .*\.js:\d+/);

  // Verification: cached keys still answer from memory; unknown ones fail closed.
  expect(await verify(cached)).toMatchObject({ status: 200, body: { valid: true, code: "VALID" } });
  expect(await verify(cached)).toMatchObject({ status: 200, body: { code: "VALID" } });
  expect(await verify(uncached)).toEqual({ status: 503, body: { valid: false, code: "UNAVAILABLE" } });
  expect(await verify("kd_malformed")).toMatchObject({ status: 200, body: { code: "MALFORMED" } });
  // The REST API answers 503 in its error shape, not a crash.
  const api = await fetch(`${own.base}/api/v1/projects`, { headers: { authorization: `Bearer ${cached}` } });
  expect(api.status).toBe(503);
  expect((await api.json()).error.code).toBe("unavailable");
  expect(own.server.exitCode).toBeNull();

  // Back on the same port: everything works again, no restart.
  await own.restartDatabase();
  await expect.poll(async () => (await verify(uncached)).body.code, { timeout: 15_000 }).toBe("VALID");
  await page.goto(`${own.base}/sign-in`);
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible();

  // 1 before the outage, 2 during (kept in memory), 1 after for the other key.
  await expect.poll(validCount, { timeout: 15_000 }).toBe(4);
  expect(await verify(cached)).toMatchObject({ body: { code: "VALID" } });
  await expect.poll(validCount, { timeout: 15_000 }).toBe(5);
  // The failed requests wrote nothing to the audit log, and nothing went missing.
  expect((await own.query<{ n: number }>(`SELECT count(*)::int AS n FROM "AuditEvent"`))[0]!.n).toBe(eventsBefore);
});
