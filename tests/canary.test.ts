// Canary keys: a use noted on the hot path becomes a key.canary_used audit event, webhook and
// alert mail, at once and within bounds however hard the canary is hammered.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { GET as listProjects } from "@/app/api/v1/projects/route";
import { generateSecret } from "@/lib/keys/secret";
import { flushUsage } from "@/lib/keys/usage";
import { createVerifyHandler } from "@/server/verify-handler";
import { db } from "@/lib/db";
import { noteCanaryUse, takeCanaryUses } from "@/lib/keys/canary";
import { recordCanaryUses } from "@/lib/notifications/canary-alerts";
import { deliverDue } from "@/lib/notifications/deliveries";
import { dispatchOutbox } from "@/lib/notifications/dispatcher";
import { sendDueMail } from "@/lib/notifications/mail/queue";
import { createApiKey, rollApiKey } from "@/lib/services/api-keys";
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

describe("verifying a canary", () => {
  let server: http.Server;
  let url: string;
  beforeAll(async () => {
    const verify = createVerifyHandler({ log: () => undefined });
    server = http.createServer((req, res) => verify(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/keys/verify`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function post(key: string) {
    const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ key, project: projectId, method: "POST", path: "/payouts" }) });
    return { status: response.status, type: response.headers.get("content-type"), body: await response.text() };
  }

  it("answers byte for byte what an unknown key answers, cached or not, counts no usage, and notes the use", async () => {
    const canary = await canaryKey("In the wiki");
    const unknown = generateSecret((await db.project.findUniqueOrThrow({ where: { id: projectId } })).keyPrefix).secret;
    const first = await post(canary.secret); // uncached
    const second = await post(canary.secret); // cached
    const stranger = await post(unknown);
    expect(first).toEqual({ status: 200, type: "application/json", body: '{"valid":false,"code":"NOT_FOUND"}' });
    expect(second).toEqual(first);
    expect(stranger).toEqual(first);

    const { uses } = takeCanaryUses();
    expect(uses).toHaveLength(1);
    expect(uses[0]).toMatchObject({ keyId: canary.id, method: "POST", path: "/payouts", ip: "127.0.0.1" });
    await flushUsage();
    expect(await db.keyUsageDaily.count({ where: { keyId: canary.id } })).toBe(0);
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: canary.id } })).lastUsedAt).toBeNull();
  });

  it("a canary planted as a management key gets the unknown-key 401 and raises the alert", async () => {
    const system = await db.project.findUniqueOrThrow({ where: { slug: "keydesk-api" } });
    const created = await createApiKey(userActor(admin), { projectId: system.id, name: "Planted admin key", expiry: "never", canary: true }, context);
    const call = (key: string) => listProjects(new Request("http://keydesk.test/api/v1/projects", { headers: { authorization: `Bearer ${key}`, "x-keydesk-client-ip": "192.0.2.44" } }));
    const planted = await call(created.secret);
    const unknown = await call(generateSecret(system.keyPrefix).secret);
    expect([planted.status, await planted.text()]).toEqual([401, await unknown.text()]);
    expect(takeCanaryUses().uses).toMatchObject([{ keyId: created.id, method: "GET", path: "/api/v1/projects", ip: "192.0.2.44" }]);
  });

  it("is created by an administrator, outside the project's active-key limit, and cannot be rolled", async () => {
    const small = await db.project.update({ where: { id: (await createProject()).id }, data: { activeKeyLimit: 1 } });
    await createApiKey(userActor(admin), { projectId: small.id, name: "The one", expiry: "30d" }, context);
    await expect(createApiKey(userActor(admin), { projectId: small.id, name: "Second", expiry: "30d" }, context)).rejects.toMatchObject({ code: "limit" });
    const canary = await createApiKey(userActor(admin), { projectId: small.id, name: "Honeytoken", expiry: "never", canary: true }, context);
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: canary.id } })).canary).toBe(true);
    await expect(rollApiKey(userActor(admin), { keyId: canary.publicId, grace: "now" }, context)).rejects.toThrow(/canary/);
    const audit = await db.auditEvent.findFirstOrThrow({ where: { keyId: canary.id, action: "key.created" } });
    expect(audit.summary).toMatch(/^Created canary key/);
  });
});
