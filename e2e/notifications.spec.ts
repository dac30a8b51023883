// Keydesk speaks up, as an administrator and an integrator see it: add a webhook endpoint that
// points at a receiver on this machine (the e2e server runs with KEYDESK_WEBHOOK_ALLOW_PRIVATE=1),
// revoke a key in the UI, and the receiver gets a key.revoked the Standard Webhooks verifier
// accepts; then report a leaked key the way a scanner would, and see it revoked and marked.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { expect, test, type Page } from "@playwright/test";
import { Webhook } from "standardwebhooks";
import { ADMIN } from "./support/accounts";
import { rememberSecret } from "./support/secrets";
import { signIn } from "./support/session";

interface Received {
  headers: Record<string, string>;
  body: string;
}

async function startReceiver() {
  const received: Received[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      received.push({ headers: req.headers as Record<string, string>, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/keydesk`, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function createKey(page: Page, name: string, options: { canary?: boolean } = {}): Promise<string> {
  await page.goto("/settings/api-keys");
  await page.getByRole("button", { name: /create api key/i }).first().click();
  const dialog = page.getByRole("dialog");
  await dialog.getByLabel("Name").fill(name);
  if (options.canary) await dialog.getByRole("checkbox", { name: "Canary key (honeytoken)" }).check();
  await dialog.getByRole("button", { name: "Create key" }).click();
  const secret = await page.getByRole("textbox", { name: "New API key" }).inputValue();
  rememberSecret(secret);
  await page.getByRole("button", { name: "Copy" }).click();
  await page.getByRole("button", { name: "Done" }).click();
  await expect(page.getByRole("dialog")).toHaveCount(0);
  return secret;
}

test.describe("notifications", () => {
  test.use({ permissions: ["clipboard-read", "clipboard-write"] });

  test("a webhook endpoint receives a correctly signed key.revoked when a key is revoked in the UI", async ({ page }) => {
    const receiver = await startReceiver();
    try {
      await signIn(page, ADMIN);
      await page.goto("/admin/webhooks");
      await expect(page.getByRole("heading", { name: "Webhooks", level: 1 })).toBeVisible();
      // The e2e server has no SMTP configured, and the page says so.
      await expect(page.getByText("Email is off.")).toBeVisible();

      await page.getByRole("button", { name: "Add endpoint" }).first().click();
      const dialog = page.getByRole("dialog");
      await dialog.getByLabel("Endpoint URL").fill(receiver.url);
      await dialog.getByLabel("Description").fill("e2e receiver");
      const events = dialog.getByRole("group", { name: "Events" });
      await events.getByRole("button", { name: "Select all" }).click();
      await events.getByRole("button", { name: "Clear all" }).click();
      await events.getByRole("checkbox", { name: "key.revoked", exact: true }).check();
      await dialog.getByRole("button", { name: "Add endpoint" }).click();
      const secretField = page.getByRole("textbox", { name: "Signing secret" });
      await expect(secretField).toBeVisible();
      const secret = await secretField.inputValue();
      expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
      rememberSecret(secret);
      await page.getByRole("button", { name: "Copy" }).click();
      await page.getByRole("button", { name: "Done" }).click();
      await expect(page.getByRole("link", { name: receiver.url })).toBeVisible();

      const keyName = `Webhook e2e ${Date.now()}`;
      await createKey(page, keyName);
      await page.getByRole("button", { name: `Revoke ${keyName}` }).click();
      await page.getByRole("alertdialog").getByRole("button", { name: "Revoke key" }).click();

      await expect.poll(() => receiver.received.length, { timeout: 20_000 }).toBeGreaterThanOrEqual(1);
      const [delivery] = receiver.received;
      const event = new Webhook(secret).verify(delivery!.body, delivery!.headers) as { type: string; data: { key: { name: string; revokedAt: string | null }; actor: { label: string } } };
      expect(event.type).toBe("key.revoked");
      expect(event.data.key.name).toBe(keyName);
      expect(event.data.key.revokedAt).not.toBeNull();
      expect(event.data.actor.label).toBe(ADMIN.email);
      // Only the subscribed type arrived (the key's creation was not sent).
      expect(receiver.received.map((r) => JSON.parse(r.body).type)).toEqual(["key.revoked"]);

      // The delivery log shows it, with the body sent; a test event can be sent from there.
      await page.goto("/admin/webhooks");
      await page.getByRole("link", { name: receiver.url }).click();
      await expect(page.getByRole("heading", { name: "Delivery log" })).toBeVisible();
      await expect(page.getByText("key.revoked").first()).toBeVisible();
      await expect(page.getByText("Delivered").first()).toBeVisible();
      await page.getByRole("button", { name: "Send test event" }).click();
      await expect.poll(() => receiver.received.map((r) => JSON.parse(r.body).type), { timeout: 20_000 }).toContain("webhook.test");
    } finally {
      await receiver.close();
    }
  });

  test("a leaked key reported like a scanner would is revoked and shown as leaked", async ({ page, request }) => {
    await signIn(page, ADMIN);
    const keyName = `Leaked e2e ${Date.now()}`;
    const secret = await createKey(page, keyName);

    // As `curl -X POST /api/v1/keys/leaked` would: no session, no key.
    const reported = await request.post("/api/v1/keys/leaked", {
      headers: { cookie: "" },
      data: { credentials: [{ token: secret, url: "https://github.com/acme/app/blob/main/.env" }] },
    });
    expect(reported.status()).toBe(202);
    expect(await reported.json()).toEqual({ received: 1 });
    const unknown = await request.post("/api/v1/keys/leaked", { data: { credentials: [{ token: `${secret.slice(0, -1)}x` }] } });
    expect([unknown.status(), await unknown.json()]).toEqual([202, { received: 1 }]);

    await expect
      .poll(async () => (await request.post("/api/v1/keys/verify", { data: { key: secret, project: "default" } }).then((r) => r.json())).code, { timeout: 20_000 })
      .toBe("REVOKED");
    await page.goto("/settings/api-keys");
    await page.getByRole("link", { name: keyName }).click();
    await expect(page.getByText("Revoked").first()).toBeVisible();
    await expect(page.getByText(/reported leaked/i).first()).toBeVisible();
    await expect(page.getByText("https://github.com/acme/app/blob/main/.env")).toBeVisible();
  });

  test("the expiry reminder's \"Roll the key\" link opens the roll dialog on the key's page", async ({ page }) => {
    await signIn(page, ADMIN);
    const keyName = `Reminder e2e ${Date.now()}`;
    await createKey(page, keyName);
    await page.getByRole("link", { name: keyName }).click();
    await expect(page.getByRole("heading", { name: keyName })).toBeVisible();
    await page.goto(`${new URL(page.url()).pathname}?roll=1`);
    await expect(page.getByRole("dialog")).toBeVisible();
    await expect(page.getByRole("dialog")).toContainText(keyName);
  });

  test("a canary key answers exactly like an unknown key, is marked in the list, and its use is audited", async ({ page, request }) => {
    await signIn(page, ADMIN);
    const keyName = `Canary e2e ${Date.now()}`;
    const secret = await createKey(page, keyName, { canary: true });
    const verify = (key: string) => request.post("/api/v1/keys/verify", { data: { key, project: "default", method: "GET", path: "/admin" } });
    const canary = await verify(secret);
    const unknown = await verify(`${secret.slice(0, 10)}${"A".repeat(secret.length - 16)}${secret.slice(-6)}`);
    expect([canary.status(), await canary.text()]).toEqual([200, '{"valid":false,"code":"NOT_FOUND"}']);
    expect(await unknown.json()).toMatchObject({ valid: false });

    await page.goto("/settings/api-keys");
    await expect(page.getByRole("row", { name: new RegExp(keyName) }).getByText("Canary", { exact: true })).toBeVisible();
    await page.goto(`/admin/audit?action=key.canary_used`);
    await expect(page.getByText(new RegExp(`Canary key "${keyName}"`)).first()).toBeVisible({ timeout: 30_000 });
  });
});
