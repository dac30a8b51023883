import { expect, type Page } from "@playwright/test";
import { rememberSecret } from "./secrets";

/**
 * How long a sign-in may take. Every password check costs scrypt at OWASP's parameters (N=2^17,
 * 128 MiB), a few seconds on a busy shared CI machine, before the first page renders.
 */
export const SIGN_IN_TIMEOUT = 60_000;

export async function signIn(page: Page, account: { email: string; password: string }) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/$/, { timeout: SIGN_IN_TIMEOUT });
}

/**
 * Signs in with a temporary password from an administrator: Keydesk opens nothing but
 * "Choose your password" until the person has replaced it with `newPassword`.
 */
export async function signInWithTemporaryPassword(page: Page, account: { email: string; temporaryPassword: string }, newPassword: string) {
  rememberSecret(newPassword);
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(account.email);
  await page.getByLabel("Password").fill(account.temporaryPassword);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/change-password$/, { timeout: SIGN_IN_TIMEOUT });
  await expect(page.getByRole("heading", { name: "Choose your password" })).toBeVisible();
  await page.getByLabel("Temporary password").fill(account.temporaryPassword);
  await page.getByLabel(/^New password/).fill(newPassword);
  await page.getByLabel("Confirm new password").fill(newPassword);
  await page.getByRole("button", { name: "Change password" }).click();
  await expect(page).toHaveURL(/\/$/, { timeout: SIGN_IN_TIMEOUT });
}
