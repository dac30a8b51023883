// Webhooks end to end on a real PostgreSQL and real HTTP receivers: the outbox is written with
// the change or not at all, deliveries are signed as Standard Webhooks, retried on a clock the
// test controls, claimed once across instances, and rotation overlaps as promised.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Webhook } from "standardwebhooks";
import { recordAudit } from "@/lib/audit";
import { db } from "@/lib/db";
import { deliverDue, RETRY_WINDOW_MS } from "@/lib/notifications/deliveries";
import { dispatchOutbox } from "@/lib/notifications/dispatcher";
import { createApiKey, revokeApiKey } from "@/lib/services/api-keys";
import { createWebhookEndpoint, redeliverWebhook, rotateWebhookSecret, sendTestEvent, updateWebhookEndpoint } from "@/lib/services/webhooks";
import { context, createProject, seedBase, userActor } from "./support/fixtures";
import { startWebhookReceiver, type WebhookReceiver } from "./support/webhook-receiver";

const PRIVATE_OK = { allowPrivate: true };
let admin: Awaited<ReturnType<typeof seedBase>>["admin"];
let projectId: string;
let receiver: WebhookReceiver;
let counter = 0;

async function newKey(inProject = projectId) {
  counter += 1;
  return createApiKey(userActor(admin), { projectId: inProject, name: `Webhook test ${counter}`, expiry: "30d" }, context);
}

async function endpoint(input: Record<string, unknown> = {}) {
  return createWebhookEndpoint(userActor(admin), { url: receiver.url, eventTypes: ["key.revoked", "key.created"], projectId, ...input }, context, PRIVATE_OK);
}

/** Everything pending goes out now (dispatch, then deliveries until none is due). */
async function flush(now = () => new Date()) {
  await dispatchOutbox({ now: now() });
  while ((await deliverDue({ allowPrivate: true, now })) > 0);
}

beforeAll(async () => {
  ({ admin } = await seedBase());
  projectId = (await createProject()).id;
  receiver = await startWebhookReceiver();
});

afterAll(async () => {
  await receiver.close();
});

async function cleanSlate() {
  await db.webhookEndpoint.deleteMany();
  await dispatchOutbox();
  receiver.received.length = 0;
  receiver.status = 200;
}

describe("transactional outbox", () => {
  it("a committed revoke writes exactly one key.revoked event; a rolled-back change writes none", async () => {
    const key = await newKey();
    const before = await db.outboxEvent.count({ where: { keyId: key.id } });

    await expect(
      db.$transaction(async (tx) => {
        await tx.apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
        await recordAudit(tx, { actor: { type: "system" }, action: "key.revoked", summary: "test", keyId: key.id, projectId, metadata: { via: "api" } });
        throw new Error("the change fails after its audit event");
      }),
    ).rejects.toThrow("the change fails");
    expect(await db.outboxEvent.count({ where: { keyId: key.id } })).toBe(before);
    expect((await db.apiKey.findUniqueOrThrow({ where: { id: key.id } })).revokedAt).toBeNull();

    await revokeApiKey(userActor(admin), { keyId: key.publicId }, context);
    const events = await db.outboxEvent.findMany({ where: { keyId: key.id, type: "key.revoked" } });
    expect(events).toHaveLength(1);
    const body = JSON.parse(events[0]!.body);
    expect(body).toMatchObject({ type: "key.revoked", data: { key: { id: key.publicId, name: key.name }, actor: { type: "user", label: admin.email }, via: "dashboard" } });
    expect(body.data.key.revokedAt).not.toBeNull();
    // No secret or hash in what is sent.
    expect(events[0]!.body).not.toContain(key.secret);
  });
});

