// Settings → API Keys as an administrator uses it: create a scoped key, copy it once, find it,
// verify it from outside, revoke it with the trash icon, and see it rejected at once.
import { expect, test, type Page } from "@playwright/test";
import { ADMIN } from "./support/accounts";
import { rememberSecret } from "./support/secrets";
import { signIn } from "./support/session";

async function createKey(page: Page, name: string, options: { description?: string; constraint?: { type: string; value: string; methods: string[] } } = {}) {
  await page.getByRole("button", { name: /create api key/i }).first().click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill(name);
  if (options.description) await dialog.getByLabel("Description").fill(options.description);
  if (options.constraint) {
    await dialog.getByRole("button", { name: "Add constraint" }).click();
    await dialog.getByLabel("Type").last().selectOption(options.constraint.type);
    await dialog.getByLabel(/^(Path|Pattern)$/).last().fill(options.constraint.value);
    for (const method of options.constraint.methods) await dialog.getByRole("checkbox", { name: method, exact: true }).last().check();
  }
  await dialog.getByRole("button", { name: "Create key" }).click();
  const secretField = page.getByRole("textbox", { name: "New API key" });
  await expect(secretField).toBeVisible();
  const secret = await secretField.inputValue();
  rememberSecret(secret);
  return secret;
}

test.describe("API keys as an administrator", () => {
  test.use({ permissions: ["clipboard-read", "clipboard-write"] });

  test("create with a constraint, copy once, search, verify, revoke", async ({ page, request }) => {
    await signIn(page, ADMIN);
    await page.goto("/settings/api-keys");
    await expect(page.getByRole("heading", { name: "API keys", exact: true, level: 1 })).toBeVisible();

    const secret = await createKey(page, "Stripe sync", {
      description: "Pushes invoices to Stripe",
      constraint: { type: "prefix", value: "invoices", methods: ["POST"] },
    });
    expect(secret).toMatch(/^kd_[0-9A-Za-z]{49}$/);
    await expect(page.getByText(/will not be shown again/i)).toBeVisible();

    await page.getByRole("button", { name: "Copy", exact: true }).click();
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
    await page.getByRole("button", { name: "Done" }).click();
    await expect(page.getByRole("textbox", { name: "New API key" })).toHaveCount(0);

    // After closing and reloading, the secret is nowhere: not in the page, not in its HTML.
    await page.reload();
    await expect(page.getByRole("link", { name: "Stripe sync" })).toBeVisible();
    expect(await page.content()).not.toContain(secret);
    const html = await (await page.request.get("/settings/api-keys")).text();
    expect(html).not.toContain(secret);
    await expect(page.getByText(`${secret.slice(0, 9)}…${secret.slice(-4)}`)).toBeVisible();

    // The secret verifies from outside, within its constraint only.
    const verify = (body: object) => request.post("/api/v1/keys/verify", { data: { project: "default", ...body } }).then((r) => r.json());
    expect(await verify({ key: secret, method: "POST", path: "/invoices/42" })).toMatchObject({ valid: true, code: "VALID", key: { name: "Stripe sync" } });
    expect(await verify({ key: secret, method: "GET", path: "/invoices/42" })).toMatchObject({ valid: false, code: "FORBIDDEN" });

    // Search by name and by prefix; Clear resets.
    await createKey(page, "Partner feed");
    await page.getByRole("button", { name: "Copy", exact: true }).click();
    await page.getByRole("button", { name: "Done" }).click();
    await expect(page.getByRole("dialog")).toHaveCount(0);
    const search = page.getByLabel("Search keys");
    await search.fill("stripe");
    await search.press("Enter");
    await expect(page).toHaveURL(/q=stripe/);
    await expect(page.getByRole("link", { name: "Stripe sync" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Partner feed" })).toHaveCount(0);
    await search.fill(secret.slice(0, 9));
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page.getByRole("link", { name: "Stripe sync" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Partner feed" })).toHaveCount(0);
    await page.getByRole("button", { name: "Clear" }).click();
    await expect(page).not.toHaveURL(/q=/);
    await expect(page.getByRole("link", { name: "Partner feed" })).toBeVisible();

    // The trash icon revokes it, after a confirmation that says what happens.
    await page.getByRole("button", { name: "Revoke Stripe sync" }).click();
    const confirm = page.getByRole("alertdialog");
    await expect(confirm).toContainText(/cannot be undone/i);
    await confirm.getByRole("button", { name: "Revoke key" }).click();
    await expect(page.getByRole("row", { name: /Stripe sync/ }).getByText("Revoked")).toBeVisible();
    expect(await verify({ key: secret, method: "POST", path: "/invoices/42" })).toMatchObject({ valid: false, code: "REVOKED" });
  });

  test("closing the reveal without copying asks for confirmation", async ({ page }) => {
    await signIn(page, ADMIN);
    await page.goto("/settings/api-keys");
    await createKey(page, "Uncopied key");
    await page.keyboard.press("Escape");
    await expect(page.getByText(/not copied/i)).toBeVisible();
  });
});

test("an unknown key's page answers 404", async ({ page }) => {
  await signIn(page, ADMIN);
  const response = await page.goto("/settings/api-keys/key_AAAAAAAAAAAAAAAA");
  expect(response?.status()).toBe(404);
  await expect(page.getByRole("heading", { name: /not found/i })).toBeVisible();
});
