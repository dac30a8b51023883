// axe-core over every main page and dialog, light and dark, wide (1440 px) and narrow (390 px):
// zero violations of any rule axe runs by default (WCAG 2.x A/AA and best practices). A failure
// lists each violation with the elements it found, so the fix is obvious from the report.
import { expect, test, type Browser, type BrowserContext, type Page } from "@playwright/test";
import { ADMIN } from "./support/accounts";
import { NARROW_MODES, checkEveryMode, visit } from "./support/axe";
import { rememberSecret } from "./support/secrets";
import { SIGN_IN_TIMEOUT, signIn } from "./support/session";

// Accounts and names this spec creates; unique per run, so a rerun on the same data works too.
const suffix = Date.now().toString(36).slice(-5);

/** "Ivy Invitee k3x9a" → "ivy.invitee.k3x9a@keydesk.test". */
function emailFor(name: string): string {
  return `${name.toLowerCase().replace(/[^a-z0-9]+/g, ".")}@keydesk.test`;
}

/**
 * Creates a user from the Users page and returns what the one-time reveal shows: a temporary
 * password, or the invite link.
 */
async function createUser(page: Page, name: string, method: "Temporary password" | "Invite link"): Promise<string> {
  await visit(page, "/admin/users", "Users");
  await page.getByRole("button", { name: "Create user" }).click();
  const dialog = page.getByRole("dialog", { name: "Create user" });
  await dialog.getByLabel("Name").fill(name);
  await dialog.getByLabel("Email").fill(emailFor(name));
  await dialog.getByRole("radio", { name: method }).check();
  await dialog.getByRole("button", { name: method === "Invite link" ? "Create and get link" : "Create user" }).click();
  const field = page.getByRole("textbox", { name: method });
  await expect(field).toBeVisible();
  const value = await field.inputValue();
  // An invite link's secret is its token; the site's address in front of it is in every log line.
  rememberSecret(method === "Invite link" ? (new URL(value).pathname.split("/").pop() ?? value) : value);
  await page.getByRole("button", { name: "Copy", exact: true }).click();
  await page.getByRole("button", { name: "Done" }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  return value;
}

/** A signed-out page in a context of its own. */
async function anonymousPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext();
  return context.newPage();
}

