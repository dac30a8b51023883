import fs from "node:fs";
import pg from "pg";
import { chromium } from "@playwright/test";
const base = "http://localhost:3022";
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
const page = await (await browser.newContext()).newPage();
await page.goto(`${base}/sign-in`);
await page.getByLabel("Email").fill("ada@keydesk.test");
await page.getByLabel("Password").fill("correct-horse-battery-1");
await page.getByRole("button", { name: "Sign in" }).click();
await page.waitForURL(`${base}/`, { timeout: 90_000 });
const { url } = JSON.parse(fs.readFileSync(`/tmp/auth-shot-data/postgres.running.json`, "utf8"));
const client = new pg.Client({ connectionString: url });
await client.connect();
await client.query(`UPDATE "UserSession" SET "reauthenticatedAt" = now() - interval '11 minutes'`);
await client.end();
for (const scheme of ["light", "dark"]) {
  await page.emulateMedia({ colorScheme: scheme });
  await page.goto(`${base}/admin/users`);
  await page.getByRole("row").filter({ hasText: "tess@keydesk.test" }).getByRole("button", { name: "Change role of Tess Temporary" }).click();
  const roleDialog = page.getByRole("dialog", { name: "Change role of Tess Temporary" });
  await roleDialog.getByLabel("Role").selectOption({ label: "Manager" });
  await roleDialog.getByRole("button", { name: "Change role" }).click();
  const reauth = page.getByRole("dialog", { name: "Confirm it is you" });
  await reauth.waitFor({ timeout: 60_000 });
  await reauth.getByLabel("Your password").fill("wrong-password");
  await reauth.getByRole("button", { name: "Confirm" }).click();
  await page.waitForTimeout(15_000);
  for (const w of [390, 1440]) {
    await page.setViewportSize({ width: w, height: 900 });
    await page.screenshot({ path: `/tmp/auth-shots/confirm-password-${scheme}-${w}.png` });
  }
  if (scheme === "dark") {
    await reauth.getByLabel("Your password").fill("correct-horse-battery-1");
    await reauth.getByRole("button", { name: "Confirm" }).click();
    await page.waitForTimeout(15_000);
    await page.screenshot({ path: `/tmp/auth-shots/after-confirm.png` });
  }
  await page.keyboard.press("Escape");
  await page.keyboard.press("Escape");
}
await browser.close();