describe("delivery", () => {
  it("delivers a key.revoked the standardwebhooks verifier accepts, and logs the attempt", async () => {
    await cleanSlate();
    const { endpoint: created, secret } = await endpoint();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(secret.slice(6), "base64")).toHaveLength(32);
    const key = await newKey();
    await revokeApiKey(userActor(admin), { keyId: key.publicId }, context);
    await flush();

    const revoked = receiver.received.filter((r) => JSON.parse(r.body).type === "key.revoked");
    expect(revoked).toHaveLength(1);
    const [hit] = revoked;
    const payload = new Webhook(secret).verify(hit!.body, hit!.headers as Record<string, string>) as { type: string; data: { key: { id: string } } };
    expect(payload.type).toBe("key.revoked");
    expect(payload.data.key.id).toBe(key.publicId);
    expect(hit!.headers["content-type"]).toBe("application/json");
    // A tampered body or another secret is refused by the same verifier.
    expect(() => new Webhook(secret).verify(hit!.body.replace("revoked", "created"), hit!.headers as Record<string, string>)).toThrow();
    expect(() => new Webhook(`whsec_${Buffer.alloc(32, 7).toString("base64")}`).verify(hit!.body, hit!.headers as Record<string, string>)).toThrow();

    const delivery = await db.webhookDelivery.findFirstOrThrow({
      where: { endpointId: created.id, event: { type: "key.revoked" } },
      include: { attemptLog: true, event: true },
    });
    expect(delivery).toMatchObject({ status: "succeeded", attempts: 1, lastStatusCode: 200 });
    expect(delivery.attemptLog).toHaveLength(1);
    expect(delivery.attemptLog[0]).toMatchObject({ attempt: 1, statusCode: 200, responseBody: "ok" });
    expect(delivery.attemptLog[0]!.durationMs).toBeGreaterThanOrEqual(0);
    expect(delivery.event.body).toBe(hit!.body);
    expect(hit!.headers["webhook-id"]).toBe(delivery.event.eventId);
  });

  it("sends only subscribed event types, and only for the endpoint's project", async () => {
    await cleanSlate();
    const other = await createProject();
    await endpoint({ eventTypes: ["key.revoked"] });
    const everywhere = await endpoint({ eventTypes: ["key.created"], projectId: null });
    await newKey(other.id);
    const mine = await newKey();
    await revokeApiKey(userActor(admin), { keyId: mine.publicId }, context);
    await flush();

    const types = receiver.received.map((r) => JSON.parse(r.body) as { type: string; data: { key: { id: string } } });
    // The project endpoint: mine revoked. The all-projects endpoint: both keys created.
    expect(types.filter((t) => t.type === "key.revoked").map((t) => t.data.key.id)).toEqual([mine.publicId]);
    expect(types.filter((t) => t.type === "key.created")).toHaveLength(2);
    expect(await db.webhookDelivery.count({ where: { endpointId: everywhere.endpoint.id } })).toBe(2);
  });

  it("retries with exponential backoff and jitter on an injected clock, then gives up after 24 hours", async () => {
    await cleanSlate();
    await endpoint({ eventTypes: ["key.revoked"] });
    receiver.status = 500;
    const key = await newKey();
    await revokeApiKey(userActor(admin), { keyId: key.publicId }, context);
    let clock = Date.now();
    const now = () => new Date(clock);
    await dispatchOutbox({ now: now() });
    const delivery = await db.webhookDelivery.findFirstOrThrow({ where: { event: { type: "key.revoked", keyId: key.id } } });

    expect(await deliverDue({ allowPrivate: true, now })).toBe(1);
    let row = await db.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } });
    expect(row).toMatchObject({ status: "pending", attempts: 1, lastStatusCode: 500 });
    const firstDelay = row.nextAttemptAt.getTime() - clock;
    expect(firstDelay).toBeGreaterThanOrEqual(22_500);
    expect(firstDelay).toBeLessThanOrEqual(37_500);

    // Not due yet: nothing is sent.
    clock += 10_000;
    expect(await deliverDue({ allowPrivate: true, now })).toBe(0);

    const delays: number[] = [firstDelay];
    for (let attempt = 2; attempt < 100; attempt += 1) {
      row = await db.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } });
      if (row.status !== "pending") break;
      clock = row.nextAttemptAt.getTime();
      expect(await deliverDue({ allowPrivate: true, now })).toBe(1);
      const after = await db.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } });
      if (after.status === "pending") delays.push(after.nextAttemptAt.getTime() - clock);
    }
    row = await db.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } });
    expect(row.status).toBe("failed");
    expect(row.lastError).toMatch(/HTTP 500; gave up after 24 hours/);
    // Backoff grows (jitter aside) and caps; the attempts stay inside the 24-hour window.
    expect(delays[3]!).toBeGreaterThan(delays[0]! * 4);
    expect(Math.max(...delays)).toBeLessThanOrEqual(2 * 60 * 60 * 1000 * 1.25);
    expect(clock - row.createdAt.getTime()).toBeLessThanOrEqual(RETRY_WINDOW_MS);
    const hits = receiver.received.filter((r) => JSON.parse(r.body).type === "key.revoked");
    expect(hits).toHaveLength(row.attempts);
    expect(new Set(hits.map((h) => h.headers["webhook-id"])).size).toBe(1);
    expect(await db.webhookAttempt.count({ where: { deliveryId: delivery.id } })).toBe(row.attempts);
  });

  it("two instances polling at once never attempt the same delivery twice", async () => {
    await cleanSlate();
    await endpoint({ eventTypes: ["key.created"] });
    for (let i = 0; i < 12; i += 1) await newKey();
    await dispatchOutbox();
    const instance = () => deliverDue({ allowPrivate: true, batchSize: 3 });
    // Both "instances" poll concurrently until nothing is left.
    for (;;) {
      const [a, b] = await Promise.all([instance(), instance()]);
      if (a + b === 0) break;
    }
    const ids = receiver.received.map((r) => r.headers["webhook-id"]);
    expect(ids).toHaveLength(12);
    expect(new Set(ids).size).toBe(12);
    const attempts = await db.webhookDelivery.findMany({ select: { attempts: true, status: true } });
    expect(attempts.every((d) => d.attempts === 1 && d.status === "succeeded")).toBe(true);
  });
});

