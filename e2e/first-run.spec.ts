// A brand-new Keydesk: only someone with the one-time setup token the server printed at start
// (also in <data dir>/setup-token, mode 0600) creates the administrator, and only at the server's
// own address; then they sign out and back in.
import fs from "node:fs";
import path from "node:path";
import { expect, test, type Page } from "@playwright/test";
import { ADMIN } from "./support/accounts";
import { checkEveryMode } from "./support/axe";
import { SIGN_IN_TIMEOUT } from "./support/session";
import { serverLog } from "./support/secrets";

function setupTokenFile(): string {
  return path.join(process.env.KEYDESK_E2E_DATA_DIR ?? "", "setup-token");
}

test("first-run setup needs the setup token and creates the administrator, who can sign out and back in", async ({ page, baseURL }) => {
  // Four password hashes at OWASP's scrypt parameters, and page loads between them.
  test.slow();
  const token = fs.readFileSync(setupTokenFile(), "utf8").trim();
  expect(token).toMatch(/^[A-Za-z0-9_-]{32}$/);
  expect(fs.statSync(setupTokenFile()).mode & 0o777).toBe(0o600);
  // The log says where to go, with the token.
  expect(serverLog()).toContain(`${baseURL}/setup?token=${token}`);

  // A DNS-rebinding page reaches the server under its own host name: no setup form for it.
  const rebound = await page.request.get("/setup", { headers: { host: "rebind.evil.example" } });
  expect(await rebound.text()).toContain("Setup is not available at this address");

  await page.goto("/");
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole("heading", { name: "Welcome to Keydesk" })).toBeVisible();

  // The only moment the shared server shows its setup page: axe checks it here, in every mode
  // (e2e/accessibility.spec.ts covers the other pages), then the test goes on at its usual size.
  await checkEveryMode(page, "setup", async () => undefined);
  await page.setViewportSize({ width: 1280, height: 720 });
  await page.emulateMedia({ colorScheme: "light" });

  // Bad input gets a clear error beside the field and creates nothing.
  await page.getByLabel("Your name").fill(ADMIN.name);
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password", { exact: true }).fill("short");
  await page.getByLabel("Confirm password").fill("short");
  await page.getByRole("button", { name: "Create administrator" }).click();
  await expect(page.getByText("Enter a valid email address")).toBeVisible();
  await expect(page.getByText("Password must be at least 10 characters")).toBeVisible();

  // Without the token, or with a wrong one, nothing is created.
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
  await page.getByLabel("Confirm password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Create administrator" }).click();
  await expect(page.getByText("Enter the setup token from the server log")).toBeVisible();
  await page.getByLabel("Setup token").fill("guessed-token-guessed-token-1234");
  await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
  await page.getByLabel("Confirm password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Create administrator" }).click();
  await expect(page.getByText("This is not the setup token this server printed at start.")).toBeVisible();

  // The link from the log fills the token in.
  await page.goto(`/setup?token=${token}`);
  await expect(page.getByLabel("Setup token")).toHaveValue(token);
  await page.getByLabel("Your name").fill(ADMIN.name);
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
  await page.getByLabel("Confirm password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Create administrator" }).click();

  await expect(page).toHaveURL(/\/$/, { timeout: SIGN_IN_TIMEOUT });
  await expect(page.getByText(ADMIN.name).first()).toBeVisible();
  await expect(page.getByText("Administrator").first()).toBeVisible();

  // The setup page is gone once an account exists, and the token with it.
  await page.goto("/setup");
  await expect(page).toHaveURL(/\/$/);

  await signOut(page);
  await expect(page).toHaveURL(/\/sign-in/);

  // A wrong password gets one generic message.
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Incorrect email or password." })).toBeVisible();

  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/$/, { timeout: SIGN_IN_TIMEOUT });
  await expect(page.getByRole("heading", { name: `Welcome, ${ADMIN.name}` })).toBeVisible();
  await expect(page.getByText("Administrator").first()).toBeVisible();
});

test("signed-out visitors are sent to sign-in, and come back to the page they wanted", async ({ page }) => {
  await page.goto("/settings/api-keys?q=stripe");
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fsettings%2Fapi-keys%3Fq%3Dstripe/);
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/settings\/api-keys\?q=stripe$/, { timeout: SIGN_IN_TIMEOUT });
});

async function signOut(page: Page) {
  await page.getByRole("button", { name: /account menu|user menu|ada/i }).first().click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
}
