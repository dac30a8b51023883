// Issue 11 as an administrator and an integrating API meet it: a key created in project A with an
// owner and metadata in the UI verifies for A (owner and metadata come back) and is NOT_FOUND for
// another project; disabling and enabling it (row action, key page) flips DISABLED/VALID; two keys
// revoked together from the list's selection both answer REVOKED.
import { expect, test, type APIRequestContext, type Page } from "@playwright/test";
import { ADMIN } from "./support/accounts";
import { rememberSecret } from "./support/secrets";
import { signIn } from "./support/session";

const suffix = Date.now().toString(36).slice(-5);
const A = { name: `Isolation A ${suffix}`, slug: `isolation-a-${suffix}`, prefix: `ia${suffix}` };

async function createProject(page: Page) {
  await page.goto("/admin/projects");
  await page.getByRole("button", { name: "New project" }).click();
  const dialog = page.getByRole("dialog", { name: "New project" });
  await dialog.getByLabel("Name").fill(A.name);
  await expect(dialog.getByLabel("Slug")).toHaveValue(A.slug);
  await dialog.getByLabel("Key prefix").fill(A.prefix);
  await dialog.getByRole("button", { name: "Create project" }).click();
  await expect(dialog).toBeHidden();
  // The slug a developer sends as "project" is in the list, with a copy button.
  const row = page.getByRole("row", { name: new RegExp(A.name) });
  await expect(row).toContainText(A.slug);
  await expect(row.getByRole("button", { name: `Copy slug of ${A.name}` })).toBeVisible();
}

async function createKey(page: Page, name: string, owner?: { externalId: string; metadata: string }) {
  await page.getByRole("button", { name: /create api key/i }).first().click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill(name);
  if (owner) {
    await dialog.getByLabel(/^Owner/).fill(owner.externalId);
    await dialog.getByLabel(/^Metadata/).fill(owner.metadata);
  }
  await dialog.getByRole("button", { name: "Create key" }).click();
  const secretField = page.getByRole("textbox", { name: "New API key" });
  await expect(secretField).toBeVisible();
  const secret = await secretField.inputValue();
  rememberSecret(secret);
  return secret;
}

