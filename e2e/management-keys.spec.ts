// Issue 12 as an administrator meets it: creating a management key asks for the password again
// when the sign-in is not recent, and lets them choose the key's project scope; the key cannot
// mint management keys; revoking it offers to revoke the keys it created, and they stop working.
import fs from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { ADMIN } from "./support/accounts";
import { e2eQuery } from "./support/database";
import { rememberSecret } from "./support/secrets";
import { signIn } from "./support/session";

const suffix = Date.now().toString(36).slice(-5);
const SHOTS = "/tmp/mgmt-shots";

/** Light and dark, narrow and wide: the dialog as people will see it. */
async function shoot(page: Page, name: string) {
  fs.mkdirSync(SHOTS, { recursive: true });
  const size = page.viewportSize() ?? { width: 1280, height: 800 };
  for (const colorScheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme });
    for (const width of [390, 1440]) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: `${SHOTS}/${name}-${colorScheme}-${width}.png` });
    }
  }
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize(size);
}

test("a management key needs the password again, has a scope, and revoking it can take its keys along", async ({ page, request }) => {
  test.setTimeout(180_000);
  await signIn(page, ADMIN);
  // As far as the server knows, the administrator signed in more than ten minutes ago.
  await e2eQuery(`UPDATE "UserSession" SET "reauthenticatedAt" = now() - interval '11 minutes' WHERE "userId" = (SELECT "id" FROM "User" WHERE "email" = $1)`, [ADMIN.email]);

  await page.goto("/settings/api-keys?project=keydesk-api");
  await page.getByRole("button", { name: /create api key/i }).first().click();
  const create = page.getByRole("dialog", { name: "Create API key" });
  const name = `Deploy bot ${suffix}`;
  await create.getByLabel("Name").fill(name);
  const scope = create.getByRole("group", { name: "Project scope" });
  await expect(scope.getByLabel("All projects")).toBeChecked();
  await scope.getByLabel("Only some projects").check();
  await expect(scope.getByRole("list", { name: "Projects in scope" })).toBeVisible();
  await shoot(page, "create-scope");
  await scope.getByLabel("All projects").check();
  await create.getByRole("button", { name: "Create key" }).click();

  const reauth = page.getByRole("dialog", { name: "Confirm it is you" });
  await expect(reauth).toBeVisible();
  await shoot(page, "create-reauth");
  await reauth.getByLabel("Your password").fill(ADMIN.password);
  await reauth.getByRole("button", { name: "Confirm" }).click();
  await expect(reauth).toBeHidden();
  const secretField = page.getByRole("textbox", { name: "New API key" });
  await expect(secretField).toBeVisible();
  const secret = await secretField.inputValue();
  rememberSecret(secret);
  await page.getByRole("button", { name: "Done" }).click();

  const auth = { authorization: `Bearer ${secret}` };
  // It cannot mint another management key, but creates keys for an app.
  const minted = await request.post("/api/v1/projects/keydesk-api/keys", { headers: auth, data: { name: `minted ${suffix}` } });
  expect(minted.status()).toBe(403);
  const children: string[] = [];
  for (const index of [1, 2]) {
    const created = await request.post("/api/v1/projects/default/keys", { headers: auth, data: { name: `child ${index} ${suffix}` } });
    expect(created.status()).toBe(201);
    const body = (await created.json()) as { secret: string };
    rememberSecret(body.secret);
    children.push(body.secret);
  }
  const listed = await request.get(`/api/v1/projects/keydesk-api/keys?q=${encodeURIComponent(name)}`, { headers: auth });
  const sid = ((await listed.json()) as { keys: { id: string }[] }).keys[0]?.id;
  expect(sid).toBeTruthy();

  await page.goto(`/settings/api-keys/${sid}`);
  await expect(page.getByText("All projects")).toBeVisible();
  await page.getByRole("button", { name: "Revoke key" }).click();
  const revoke = page.getByRole("alertdialog");
  await expect(revoke).toContainText("It created 2 keys that are still active.");
  const cascade = revoke.getByLabel("Also revoke the 2 keys it created");
  await expect(cascade).not.toBeChecked();
  await cascade.check();
  await shoot(page, "revoke-cascade");
  await revoke.getByRole("button", { name: "Revoke key" }).click();
  await expect(page.getByText(/and 2 keys it created/)).toBeVisible();

  for (const child of children) {
    const verified = await request.post("/api/v1/keys/verify", { data: { key: child, project: "default" } });
    expect(((await verified.json()) as { code: string }).code).toBe("REVOKED");
  }
});

test("rolling a management key asks for the password again when the sign-in is not recent", async ({ page, request }) => {
  test.setTimeout(120_000);
  await signIn(page, ADMIN);
  // A fresh sign-in counts as recent: creating the key asks nothing.
  await page.goto("/settings/api-keys?project=keydesk-api");
  await page.getByRole("button", { name: /create api key/i }).first().click();
  const create = page.getByRole("dialog", { name: "Create API key" });
  const name = `Roll bot ${suffix}`;
  await create.getByLabel("Name").fill(name);
  await create.getByRole("button", { name: "Create key" }).click();
  const secretField = page.getByRole("textbox", { name: "New API key" });
  await expect(secretField).toBeVisible();
  const oldSecret = await secretField.inputValue();
  rememberSecret(oldSecret);
  await page.getByRole("button", { name: "Done" }).click();
  // Not copied: the dialog asks before it lets the secret go.
  await page.getByRole("button", { name: "Close without copying" }).click();
  await page.getByRole("link", { name }).click();
  await expect(page.getByRole("heading", { name })).toBeVisible();

  await e2eQuery(`UPDATE "UserSession" SET "reauthenticatedAt" = now() - interval '11 minutes' WHERE "userId" = (SELECT "id" FROM "User" WHERE "email" = $1)`, [ADMIN.email]);
  await page.getByRole("button", { name: "Roll key" }).first().click();
  const roll = page.getByRole("dialog", { name: new RegExp(`Roll .${name}.`) });
  await roll.getByLabel("Immediately").check();
  await roll.getByRole("button", { name: "Roll key" }).click();

  const reauth = page.getByRole("dialog", { name: "Confirm it is you" });
  await expect(reauth).toBeVisible();
  // A wrong password rolls nothing and says so in the field.
  await reauth.getByLabel("Your password").fill("not the password");
  await reauth.getByRole("button", { name: "Confirm" }).click();
  await expect(reauth.getByLabel("Your password")).toHaveAttribute("aria-invalid", "true");
  expect((await e2eQuery<{ n: number }>(`SELECT count(*)::int AS n FROM "ApiKey" WHERE "name" = $1`, [name]))[0]?.n).toBe(1);

  await reauth.getByLabel("Your password").fill(ADMIN.password);
  await reauth.getByRole("button", { name: "Confirm" }).click();
  await expect(reauth).toBeHidden();
  const replacement = page.getByRole("textbox", { name: "New API key" });
  await expect(replacement).toBeVisible();
  const newSecret = await replacement.inputValue();
  rememberSecret(newSecret);
  expect(newSecret).not.toBe(oldSecret);

  // The replacement manages Keydesk; the old key, rolled with no grace, does not.
  expect((await request.get("/api/v1/projects", { headers: { authorization: `Bearer ${newSecret}` } })).status()).toBe(200);
  expect((await request.get("/api/v1/projects", { headers: { authorization: `Bearer ${oldSecret}` } })).status()).toBe(401);
});
