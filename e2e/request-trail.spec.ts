// The request trail as the reference documents' question asks it: "which key is deleting
// invoices?" Two keys call an API that verifies them with Keydesk; on the Requests page, method
// DELETE and path /invoices name the culprit (and not the reader) within a few seconds, and the
// key's own page shows where it was used from.
import { expect, test, type Page } from "@playwright/test";
import { ADMIN } from "./support/accounts";
import { rememberSecret } from "./support/secrets";
import { signIn } from "./support/session";

const suffix = Date.now().toString(36).slice(-5);
const CULPRIT = `Invoice cleanup ${suffix}`;
const READER = `Invoice reader ${suffix}`;

async function createKey(page: Page, name: string): Promise<string> {
  await page.getByRole("button", { name: /create api key/i }).first().click();
  await page.getByRole("dialog").getByLabel("Name").fill(name);
  await page.getByRole("dialog").getByRole("button", { name: "Create key" }).click();
  const secretField = page.getByRole("textbox", { name: "New API key" });
  await expect(secretField).toBeVisible();
  const secret = await secretField.inputValue();
  rememberSecret(secret);
  await page.getByRole("button", { name: "Copy" }).click();
  await page.getByRole("button", { name: "Done" }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  return secret;
}

test.use({ permissions: ["clipboard-read", "clipboard-write"] });

test("the Requests page answers which key deleted invoices", async ({ page, request }) => {
  await signIn(page, ADMIN);
  await page.goto("/settings/api-keys?project=default");
  const culprit = await createKey(page, CULPRIT);
  const reader = await createKey(page, READER);

  const verify = (body: object) => request.post("/api/v1/keys/verify", { data: { project: "default", ...body } }).then((r) => r.json());
  expect(await verify({ key: culprit, method: "DELETE", path: "/invoices/12", ip: "203.0.113.66", userAgent: "cleanup-cron/1.0", requestId: `req-${suffix}` })).toMatchObject({ code: "VALID" });
  expect(await verify({ key: reader, method: "GET", path: "/invoices", ip: "198.51.100.5" })).toMatchObject({ code: "VALID" });

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Requests" }).click();
  await expect(page.getByRole("heading", { name: "Requests", level: 1 })).toBeVisible();
  await page.getByLabel("Method", { exact: true }).selectOption("DELETE");
  await page.getByLabel("Path", { exact: true }).fill("/invoices");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/method=DELETE/);
  await expect(page).toHaveURL(/path=%2Finvoices/);

  // The writer flushes every second: reload until the event is there (a few seconds at most).
  const table = page.getByRole("table", { name: "Requests matching the filters" });
  await expect(async () => {
    await page.reload();
    await expect(table.getByRole("link", { name: CULPRIT })).toBeVisible({ timeout: 1000 });
  }).toPass({ timeout: 10_000 });
  const first = table.getByRole("row").nth(1);
  await expect(first).toContainText(CULPRIT);
  await expect(first).toContainText("/invoices/12");
  await expect(first).toContainText("203.0.113.66");
  await expect(first).toContainText("cleanup-cron/1.0");
  await expect(table.getByRole("link", { name: READER })).toHaveCount(0);

  // The key's page: its latest request and the address it was used from.
  await table.getByRole("link", { name: CULPRIT }).click();
  await expect(page.getByRole("heading", { name: CULPRIT, level: 1 })).toBeVisible();
  await expect(page.getByRole("table", { name: "Latest requests of this key" })).toContainText("/invoices/12");
  await expect(page.getByRole("table", { name: "Client IPs of this key" })).toContainText("203.0.113.66");
});
