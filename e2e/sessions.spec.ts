// Sessions end when a password changes, and when someone signs out. One person is signed in on
// two browsers and changes their password in one: the other is signed out at its next request,
// the one that made the change carries on. An administrator's password reset then signs them out
// everywhere and hands over a new temporary password, shown once, which must be replaced at
// first sign-in. A copy of a signed-out cookie opens nothing.
import { expect, test, type Browser, type Page } from "@playwright/test";
import { SESSION_COOKIE_NAMES } from "@/lib/auth/session-policy";
import { ADMIN } from "./support/accounts";
import { e2eQuery } from "./support/database";
import { rememberSecret } from "./support/secrets";
import { signIn, signInWithTemporaryPassword } from "./support/session";

const PERSON = { name: "Sam Sessions", email: "sam.sessions@keydesk.test" };
const FIRST_OWN_PASSWORD = "sessions-begin-here-41";
const NEW_PASSWORD = "sessions-end-here-42";

const isSessionCookie = (name: string) => (SESSION_COOKIE_NAMES as readonly string[]).includes(name.trim());

async function newPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  return context.newPage();
}

/** Reads the temporary password from the one-time reveal, remembers it for the log-leak check. */
async function takeTemporaryPassword(page: Page, title: string): Promise<string> {
  const reveal = page.getByRole("dialog", { name: title });
  const password = await reveal.getByRole("textbox", { name: "Temporary password" }).inputValue();
  expect(password).toMatch(/^[A-Za-z2-9]{5}(-[A-Za-z2-9]{5}){3}$/);
  rememberSecret(password);
  // Copying is what the dialog asks for before it closes without a second thought.
  await reveal.getByRole("button", { name: "Copy" }).click();
  await reveal.getByRole("button", { name: "Done" }).click();
  await expect(reveal).toBeHidden();
  return password;
}

