// axe-core over every main page and dialog, light and dark, wide (1440 px) and narrow (390 px):
// zero violations of any rule axe runs by default (WCAG 2.x A/AA and best practices). A failure
// lists each violation with the elements it found, so the fix is obvious from the report.
import path from "node:path";
import AxeBuilder from "@axe-core/playwright";
import { expect, test, type BrowserContext, type Page } from "@playwright/test";
import { ADMIN } from "./support/accounts";
import { rememberSecret } from "./support/secrets";
import { signIn } from "./support/session";

const MODES = [
  { scheme: "light", width: 1440, height: 900 },
  { scheme: "dark", width: 1440, height: 900 },
  { scheme: "light", width: 390, height: 844 },
  { scheme: "dark", width: 390, height: 844 },
] as const;

type Mode = (typeof MODES)[number];

async function violations(page: Page, mode: Mode, label: string): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations.map(
    (v) =>
      `${label} [${mode.scheme} ${mode.width}px] ${v.id} (${v.impact}): ${v.help}\n` +
      v.nodes.map((n) => `    ${n.target.join(" ")} — ${n.failureSummary?.replace(/\s+/g, " ")}`).join("\n"),
  );
}

/** Opens a page (and whatever `open` opens on it) once, then checks it in every mode. */
async function checkEveryMode(page: Page, label: string, open: () => Promise<void>) {
  await page.setViewportSize({ width: MODES[0].width, height: MODES[0].height });
  await page.emulateMedia({ colorScheme: MODES[0].scheme, reducedMotion: "reduce" });
  await open();
  const found: string[] = [];
  // The colour scheme and the width change in place (media and container queries follow at once).
  for (const mode of MODES) {
    await page.setViewportSize({ width: mode.width, height: mode.height });
    await page.emulateMedia({ colorScheme: mode.scheme, reducedMotion: "reduce" });
    // Let colour transitions finish: axe once read an input mid-way from dark to light text.
    await page.waitForTimeout(250);
    found.push(...(await violations(page, mode, label)));
    await screenshot(page, mode, label);
  }
  expect(found, found.join("\n")).toEqual([]);
}

/** With KEYDESK_SHOTS_DIR set, what was checked is also saved, for a person to look at. */
async function screenshot(page: Page, mode: Mode, label: string) {
  const dir = process.env.KEYDESK_SHOTS_DIR;
  if (!dir) return;
  const name = `${label.replace(/[^a-z0-9]+/gi, "-").toLowerCase()}-${mode.scheme}-${mode.width}.png`;
  await page.screenshot({ path: path.join(dir, name), fullPage: true });
}

async function visit(page: Page, path: string, heading: RegExp | string) {
  await page.goto(path);
  await expect(page.getByRole("heading", { level: 1, name: heading }).first()).toBeVisible();
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
  });
});
