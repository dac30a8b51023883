// Admin → Projects and Admin → Audit log as an administrator uses them: create a project with
// its key policy, issue and revoke a key in it, find the revocation in the audit log filtered
// by that key, verify the log's integrity, export it, and archive the project.
import fs from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { ADMIN } from "./support/accounts";
import { rememberSecret } from "./support/secrets";

const suffix = Date.now().toString(36).slice(-5);
const PROJECT = { name: `Partner portal ${suffix}`, slug: `partner-portal-${suffix}`, prefix: `pp${suffix}` };
const KEY_NAME = `Audit trail ${suffix}`;

async function signIn(page: Page) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/$/);
}

test.use({ permissions: ["clipboard-read", "clipboard-write"] });

test("an administrator creates a project, and finds a revoked key's events in the audit log", async ({ page, browser }) => {
  await signIn(page);

  // Create the project: the slug follows the name; the prefix is our own.
  await page.goto("/admin/projects");
  await expect(page.getByRole("heading", { name: "Projects", level: 1 })).toBeVisible();
  await page.getByRole("button", { name: "New project" }).click();
  let dialog = page.getByRole("dialog", { name: "New project" });
  await dialog.getByLabel("Name").fill(PROJECT.name);
  await expect(dialog.getByLabel("Slug")).toHaveValue(PROJECT.slug);
  await dialog.getByLabel("Key prefix").fill("KD");
  await dialog.getByLabel("Active-key limit").fill("5");
  await dialog.getByLabel("Maximum key lifetime").selectOption({ label: "90 days" });
  await expect(dialog.getByLabel("Allow keys without expiry")).toBeDisabled();
  await dialog.getByRole("button", { name: "Create project" }).click();
  // A bad prefix is explained beside the field, and the typed values stay.
  await expect(dialog.getByText("Key prefix must be 2–12 lowercase letters or digits")).toBeVisible();
  await expect(dialog.getByLabel("Name")).toHaveValue(PROJECT.name);
  await expect(dialog.getByLabel("Active-key limit")).toHaveValue("5");
  await dialog.getByLabel("Key prefix").fill(PROJECT.prefix);
  await dialog.getByRole("button", { name: "Create project" }).click();
  await expect(dialog).toBeHidden();

  const row = page.getByRole("row", { name: new RegExp(PROJECT.name) });
  await expect(row).toContainText(PROJECT.slug);
  await expect(row).toContainText(`${PROJECT.prefix}_`);
  await expect(row).toContainText("0 / 5");
  await expect(row).toContainText("90 days");
  await expect(row).toContainText("Not allowed");
  await expect(row).toContainText("Active");

  // The built-in management project offers no Archive.
  await expect(page.getByRole("button", { name: "Archive Keydesk API" })).toHaveCount(0);

  // Issue a key in the new project, then revoke it.
  await page.goto(`/settings/api-keys?project=${PROJECT.slug}`);
  await page.getByRole("button", { name: /create api key/i }).first().click();
  dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill(KEY_NAME);
  await dialog.getByRole("button", { name: "Create key" }).click();
  const secretField = page.getByRole("textbox", { name: "New API key" });
  await expect(secretField).toBeVisible();
  const secret = await secretField.inputValue();
  rememberSecret(secret);
  expect(secret.startsWith(`${PROJECT.prefix}_`)).toBe(true);
  await page.getByRole("button", { name: "Copy" }).click();
  await page.getByRole("button", { name: "Done" }).click();

  const keyLink = page.getByRole("link", { name: KEY_NAME });
  const publicId = (await keyLink.getAttribute("href"))!.split("/").pop()!;
  expect(publicId).toMatch(/^key_/);
  await page.getByRole("button", { name: `Revoke ${KEY_NAME}` }).click();
  await page.getByRole("alertdialog").getByRole("button", { name: "Revoke key" }).click();
  await expect(page.getByRole("row", { name: new RegExp(KEY_NAME) }).getByText("Revoked")).toBeVisible();

  // The audit log, filtered by the key's Sid, shows its revocation and creation.
  await page.goto("/admin/audit");
  await expect(page.getByRole("heading", { name: "Audit log", level: 1 })).toBeVisible();
  await page.getByRole("textbox", { name: "Key", exact: true }).fill(publicId);
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(new RegExp(`key=${publicId}`));
  await expect(page.getByText(`Showing events for key ${KEY_NAME}`)).toBeVisible();
  const events = page.getByRole("table", { name: "Audit events matching the filters" }).getByRole("row");
  await expect(events).toHaveCount(3); // header + 2 events
  await expect(events.nth(1)).toContainText("key.revoked");
  await expect(events.nth(1)).toContainText(ADMIN.email);
  await expect(events.nth(1)).toContainText(`Revoked key "${KEY_NAME}" (${publicId})`);
  await expect(events.nth(2)).toContainText("key.created");

  // The same view as CSV, for administrators only: a form POST that downloads the file, which
  // ends with the chain head (the export's own event).
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Export CSV" }).click()]);
  expect(download.suggestedFilename()).toMatch(/^keydesk-audit-\d{4}-\d{2}-\d{2}\.csv$/);
  const lines = fs.readFileSync((await download.path())!, "utf8").trim().split("\r\n");
  expect(lines).toHaveLength(4); // header, two events, the chain head
  expect(lines[1]).toContain("key.revoked");
  expect(lines[3]).toMatch(/^,[^,]+,system,Keydesk,,,audit\.chain_head,.*,[0-9a-f]{64}$/);
  await expect(page).toHaveURL(new RegExp(`key=${publicId}`));

  // Never by GET (a link or an image elsewhere), never cross-site, never anonymously; none of it writes.
  expect((await page.request.get(`/api/admin/audit/export?key=${publicId}`)).status()).toBe(405);
  const crossSite = await page.request.post("/api/admin/audit/export", { headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" }, form: { key: publicId } });
  expect(crossSite.status()).toBe(403);
  const anonymous = await browser.newContext();
  expect((await anonymous.request.post(`/api/admin/audit/export`, { form: {} })).status()).toBe(401);
  await anonymous.close();

  // Clear brings back the whole log, project events included; the chain is intact.
  await page.getByRole("button", { name: "Clear" }).click();
  await expect(page).toHaveURL(/\/admin\/audit$/);
  await expect(page.getByRole("textbox", { name: "Key", exact: true })).toHaveValue("");
  await expect(page.getByRole("table", { name: "Audit events" })).toContainText(`Created project "${PROJECT.name}"`);
  await page.getByRole("button", { name: "Verify integrity" }).click();
  await expect(page.getByTestId("audit-integrity-result")).toHaveText(/^Intact: [\d,]+ events verified\. The log still holds event #\d+, the head recorded outside the database\.$/);

  // Archive the project: the confirmation says what stops, and the row stays as a record.
  await page.goto("/admin/projects");
  await page.getByRole("button", { name: `Archive ${PROJECT.name}` }).click();
  const confirm = page.getByRole("alertdialog");
  await expect(confirm).toContainText(`Archive ${PROJECT.name}?`);
  await expect(confirm).toContainText("Its 0 active keys stop working immediately. This cannot be undone from the dashboard.");
  await confirm.getByRole("button", { name: "Archive project" }).click();
  await expect(confirm).toBeHidden();
  await expect(row).toContainText("Archived");
  await expect(row.getByRole("button")).toHaveCount(0);
});
