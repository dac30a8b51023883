// Usage limits as an administrator sets them and an integrator meets them: a key with 5 requests
// per 10 seconds and 20 credits, created in the dialog; five VALID answers, then RATE_LIMITED with
// remaining 0 and a reset; the key's page shows the window used up and the credits left.
import { expect, test, type Page } from "@playwright/test";
import { ADMIN } from "./support/accounts";
import { rememberSecret } from "./support/secrets";
import { signIn } from "./support/session";

interface Answer {
  valid: boolean;
  code: string;
  ratelimits?: { name: string; limit: number; remaining: number; reset: number }[];
  credits?: { remaining: number };
}

async function createLimitedKey(page: Page, name: string): Promise<string> {
  await page.getByRole("button", { name: /create api key/i }).first().click();
  const dialog = page.getByRole("dialog");
  await dialog.getByRole("textbox", { name: "Name", exact: true }).fill(name);
  await dialog.getByRole("radio", { name: /set limits for this key/i }).check();
  await dialog.getByRole("button", { name: "Add rate limit" }).click();
  await dialog.getByLabel("Requests").fill("5");
  await dialog.getByLabel("Every").fill("10");
  await dialog.getByLabel("Unit").selectOption("s");
  await dialog.getByRole("checkbox", { name: /limit total usage with credits/i }).check();
  await dialog.getByLabel("Credits", { exact: true }).fill("20");
  await expect(dialog.getByText("5 per 10 seconds, in fixed windows.")).toBeVisible();
  await dialog.getByRole("button", { name: "Create key" }).click();
  const secretField = page.getByRole("textbox", { name: "New API key" });
  await expect(secretField).toBeVisible();
  const secret = await secretField.inputValue();
  rememberSecret(secret);
  await page.getByRole("button", { name: "Copy" }).click();
  await page.getByRole("button", { name: "Done" }).click();
  return secret;
}

test.describe("usage limits", () => {
  test.use({ permissions: ["clipboard-read", "clipboard-write"] });

  test("5 per 10 s and 20 credits: VALID ×5, then RATE_LIMITED with remaining 0 and a reset; the key page shows it", async ({ page, request }) => {
    await signIn(page, ADMIN);
    await page.goto("/settings/api-keys");
    const secret = await createLimitedKey(page, "Metered partner");

    const verify = async (): Promise<Answer> => (await request.post("/api/v1/keys/verify", { data: { key: secret, project: "default" } })).json();
    // Start at the beginning of a 10 s window, so that all six requests fall into one.
    const untilNextWindow = 10_000 - (Date.now() % 10_000);
    if (untilNextWindow < 4_000) await page.waitForTimeout(untilNextWindow + 50);

    const answers: Answer[] = [];
    for (let i = 0; i < 6; i++) answers.push(await verify());
    expect(answers.slice(0, 5).map((a) => a.code)).toEqual(["VALID", "VALID", "VALID", "VALID", "VALID"]);
    expect(answers.slice(0, 5).map((a) => a.ratelimits?.[0]?.remaining)).toEqual([4, 3, 2, 1, 0]);
    const limited = answers[5] as Answer;
    expect(limited).toMatchObject({ valid: false, code: "RATE_LIMITED", ratelimits: [{ name: "10s", limit: 5, remaining: 0 }], credits: { remaining: 15 } });
    const reset = limited.ratelimits?.[0]?.reset ?? 0;
    expect(reset % 10_000).toBe(0);
    expect(reset).toBeGreaterThan(Date.now());
    expect(reset - Date.now()).toBeLessThanOrEqual(10_000);

    // The key's page: the window used up (it refreshes itself), the credits left.
    await page.getByRole("link", { name: "Metered partner" }).click();
    await expect(page.getByText("Usage limits", { exact: true })).toBeVisible();
    await expect(page.getByTestId("ratelimit-10s")).toContainText("5 of 5 used");
    await expect(page.getByTestId("ratelimit-10s")).toContainText(/resets in \d+ s/);
    await expect(page.getByTestId("credits")).toContainText("15 credits left");

    // Once the window has passed, the key answers VALID again, and the page follows within seconds.
    await page.waitForTimeout(Math.max(0, reset - Date.now()) + 100);
    expect(await verify()).toMatchObject({ code: "VALID", ratelimits: [{ remaining: 4 }], credits: { remaining: 14 } });
    await expect(page.getByTestId("ratelimit-10s")).toContainText("1 of 5 used", { timeout: 8_000 });
    await expect(page.getByTestId("credits")).toContainText("14 credits left");
  });
});