async function closeReveal(page: Page) {
  await page.getByRole("button", { name: "Copy", exact: true }).click();
  await page.getByRole("button", { name: "Done" }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
}

function verifier(request: APIRequestContext) {
  return async (key: string, project: string) => {
    const response = await request.post("/api/v1/keys/verify", { data: { key, project } });
    expect(response.status()).toBe(200);
    return (await response.json()) as { valid: boolean; code: string; key?: { externalId: string | null; metadata: unknown } };
  };
}

test.use({ permissions: ["clipboard-read", "clipboard-write"] });

test("project isolation, owner and metadata, disable and enable, bulk revoke", async ({ page, request }) => {
  // One long journey through four screens: give it the time of three ordinary tests.
  test.slow();
  const verify = verifier(request);
  await signIn(page, ADMIN);
  await createProject(page);
  await page.goto(`/settings/api-keys?project=${A.slug}`);

  // Metadata that is not a JSON object is explained beside the field and nothing is created.
  await page.getByRole("button", { name: /create api key/i }).first().click();
  let dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill("Never created");
  await dialog.getByLabel(/^Metadata/).fill("[1, 2]");
  await dialog.getByRole("button", { name: "Create key" }).click();
  await expect(dialog.getByText(/Metadata must be a JSON object/)).toBeVisible();
  await expect(dialog.getByLabel(/^Metadata/)).toBeFocused();
  // Escape on a filled form asks before discarding it.
  await page.keyboard.press("Escape");
  await dialog.getByRole("button", { name: "Discard" }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);

  // A key in A with an owner and metadata; the reveal says how to verify it, naming A.
  const first = `Thermostat ${suffix}`;
  const secret = await createKey(page, first, { externalId: "device-kitchen-7", metadata: '{"room": "kitchen", "floor": 2}' });
  dialog = page.getByRole("dialog");
  await dialog.getByText("How to verify this key").click();
  await expect(dialog.locator("pre")).toContainText(`"project":"${A.slug}"`);
  await expect(dialog.locator("pre")).toContainText(secret);
  await closeReveal(page);
  await expect(page.getByRole("row", { name: new RegExp(first) })).toContainText("device-kitchen-7");

  expect(await verify(secret, A.slug)).toMatchObject({ valid: true, code: "VALID", key: { externalId: "device-kitchen-7", metadata: { room: "kitchen", floor: 2 } } });
  // Another project: exactly what an unknown key gets.
  expect(await verify(secret, "default")).toEqual({ valid: false, code: "NOT_FOUND" });
  expect(await verify(secret, "keydesk-api")).toEqual({ valid: false, code: "NOT_FOUND" });

  // The owner is searchable.
  const search = page.getByLabel("Search keys");
  await search.fill("kitchen-7");
  await search.press("Enter");
  await expect(page.getByRole("link", { name: first })).toBeVisible();
  await page.getByRole("button", { name: "Clear" }).click();

  // Disable from the row; the badge and the filter know "Disabled".
  await page.getByRole("button", { name: `Disable ${first}` }).click();
  let confirm = page.getByRole("alertdialog");
  await expect(confirm).toContainText(/DISABLED/);
  await confirm.getByRole("button", { name: "Disable key" }).click();
  await expect(page.getByRole("row", { name: new RegExp(first) }).getByText("Disabled", { exact: true })).toBeVisible();
  expect(await verify(secret, A.slug)).toMatchObject({ valid: false, code: "DISABLED" });

  // Enable from the key's page, which shows the project's slug, the owner and the metadata.
  await page.getByRole("link", { name: first }).click();
  await expect(page.getByRole("heading", { name: first, level: 1 })).toBeVisible();
  await expect(page.getByText(A.slug, { exact: true }).first()).toBeVisible();
  await expect(page.getByText("device-kitchen-7")).toBeVisible();
  await expect(page.getByText('"room": "kitchen"')).toBeVisible();
  await page.getByRole("button", { name: "Enable key" }).click();
  confirm = page.getByRole("alertdialog");
  await confirm.getByRole("button", { name: "Enable key" }).click();
  await expect(page.getByRole("button", { name: "Disable key" })).toBeVisible();
  expect(await verify(secret, A.slug)).toMatchObject({ valid: true, code: "VALID" });

  // Bulk revoke: select two keys (one by keyboard), revoke them with one confirmation.
  await page.goto(`/settings/api-keys?project=${A.slug}`);
  const second = `Humidity ${suffix}`;
  const secondSecret = await createKey(page, second);
  await closeReveal(page);
  expect(await verify(secondSecret, A.slug)).toMatchObject({ code: "VALID" });

  const selectAll = page.getByRole("checkbox", { name: "Select all keys on this page" });
  await selectAll.check();
  await expect(page.getByRole("region", { name: "Selected keys" })).toContainText("2 selected");
  await page.getByRole("button", { name: "Clear selection" }).click();
  await expect(page.getByRole("region", { name: "Selected keys" })).toHaveCount(0);

  await page.getByRole("checkbox", { name: `Select ${first}` }).check();
  await page.getByRole("checkbox", { name: `Select ${second}` }).focus();
  await page.keyboard.press("Space");
  await expect(page.getByRole("checkbox", { name: `Select ${second}` })).toBeChecked();
  await expect(selectAll).toBeChecked();
  await page.getByRole("button", { name: "Revoke 2 keys" }).click();
  confirm = page.getByRole("alertdialog");
  await expect(confirm).toContainText(first);
  await expect(confirm).toContainText(second);
  await confirm.getByRole("button", { name: "Revoke 2 keys" }).click();
  for (const name of [first, second]) {
    await expect(page.getByRole("row", { name: new RegExp(name) }).getByText("Revoked", { exact: true })).toBeVisible();
  }
  // Revoked keys cannot be selected again.
  await expect(page.getByRole("checkbox", { name: `Select ${first}` })).toHaveCount(0);
  expect(await verify(secret, A.slug)).toMatchObject({ valid: false, code: "REVOKED" });
  expect(await verify(secondSecret, A.slug)).toMatchObject({ valid: false, code: "REVOKED" });
});

test("the verification endpoint requires a known project", async ({ request }) => {
  const noProject = await request.post("/api/v1/keys/verify", { data: { key: "kd_x" } });
  expect(noProject.status()).toBe(422);
  expect(await noProject.json()).toEqual({ error: { code: "invalid_request", message: expect.stringContaining('"project"') } });
  const unknown = await request.post("/api/v1/keys/verify", { data: { key: "kd_x", project: "no-such-project" } });
  expect(unknown.status()).toBe(422);
  expect(await unknown.json()).toMatchObject({ error: { code: "unknown_project" } });
});
