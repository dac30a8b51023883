// Two things on Settings → API Keys a newcomer's walkthrough asked for: a filled create form is
// not thrown away by a stray Escape, and a key found somewhere can be identified by its secret.
import { expect, test } from "@playwright/test";
import { ADMIN } from "./support/accounts";
import { rememberSecret } from "./support/secrets";
import { signIn } from "./support/session";

test.use({ permissions: ["clipboard-read", "clipboard-write"] });
// A sign-in (a deliberately slow password hash) and several round trips each, on a busy machine.
test.slow();

test("Escape on a filled create form asks before discarding it; an empty one just closes", async ({ page }) => {
  await signIn(page, ADMIN);
  await page.goto("/settings/api-keys");
  const open = () => page.getByRole("button", { name: /create api key/i }).first().click();

  await open();
  const dialog = page.getByRole("dialog");
  await expect(dialog.getByLabel("Name")).toBeFocused();
  await page.keyboard.press("Escape");
  await expect(dialog).toHaveCount(0);

  await open();
  await dialog.getByLabel("Name").fill("Half-typed key");
  await page.keyboard.press("Escape");
  const question = dialog.getByRole("alert").filter({ hasText: "Discard this key?" });
  await expect(question).toBeVisible();
  await expect(question.getByRole("button", { name: "Keep editing" })).toBeFocused();
  await question.getByRole("button", { name: "Keep editing" }).click();
  await expect(dialog.getByLabel("Name")).toHaveValue("Half-typed key");
  await expect(dialog.getByLabel("Name")).toBeFocused();

  // Cancel asks too; Discard closes, and the next form starts empty.
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await dialog.getByRole("button", { name: "Discard" }).click();
  await expect(dialog).toHaveCount(0);
  await open();
  await expect(dialog.getByLabel("Name")).toHaveValue("");
});

test("Find by secret names the key a pasted secret belongs to, and keeps nothing of it", async ({ page }) => {
  await signIn(page, ADMIN);
  await page.goto("/settings/api-keys");
  await page.getByRole("button", { name: /create api key/i }).first().click();
  await page.getByRole("dialog").getByLabel("Name").fill("Found in a gist");
  await page.getByRole("dialog").getByRole("button", { name: "Create key" }).click();
  const secret = await page.getByRole("textbox", { name: "New API key" }).inputValue();
  rememberSecret(secret);
  await page.getByRole("button", { name: "Copy", exact: true }).click();
  await page.getByRole("button", { name: "Done" }).click();

  await page.getByRole("button", { name: "Find by secret" }).click();
  const dialog = page.getByRole("dialog", { name: "Find a key by its secret" });
  const field = dialog.getByLabel("Secret");
  await expect(field).toHaveAttribute("type", "password");
  // Something that is not a key, then one changed character (the checksum fails).
  await field.fill("not-a-key");
  await dialog.getByRole("button", { name: "Find key" }).click();
  await expect(dialog.getByText(/not a Keydesk key/)).toBeVisible();
  await field.fill(`${secret}\n`);
  await dialog.getByRole("button", { name: "Find key" }).click();
  await expect(dialog).toContainText("This is Found in a gist in");
  expect(await page.content()).not.toContain(secret.slice(10));

  await dialog.getByRole("link", { name: "Open Found in a gist" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Found in a gist" })).toBeVisible();
  // Reopened, the dialog starts empty.
  await page.goto("/settings/api-keys");
  await page.getByRole("button", { name: "Find by secret" }).click();
  await expect(page.getByRole("dialog").getByLabel("Secret")).toHaveValue("");
});
