// Temporary: screenshots of the new auth UI (not committed).
import fs from "node:fs";
import pg from "pg";
import { chromium } from "@playwright/test";

const base = "http://localhost:3022";
const dir = process.env.SHOT_DATA;
const out = "/tmp/auth-shots";
const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: ["--no-sandbox"] });
const shoot = async (page, name) => {
  for (const [w, h] of [[390, 844], [1440, 900]]) {
    await page.setViewportSize({ width: w, height: h });
    await page.waitForTimeout(300);
    await page.screenshot({ path: `${out}/${name}-${w}.png`, fullPage: true });
  }
};
for (const scheme of ["light", "dark"]) {
  const ctx = await browser.newContext({ colorScheme: scheme });
  const page = await ctx.newPage();
  await page.goto(`${base}/setup`);
  await page.getByLabel("Setup token").fill("not-the-token");
  await page.getByLabel("Your name").fill("Ada");
  await page.getByLabel("Email").fill("ada@keydesk.test");
  await page.getByLabel("Password", { exact: true }).fill("correct-horse-battery-1");
  await page.getByLabel("Confirm password").fill("correct-horse-battery-1");
  await page.getByRole("button", { name: "Create administrator" }).click();
  await page.getByText("This is not the setup token").waitFor({ timeout: 60_000 });
  await shoot(page, `setup-${scheme}`);
  await ctx.close();
}
const token = fs.readFileSync(`${dir}/setup-token`, "utf8").trim();
const ctx = await browser.newContext();
const page = await ctx.newPage();
await page.goto(`${base}/setup?token=${token}`);
await page.getByLabel("Your name").fill("Ada Lovelace");
await page.getByLabel("Email").fill("ada@keydesk.test");
await page.getByLabel("Password", { exact: true }).fill("correct-horse-battery-1");
await page.getByLabel("Confirm password").fill("correct-horse-battery-1");
await page.getByRole("button", { name: "Create administrator" }).click();
await page.waitForURL(`${base}/`, { timeout: 90_000 });
await page.goto(`${base}/admin/users`);
await page.getByRole("button", { name: "Create user" }).click();
const dialog = page.getByRole("dialog", { name: "Create user" });
await dialog.getByLabel("Name").fill("Tess Temporary");
await dialog.getByLabel("Email").fill("tess@keydesk.test");
await dialog.getByRole("button", { name: "Create user" }).click();
const reveal = page.getByRole("dialog", { name: "Give Tess Temporary their password" });
const temp = await reveal.getByRole("textbox", { name: "Temporary password" }).inputValue();
await page.keyboard.press("Escape").catch(() => {});
const { url } = JSON.parse(fs.readFileSync(`${dir}/postgres.running.json`, "utf8"));
const client = new pg.Client({ connectionString: url });
await client.connect();
await client.query(`UPDATE "UserSession" SET "reauthenticatedAt" = now() - interval '11 minutes'`);
await client.end();
for (const scheme of ["light", "dark"]) {
  const c = await browser.newContext({ colorScheme: scheme });
  const p = await c.newPage();
  await p.goto(`${base}/sign-in`);
  await p.getByLabel("Email").fill("tess@keydesk.test");
  await p.getByLabel("Password").fill(temp);
  await p.getByRole("button", { name: "Sign in" }).click();
  await p.waitForURL(/change-password/, { timeout: 90_000 });
  await p.getByLabel("New password", { exact: false }).first().fill("password1234");
  await p.getByLabel("Temporary password").fill(temp);
  await p.getByLabel("Confirm new password").fill("password1234");
  await p.getByRole("button", { name: "Change password" }).click();
  await p.getByText("too common").first().waitFor({ timeout: 60_000 });
  await shoot(p, `change-password-${scheme}`);
  await c.close();
}
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
  await reauth.getByText("not correct").waitFor({ timeout: 60_000 });
  await shoot(page, `confirm-password-${scheme}`);
  await page.keyboard.press("Escape");
  await page.keyboard.press("Escape");
}
await browser.close();
