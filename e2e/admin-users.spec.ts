// Admin → Users: the administrator from first-run setup creates a viewer with a temporary
// password; the viewer signs in with it and is kept out of the admin pages.
import { expect, test, type Page } from "@playwright/test";
import { ADMIN, VIEWER } from "./support/accounts";
import { rememberSecret } from "./support/secrets";
import { signIn, signInWithTemporaryPassword } from "./support/session";

async function signOut(page: Page) {
  await page.locator('[data-slot="user-menu-trigger"]').click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
}

test("an administrator creates a viewer with a temporary password; the viewer signs in with it and sees no admin pages", async ({
  page,
  context,
}) => {
  // Four password hashes at OWASP's scrypt parameters.
  test.slow();
  await context.grantPermissions(["clipboard-read", "clipboard-write"]);

  await signIn(page, ADMIN);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
  await expect(page).toHaveURL(/\/admin\/users$/);
  await expect(page.getByRole("heading", { name: "Users", level: 1 })).toBeVisible();
  await expect(page.getByRole("row").filter({ hasText: ADMIN.email })).toBeVisible();

  // Create the viewer; the form refuses bad input first.
  await page.getByRole("button", { name: "Create user" }).click();
  const dialog = page.getByRole("dialog", { name: "Create user" });
  await dialog.getByRole("button", { name: "Create user" }).click();
  await expect(dialog.getByText("Name is required")).toBeVisible();
  await dialog.getByLabel("Name").fill(VIEWER.name);
  await dialog.getByLabel("Email").fill(VIEWER.email);
  await dialog.getByLabel("Role").selectOption({ label: "Viewer" });
  await expect(dialog.getByRole("radio", { name: "Temporary password" })).toBeChecked();
  await dialog.getByRole("button", { name: "Create user" }).click();

  // The temporary password is shown once, with Copy.
  const reveal = page.getByRole("dialog", { name: `Give ${VIEWER.name} their password` });
  await expect(reveal.getByText("This temporary password will not be shown again.")).toBeVisible();
  const passwordField = reveal.getByRole("textbox", { name: "Temporary password" });
  const temporaryPassword = await passwordField.inputValue();
  expect(temporaryPassword).toMatch(/^[A-Za-z2-9]{5}(-[A-Za-z2-9]{5}){3}$/);
  // The log-leak spec checks that it never reaches the server's log.
  rememberSecret(temporaryPassword);
  await reveal.getByRole("button", { name: "Copy" }).click();
  await expect(reveal.getByText("Copied to the clipboard.")).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(temporaryPassword);
  await reveal.getByRole("button", { name: "Done" }).click();
  await expect(reveal).toBeHidden();
  await expect(page.getByText(`${VIEWER.name} has been added.`)).toBeVisible();

  const row = page.getByRole("row").filter({ hasText: VIEWER.email });
  await expect(row).toContainText(VIEWER.name);
  await expect(row).toContainText("Viewer");
  await expect(row).toContainText("Active");
  await expect(row.getByRole("button", { name: `Deactivate ${VIEWER.name}` })).toBeVisible();

  // Nothing in the page keeps the password once the reveal is closed.
  await expect(page.getByText(temporaryPassword)).toHaveCount(0);

  await signOut(page);

  // The viewer signs in with the temporary password, and must choose their own first.
  await signInWithTemporaryPassword(page, { email: VIEWER.email, temporaryPassword }, "vera-viewer-own-password-1");
  await expect(page.getByTestId("user-name")).toHaveText(VIEWER.name);
  await expect(page.getByTestId("user-role")).toHaveText("Viewer");
  await expect(page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" })).toHaveCount(0);

  // The admin page sends them back to the dashboard with a notice.
  await page.goto("/admin/users");
  await expect(page).toHaveURL(/\/\?denied=users\.manage$/);
  await expect(page.getByRole("alert").filter({ hasText: "That page is for administrators." })).toBeVisible();

  // They may look at keys but not create them.
  await page.goto("/settings/api-keys");
  await expect(page.getByRole("heading", { name: "API keys", level: 1 })).toBeVisible();
  await expect(page.getByRole("button", { name: /create api key/i })).toHaveCount(0);
});
