// The embedded PostgreSQL dies under a running Keydesk (kill -9 of its postmaster): until it is
// restarted, pages answer 503 with a friendly page and the API 503 in its error shape; then it
// comes back by itself, on the same port, and everything works again without a restart.
import { expect, test } from "@playwright/test";
import { findFreePort } from "@/lib/db/embedded-postgres";
import { spawnKeydesk, type SpawnedKeydesk } from "./support/spawn-keydesk";

test.describe.configure({ mode: "serial", timeout: 240_000 });

const ADMIN = { email: "supervised-admin@keydesk.test", password: "supervised-admin-password-1" };
let server: SpawnedKeydesk;

test.beforeAll(async () => {
  server = spawnKeydesk(await findFreePort(), { KEYDESK_ADMIN_EMAIL: ADMIN.email, KEYDESK_ADMIN_PASSWORD: ADMIN.password });
  await expect.poll(server.output, { timeout: 120_000 }).toContain("ready on http");
});

test.afterAll(async () => {
  await server?.dispose();
});

test("a killed embedded PostgreSQL is restarted, with 503s meanwhile", async ({ page }) => {
  const postmaster = server.postmasterPid();
  expect(postmaster).not.toBeNull();
  expect((await fetch(`${server.base}/sign-in`)).status).toBe(200);

  process.kill(postmaster!, "SIGKILL");
  // The supervisor learns of the death from the process's exit event, a moment after the kill.
  await expect.poll(async () => (await fetch(`${server.base}/sign-in`)).status, { timeout: 10_000, intervals: [50] }).toBe(503);

  // Pages: 503 and a page that says what is happening, without a script or a stack trace.
  const response = await page.goto(`${server.base}/sign-in`);
  expect(response?.status()).toBe(503);
  expect(response?.headers()["retry-after"]).toBe("5");
  await expect(page.getByRole("heading", { name: "Database unavailable" })).toBeVisible();
  await expect(page.getByText("is being restarted")).toBeVisible();
  expect(await page.locator("script").count()).toBe(0);

  // The API: 503 in its usual error shape.
  const api = await fetch(`${server.base}/api/v1/projects`, { headers: { authorization: "Bearer kd_whatever" } });
  expect(api.status).toBe(503);
  expect(await api.json()).toEqual({ error: { code: "unavailable", message: expect.stringContaining("unavailable") } });

  // Static files do not need the database.
  expect((await fetch(`${server.base}/icon.svg`)).status).toBe(200);

  // Back by itself: the open page reloads itself into the sign-in form, and signing in (which
  // reads and writes) works.
  await expect(page.getByRole("button", { name: "Sign in" })).toBeVisible({ timeout: 120_000 });
  expect((await fetch(`${server.base}/sign-in`)).status).toBe(200);
  expect(server.output()).toMatch(/restarting PostgreSQL in [\d.]+ s \(attempt 1\)/);
  expect(server.output()).toMatch(/PostgreSQL is back after [\d.]+ s down/);
  const restarted = server.postmasterPid();
  expect(restarted).not.toBeNull();
  expect(restarted).not.toBe(postmaster);
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(`${server.base}/`, { timeout: 30_000 });
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  expect(server.child.exitCode).toBeNull();
});