test("a password change signs the account out everywhere else; an administrator's reset signs it out everywhere", async ({ browser }) => {
  // A dozen password hashes at OWASP's scrypt parameters.
  test.slow();
  rememberSecret(NEW_PASSWORD);
  rememberSecret(FIRST_OWN_PASSWORD);
  const admin = await newPage(browser);
  await admin.context().grantPermissions(["clipboard-read", "clipboard-write"]);
  await signIn(admin, ADMIN);
  await admin.goto("/admin/users");
  await admin.getByRole("button", { name: "Create user" }).click();
  const create = admin.getByRole("dialog", { name: "Create user" });
  await create.getByLabel("Name").fill(PERSON.name);
  await create.getByLabel("Email").fill(PERSON.email);
  await create.getByLabel("Role").selectOption({ label: "Manager" });
  await create.getByRole("button", { name: "Create user" }).click();
  const temporary = await takeTemporaryPassword(admin, `Give ${PERSON.name} their password`);

  // The same person on two browsers; the temporary password only lets them choose their own.
  const first = await newPage(browser);
  const second = await newPage(browser);
  await signInWithTemporaryPassword(first, { email: PERSON.email, temporaryPassword: temporary }, FIRST_OWN_PASSWORD);
  await signIn(second, { email: PERSON.email, password: FIRST_OWN_PASSWORD });

  await first.goto("/profile");
  await first.getByLabel("Current password").fill(FIRST_OWN_PASSWORD);
  await first.getByLabel(/^New password/).fill(NEW_PASSWORD);
  await first.getByLabel("Confirm new password").fill(NEW_PASSWORD);
  await first.getByRole("button", { name: "Change password" }).click();
  await expect(first.getByText("Your password has been changed, and you have been signed out everywhere else.")).toBeVisible();

  // The browser that made the change carries on...
  await first.goto("/settings/api-keys");
  await expect(first).toHaveURL(/\/settings\/api-keys$/);
  await expect(first.getByTestId("user-name")).toHaveText(PERSON.name);
  // ...the other one is signed out at its next request, and keeps where it was going.
  await second.goto("/settings/api-keys");
  await expect(second).toHaveURL(/\/sign-in\?callbackUrl=%2Fsettings%2Fapi-keys$/);

  // The old password no longer signs in; the new one does.
  await second.getByLabel("Email").fill(PERSON.email);
  await second.getByLabel("Password").fill(FIRST_OWN_PASSWORD);
  await second.getByRole("button", { name: "Sign in" }).click();
  await expect(second.getByRole("alert").filter({ hasText: /incorrect|not correct|wrong/i })).toBeVisible();
  await signIn(second, { email: PERSON.email, password: NEW_PASSWORD });

  // The administrator resets the password: both browsers are signed out, the new temporary
  // password works, and it is shown once. The administrator signed in more than ten minutes ago
  // (as far as the server knows), so Keydesk asks for their password first.
  await e2eQuery(`UPDATE "UserSession" SET "reauthenticatedAt" = now() - interval '11 minutes' WHERE "userId" = (SELECT "id" FROM "User" WHERE "email" = $1)`, [ADMIN.email]);
  await admin.goto("/admin/users");
  const row = admin.getByRole("row").filter({ hasText: PERSON.email });
  await row.getByRole("button", { name: `Reset password of ${PERSON.name}` }).click();
  const confirm = admin.getByRole("dialog", { name: `Reset the password of ${PERSON.name}?` });
  await expect(confirm).toContainText("signed out everywhere");
  await confirm.getByRole("button", { name: "Reset password" }).click();
  const reauth = admin.getByRole("dialog", { name: "Confirm it is you" });
  await expect(reauth).toBeVisible();
  await reauth.getByLabel("Your password").fill("not-the-admin-password");
  await reauth.getByRole("button", { name: "Confirm" }).click();
  await expect(reauth.getByText("Your current password is not correct.")).toBeVisible();
  await reauth.getByLabel("Your password").fill(ADMIN.password);
  await reauth.getByRole("button", { name: "Confirm" }).click();
  await expect(reauth).toBeHidden();
  const reset = await takeTemporaryPassword(admin, `New password for ${PERSON.name}`);
  expect(reset).not.toBe(temporary);
  await expect(admin.getByText(`New temporary password for ${PERSON.name}. They have been signed out everywhere.`)).toBeVisible();

  for (const page of [first, second]) {
    await page.goto("/");
    await expect(page).toHaveURL(/\/sign-in/);
  }
  await signInWithTemporaryPassword(first, { email: PERSON.email, temporaryPassword: reset }, "sessions-after-reset-43");
  await expect(first.getByTestId("user-name")).toHaveText(PERSON.name);

  // The audit log tells what happened, without any password.
  await admin.goto("/admin/audit?action=user.*");
  // Three changes: the first temporary password, the profile form, the temporary password after the reset.
  await expect(admin.getByRole("row").filter({ hasText: `${PERSON.email} changed their password; their other sessions were ended` })).toHaveCount(3);
  await expect(admin.getByRole("row").filter({ hasText: `Set a temporary password for ${PERSON.name} (${PERSON.email}); their sessions were ended` })).toBeVisible();
});

test("signing out ends the session on the server: a copy of the cookie opens nothing afterwards", async ({ browser }) => {
  // Two sign-ins at OWASP's scrypt parameters on a shared machine.
  test.slow();
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, ADMIN);
  await page.goto("/admin/users");
  await expect(page.getByRole("heading", { name: "Users", level: 1 })).toBeVisible();
  const copied = (await context.cookies()).filter((cookie) => isSessionCookie(cookie.name));
  expect(copied).toHaveLength(1);

  await page.locator('[data-slot="user-menu-trigger"]').click();
  await page.getByRole("menuitem", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in\?signedOut=1$/);

  // Someone replays the copied cookie in a fresh browser.
  const thief = await browser.newContext();
  await thief.addCookies(copied);
  const stolen = await thief.newPage();
  await stolen.goto("/admin/users");
  await expect(stolen).toHaveURL(/\/sign-in\?callbackUrl=%2Fadmin%2Fusers$/);
  await expect(stolen.getByRole("heading", { name: "Sign in" })).toBeVisible();
  // next-auth's session endpoint does not hand out a fresh token for it either.
  const session = await stolen.request.get("/api/auth/session");
  expect(await session.json()).toEqual({});
  const reissued = (session.headers()["set-cookie"] ?? "")
    .split("\n")
    .map((line) => (line.split(";")[0] ?? "").split("="))
    .filter(([name = "", value = ""]) => isSessionCookie(name) && value.length >= 20);
  expect(reissued).toEqual([]);
  await thief.close();
  await context.close();
});
