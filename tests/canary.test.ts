// Canary keys: a use noted on the hot path becomes a key.canary_used audit event, webhook and
// alert mail, at once and within bounds however hard the canary is hammered.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { db } from "@/lib/db";
import { noteCanaryUse, takeCanaryUses } from "@/lib/keys/canary";
import { recordCanaryUses } from "@/lib/notifications/canary-alerts";
import { deliverDue } from "@/lib/notifications/deliveries";
import { dispatchOutbox } from "@/lib/notifications/dispatcher";
import { sendDueMail } from "@/lib/notifications/mail/queue";
import { createApiKey } from "@/lib/services/api-keys";
import { createWebhookEndpoint } from "@/lib/services/webhooks";
import { context, createProject, seedBase, userActor } from "./support/fixtures";
import { startSmtp, type TestSmtp } from "./support/smtp";
import { startWebhookReceiver, type WebhookReceiver } from "./support/webhook-receiver";

let admin: Awaited<ReturnType<typeof seedBase>>["admin"];
let projectId: string;
let receiver: WebhookReceiver;
let smtp: TestSmtp;
let secret: string;

async function canaryKey(name: string) {
  const created = await createApiKey(userActor(admin), { projectId, name, expiry: "never" }, context);
  await db.apiKey.update({ where: { id: created.id }, data: { canary: true } });
  return created;
}

beforeAll(async () => {
  ({ admin } = await seedBase());
  projectId = (await createProject()).id;
  receiver = await startWebhookReceiver();
  smtp = await startSmtp();
  process.env.SMTP_URL = smtp.url;
  process.env.KEYDESK_MAIL_FROM = "keydesk@example.test";
  ({ secret } = await createWebhookEndpoint(userActor(admin), { url: receiver.url, eventTypes: ["key.canary_used"] }, context, { allowPrivate: true }));
});

afterAll(async () => {
  delete process.env.SMTP_URL;
  delete process.env.KEYDESK_MAIL_FROM;
  await Promise.all([receiver.close(), smtp.close()]);
});

beforeEach(() => {
  takeCanaryUses();
  receiver.received.length = 0;
  smtp.received.length = 0;
});

describe("canary alerts", () => {
  it("a noted use is alerted by webhook and email with the method, path and IP", async () => {
    const key = await canaryKey("Planted in config.yml");
    noteCanaryUse(key.id, { method: "GET", path: "/admin/export", ip: "203.0.113.9" });
    expect(await recordCanaryUses()).toBe(1);
    await dispatchOutbox();
    while ((await deliverDue({ allowPrivate: true })) > 0);
    while ((await sendDueMail()) > 0);

    const [hit] = receiver.received;
    const event = new Webhook(secret).verify(hit!.body, hit!.headers as Record<string, string>) as { type: string; data: Record<string, unknown> };
    expect(event).toMatchObject({
      type: "key.canary_used",
      data: { request: { method: "GET", path: "/admin/export", ip: "203.0.113.9" }, key: { id: key.publicId, canary: true } },
    });
    const audit = await db.auditEvent.findFirstOrThrow({ where: { keyId: key.id, action: "key.canary_used" } });
    expect(audit).toMatchObject({ actorType: "anonymous", ip: "203.0.113.9" });
    const mail = smtp.received.find((m) => m.parsed.subject === 'Canary key "Planted in config.yml" was used');
    expect(mail?.to).toEqual([admin.email]);
    expect(mail!.parsed.text).toContain("GET /admin/export");
    expect(mail!.parsed.text).toContain("203.0.113.9");
  });

  it("stays bounded when hammered: one alert a minute per identical request, ten per key", async () => {
    const key = await canaryKey("Hammered");
    const at = new Date();
    for (let i = 0; i < 500; i += 1) noteCanaryUse(key.id, { method: "GET", path: "/same", ip: "198.51.100.1" }, at);
    for (let i = 0; i < 50; i += 1) noteCanaryUse(key.id, { method: "GET", path: `/probe/${i}`, ip: "198.51.100.1" }, at);
    const { uses, suppressed } = takeCanaryUses();
    expect(uses).toHaveLength(10);
    expect(suppressed).toBe(540);
    // A minute later the same request alerts again.
    noteCanaryUse(key.id, { method: "GET", path: "/same", ip: "198.51.100.1" }, new Date(at.getTime() + 61_000));
    expect(takeCanaryUses().uses).toHaveLength(1);
  });

  it("ignores uses of keys that are not (or no longer) canaries", async () => {
    const plain = await createApiKey(userActor(admin), { projectId, name: "Ordinary", expiry: "30d" }, context);
    noteCanaryUse(plain.id, { method: "GET", path: "/", ip: null });
    expect(await recordCanaryUses()).toBe(0);
    expect(await db.auditEvent.count({ where: { keyId: plain.id, action: "key.canary_used" } })).toBe(0);
  });
});