test.describe("accessibility", () => {
  test.use({ permissions: ["clipboard-read", "clipboard-write"] });
  // Four modes per page; each axe run takes a moment on a busy machine.
  test.slow();

  test("sign-in page", async ({ page }) => {
    await checkEveryMode(page, "sign-in", () => visit(page, "/sign-in", /sign in/i));
  });

  test.describe("signed in as the administrator", () => {
    // One sign-in (a deliberately slow password hash) for all pages; each test its own page.
    type StorageState = Awaited<ReturnType<BrowserContext["storageState"]>>;
    let signedIn: StorageState;
    let page: Page;
    test.beforeAll(async ({ browser }) => {
      const context = await browser.newContext();
      await signIn(await context.newPage(), ADMIN);
      signedIn = await context.storageState();
      await context.close();
    });
    test.beforeEach(async ({ browser }) => {
      const context = await browser.newContext({ storageState: signedIn, permissions: ["clipboard-read", "clipboard-write"] });
      page = await context.newPage();
    });
    test.afterEach(async () => {
      await page.context().close();
    });

    const pages: [string, string, RegExp | string][] = [
      ["dashboard", "/", /./],
      ["API keys", "/settings/api-keys", "API keys"],
      ["API", "/settings/api", /api/i],
      ["requests", "/requests", /requests/i],
      ["users", "/admin/users", /users/i],
      ["projects", "/admin/projects", /projects/i],
      ["audit log", "/admin/audit", /audit/i],
      ["webhooks", "/admin/webhooks", /webhooks/i],
      ["profile", "/profile", /profile/i],
    ];
    for (const [label, path, heading] of pages) {
      test(`${label} page`, async () => {
        await checkEveryMode(page, label, () => visit(page, path, heading));
      });
    }

    test("create dialog", async () => {
      await checkEveryMode(page, "create dialog", async () => {
        await visit(page, "/settings/api-keys", "API keys");
        await page.getByRole("button", { name: /create api key/i }).first().click();
        await expect(page.getByRole("dialog").getByLabel("Name")).toBeVisible();
      });
    });

    test("copy-once reveal and find by secret", async () => {
      test.setTimeout(360_000);
      await visit(page, "/settings/api-keys", "API keys");
      await page.getByRole("button", { name: /create api key/i }).first().click();
      await page.getByRole("dialog").getByLabel("Name").fill("Accessible key");
      await page.getByRole("dialog").getByRole("button", { name: "Create key" }).click();
      const secretField = page.getByRole("textbox", { name: "New API key" });
      await expect(secretField).toBeVisible();
      const secret = await secretField.inputValue();
      rememberSecret(secret);
      // The reveal stays open while the scheme and width change: it is checked in every mode.
      await checkEveryMode(page, "copy-once reveal", async () => undefined);
      await page.getByRole("button", { name: "Copy", exact: true }).click();
      await page.getByRole("button", { name: "Done" }).click();
      await expect(page.getByRole("dialog")).toHaveCount(0);

      await checkEveryMode(page, "find by secret", async () => {
        await page.getByRole("button", { name: "Find by secret" }).click();
        const dialog = page.getByRole("dialog", { name: "Find a key by its secret" });
        await dialog.getByLabel("Secret").fill(secret);
        await dialog.getByRole("button", { name: "Find key" }).click();
        await expect(dialog.getByRole("link", { name: "Open Accessible key" })).toBeVisible();
      });
    });

    test("a key's page, and its Change expiry dialog", async () => {
      test.setTimeout(360_000);
      // The key the test before created (the tests of a file run in order, one at a time).
      await visit(page, "/settings/api-keys?q=Accessible", "API keys");
      const keyPage = await page.getByRole("link", { name: "Accessible key" }).first().getAttribute("href");
      expect(keyPage).toMatch(/^\/settings\/api-keys\/key_/);
      await checkEveryMode(page, "key page", () => visit(page, keyPage!, "Accessible key"));
      await checkEveryMode(page, "change expiry", async () => {
        await page.getByRole("button", { name: "Change expiry" }).click();
        await expect(page.getByRole("dialog", { name: /Change the expiry/ })).toBeVisible();
      });
    });

    test("user menu", async () => {
      await checkEveryMode(page, "user menu", async () => {
        await visit(page, "/", /./);
        await page.getByRole("button", { name: new RegExp(ADMIN.name) }).click();
        await expect(page.getByRole("menu")).toBeVisible();
      });
    });

    test("mobile navigation sheet", async () => {
      // The sheet replaces the sidebar on narrow screens only.
      await checkEveryMode(
        page,
        "mobile navigation",
        async () => {
          await visit(page, "/", /./);
          await page.getByRole("button", { name: "Open navigation" }).click();
          await expect(page.getByRole("dialog", { name: "Navigation" })).toBeVisible();
        },
        NARROW_MODES,
      );
    });

    test("roll and revoke dialogs", async () => {
      await visit(page, "/settings/api-keys?q=Accessible", "API keys");
      const keyPage = await page.getByRole("link", { name: "Accessible key" }).first().getAttribute("href");
      expect(keyPage).toMatch(/^\/settings\/api-keys\/key_/);
      await checkEveryMode(page, "roll dialog", async () => {
        await visit(page, keyPage!, "Accessible key");
        await page.getByRole("button", { name: "Roll key" }).click();
        await expect(page.getByRole("dialog", { name: /Roll “Accessible key”/ })).toBeVisible();
      });
      await page.keyboard.press("Escape");
      await expect(page.getByRole("dialog")).toHaveCount(0);
      await checkEveryMode(page, "revoke dialog", async () => {
        await page.getByRole("button", { name: "Revoke key", exact: true }).click();
        await expect(page.getByRole("alertdialog", { name: /Revoke “Accessible key”/ })).toBeVisible();
      });
      // Only looked at: the key stays active for the rest of the run.
      await page.getByRole("alertdialog").getByRole("button", { name: "Cancel" }).click();
      await expect(page.getByRole("alertdialog")).toHaveCount(0);
    });

    test("project dialog", async () => {
      await checkEveryMode(page, "project dialog", async () => {
        await visit(page, "/admin/projects", /projects/i);
        await page.getByRole("button", { name: "New project" }).first().click();
        await expect(page.getByRole("dialog", { name: "New project" })).toBeVisible();
      });
    });

    test("user dialogs", async () => {
      await checkEveryMode(page, "create user dialog", async () => {
        await visit(page, "/admin/users", "Users");
        await page.getByRole("button", { name: "Create user" }).click();
        await expect(page.getByRole("dialog", { name: "Create user" })).toBeVisible();
      });
      await page.keyboard.press("Escape");
      await expect(page.getByRole("dialog")).toHaveCount(0);
      await checkEveryMode(page, "change role dialog", async () => {
        await visit(page, "/admin/users", "Users");
        await page.getByRole("button", { name: `Change role of ${ADMIN.name}` }).click();
        await expect(page.getByRole("dialog")).toBeVisible();
      });
    });

    test("webhook endpoint page", async () => {
      test.setTimeout(360_000);
      // Nothing listens here, and the endpoint is deleted at the end: no other spec sends to it.
      const url = `http://127.0.0.1:9/a11y-${suffix}`;
      await visit(page, "/admin/webhooks", /webhooks/i);
      await page.getByRole("button", { name: "Add endpoint" }).first().click();
      const dialog = page.getByRole("dialog");
      await dialog.getByLabel("Endpoint URL").fill(url);
      const events = dialog.getByRole("group", { name: "Events" });
      await events.getByRole("button", { name: "Select all" }).click();
      await events.getByRole("button", { name: "Clear all" }).click();
      await events.getByRole("checkbox", { name: "key.revoked", exact: true }).check();
      await dialog.getByRole("button", { name: "Add endpoint" }).click();
      const secretField = page.getByRole("textbox", { name: "Signing secret" });
      await expect(secretField).toBeVisible();
      rememberSecret(await secretField.inputValue());
      await page.getByRole("button", { name: "Copy", exact: true }).click();
      await page.getByRole("button", { name: "Done" }).click();
      const endpointPage = await page.getByRole("link", { name: url }).first().getAttribute("href");
      expect(endpointPage).toMatch(/^\/admin\/webhooks\/./);

      await checkEveryMode(page, "webhook endpoint", () => visit(page, endpointPage!, /./));

      await page.setViewportSize({ width: 1440, height: 900 });
      await page.getByRole("button", { name: "Delete", exact: true }).click();
      await page.getByRole("alertdialog").getByRole("button", { name: "Delete endpoint" }).click();
      await expect(page).toHaveURL(/\/admin\/webhooks$/);
    });

    test("invite and change-password pages", async ({ browser }) => {
      // Two users created, one sign-in with a temporary password (a deliberately slow hash).
      test.setTimeout(360_000);
      const inviteLink = await createUser(page, `Ivy Invitee ${suffix}`, "Invite link");
      const invitee = await anonymousPage(browser);
      try {
        await checkEveryMode(invitee, "invite", () => visit(invitee, new URL(inviteLink).pathname, /./));
      } finally {
        await invitee.context().close();
      }

      const name = `Tom Temporary ${suffix}`;
      const temporaryPassword = await createUser(page, name, "Temporary password");
      const person = await anonymousPage(browser);
      try {
        await checkEveryMode(person, "change password", async () => {
          await person.goto("/sign-in");
          await person.getByLabel("Email").fill(emailFor(name));
          await person.getByLabel("Password").fill(temporaryPassword);
          await person.getByRole("button", { name: "Sign in" }).click();
          await expect(person).toHaveURL(/\/change-password$/, { timeout: SIGN_IN_TIMEOUT });
          await expect(person.getByRole("heading", { level: 1, name: "Choose your password" })).toBeVisible();
        });
      } finally {
        await person.context().close();
      }
    });
  });
});