describe("endpoint management", () => {
  it("rotation overlaps: both secrets sign until the overlap ends, then only the new one", async () => {
    await cleanSlate();
    const { endpoint: created, secret: oldSecret } = await endpoint();
    const { secret: newSecret } = await rotateWebhookSecret(userActor(admin), { endpointId: created.id, overlap: "1h" }, context);
    expect(newSecret).not.toBe(oldSecret);

    await sendTestEvent(userActor(admin), { endpointId: created.id }, context);
    await flush();
    const during = receiver.received.at(-1)!;
    expect(String(during.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    for (const secret of [oldSecret, newSecret]) {
      expect(new Webhook(secret).verify(during.body, during.headers as Record<string, string>)).toMatchObject({ type: "webhook.test" });
    }

    // Two hours later the old secret no longer signs. (The verifier checks the timestamp against
    // its own clock, so only the header count is checked for the future attempt.)
    const later = () => new Date(Date.now() + 2 * 60 * 60 * 1000);
    await sendTestEvent(userActor(admin), { endpointId: created.id }, context);
    while ((await deliverDue({ allowPrivate: true, now: later })) > 0);
    const after = receiver.received.at(-1)!;
    expect(String(after.headers["webhook-signature"]).split(" ")).toHaveLength(1);
  });

  it("test events and redeliveries go to that endpoint only, with the same webhook-id on redelivery", async () => {
    await cleanSlate();
    const { endpoint: first } = await endpoint({ eventTypes: ["key.expired"] });
    await endpoint({ eventTypes: ["key.expired"] });
    const test = await sendTestEvent(userActor(admin), { endpointId: first.id }, context);
    await flush();
    expect(receiver.received).toHaveLength(1);
    expect(JSON.parse(receiver.received[0]!.body)).toMatchObject({ type: "webhook.test", data: { endpointId: first.id } });

    const again = await redeliverWebhook(userActor(admin), { endpointId: first.id, deliveryId: test.id }, context);
    expect(again.id).not.toBe(test.id);
    await flush();
    expect(receiver.received).toHaveLength(2);
    expect(receiver.received[1]!.headers["webhook-id"]).toBe(receiver.received[0]!.headers["webhook-id"]);
    expect(receiver.received[1]!.body).toBe(receiver.received[0]!.body);
  });

  it("a disabled endpoint receives nothing, and its pending retries end", async () => {
    await cleanSlate();
    const { endpoint: created } = await endpoint({ eventTypes: ["key.revoked"] });
    receiver.status = 503;
    const key = await newKey();
    await revokeApiKey(userActor(admin), { keyId: key.publicId }, context);
    await dispatchOutbox();
    await deliverDue({ allowPrivate: true });
    await updateWebhookEndpoint(userActor(admin), { endpointId: created.id, enabled: false }, context, PRIVATE_OK);
    const pending = await db.webhookDelivery.findFirstOrThrow({ where: { endpointId: created.id } });
    expect(pending).toMatchObject({ status: "failed", lastError: "The endpoint was disabled" });

    receiver.received.length = 0;
    await revokeApiKey(userActor(admin), { keyId: (await newKey()).publicId }, context);
    await flush();
    expect(receiver.received).toHaveLength(0);
    await expect(sendTestEvent(userActor(admin), { endpointId: created.id }, context)).rejects.toThrow(/disabled/);
  });

  it("only administrators manage endpoints; bad input changes nothing", async () => {
    await cleanSlate();
    const viewer = await db.user.create({ data: { email: `viewer-${Date.now()}@example.com`, name: "V", role: "viewer" } });
    await endpoint();
    await expect(
      createWebhookEndpoint(userActor(viewer), { url: receiver.url, eventTypes: ["key.revoked"] }, context, PRIVATE_OK),
    ).rejects.toThrow(/permission/);
    for (const bad of [
      { url: "not a url", eventTypes: ["key.revoked"] },
      { url: receiver.url, eventTypes: [] },
      { url: receiver.url, eventTypes: ["key.exploded"] },
      { url: receiver.url, eventTypes: ["key.revoked"], projectId: "not-a-uuid" },
      { url: "ftp://example.com/x", eventTypes: ["key.revoked"] },
      { url: "http://user:pass@127.0.0.1/x", eventTypes: ["key.revoked"] },
    ]) {
      await expect(createWebhookEndpoint(userActor(admin), bad, context, PRIVATE_OK)).rejects.toMatchObject({ code: "invalid" });
    }
    expect(await db.webhookEndpoint.count()).toBe(1);
  });
});
