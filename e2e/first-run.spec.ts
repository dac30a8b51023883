// A brand-new Keydesk: the first visitor creates the administrator, signs out and back in.
import { expect, test } from "@playwright/test";
import { ADMIN } from "./support/accounts";

test("first-run setup creates the administrator, who can sign out and back in", async ({ page }) => {
  await page.goto("/");
  await expect(page).toHaveURL(/\/setup$/);
  await expect(page.getByRole("heading", { name: "Welcome to Keydesk" })).toBeVisible();

  // Bad input gets a clear error beside the field and creates nothing.
  await page.getByLabel("Your name").fill(ADMIN.name);
  await page.getByLabel("Email").fill("not-an-email");
  await page.getByLabel("Password", { exact: true }).fill("short");
  await page.getByLabel("Confirm password").fill("short");
  await page.getByRole("button", { name: "Create administrator" }).click();
  await expect(page.getByText("Enter a valid email address")).toBeVisible();
  await expect(page.getByText("Password must be at least 10 characters")).toBeVisible();

  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password", { exact: true }).fill(ADMIN.password);
  await page.getByLabel("Confirm password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Create administrator" }).click();

  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByText(ADMIN.name).first()).toBeVisible();
  await expect(page.getByText("Administrator").first()).toBeVisible();

  // The setup page is gone once an account exists.
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
  await expect(page).toHaveURL(/\/$/);
  await expect(page.getByRole("heading", { name: `Welcome, ${ADMIN.name}` })).toBeVisible();
  await expect(page.getByText("Administrator").first()).toBeVisible();
});

test("signed-out visitors are sent to sign-in, and come back to the page they wanted", async ({ page }) => {
  await page.goto("/settings/api-keys?q=stripe");
  await expect(page).toHaveURL(/\/sign-in\?callbackUrl=%2Fsettings%2Fapi-keys%3Fq%3Dstripe/);
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Password").fill(ADMIN.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/settings\/api-keys\?q=stripe$/);
});

async function signOut(page: import("@playwright/test").Page) {
  await page.getByRole("button", { name: /account menu|user menu|ada/i }).first().click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
}
