// SSRF rules for webhook URLs: at save and again at delivery, with names resolved through an
// injected resolver (no network here) as well as the real one for `localhost`.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { deliverDue } from "@/lib/notifications/deliveries";
import { checkWebhookUrl, isPublicAddress, type Resolver } from "@/lib/notifications/ssrf";
import { createWebhookEndpoint, sendTestEvent, updateWebhookEndpoint } from "@/lib/services/webhooks";
import { context, seedBase, userActor } from "./support/fixtures";
import { startWebhookReceiver, type WebhookReceiver } from "./support/webhook-receiver";

/** A DNS the test controls: names map to whatever the test says right now. */
function fakeDns(table: Record<string, string[]>): Resolver & { table: Record<string, string[]> } {
  const resolve = (async (hostname: string) => {
    const answer = table[hostname];
    if (!answer) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: "ENOTFOUND" });
    return answer;
  }) as Resolver & { table: Record<string, string[]> };
  resolve.table = table;
  return resolve;
}

const strict = (resolve?: Resolver) => ({ allowPrivate: false, resolve });

describe("address classification", () => {
  it.each([
    ["127.0.0.1"], ["127.1.2.3"], ["10.0.0.5"], ["172.16.3.4"], ["192.168.1.1"], ["169.254.169.254"], ["100.100.100.200"],
    ["0.0.0.0"], ["255.255.255.255"], ["224.0.0.1"], ["::1"], ["::"], ["fe80::1"], ["fd00:ec2::254"], ["::ffff:127.0.0.1"],
    ["::ffff:10.0.0.1"], ["64:ff9b::a00:1"], ["2002:7f00:1::1"], ["not an address"],
  ])("%s is not public", (address) => {
    expect(isPublicAddress(address)).toBe(false);
  });

  it.each([["93.184.216.34"], ["1.1.1.1"], ["2606:4700:4700::1111"], ["::ffff:93.184.216.34"]])("%s is public", (address) => {
    expect(isPublicAddress(address)).toBe(true);
  });
});

describe("checkWebhookUrl", () => {
  const dns = fakeDns({
    "hooks.example.com": ["93.184.216.34"],
    "rebind.example.com": ["93.184.216.34", "127.0.0.1"],
    "loopback.example.com": ["127.0.0.1"],
    "metadata.example.com": ["169.254.169.254"],
    "v6.example.com": ["::1"],
  });

  it("accepts https to a public address", async () => {
    const check = await checkWebhookUrl("https://hooks.example.com/keydesk?x=1", strict(dns));
    expect(check).toMatchObject({ ok: true, addresses: ["93.184.216.34"] });
  });

  it.each([
    ["http://hooks.example.com/keydesk", /https/],
    ["https://loopback.example.com/", /127\.0\.0\.1/],
    ["https://rebind.example.com/", /private or local/],
    ["https://metadata.example.com/latest", /169\.254\.169\.254/],
    ["https://v6.example.com/", /::1/],
    ["https://localhost/", /localhost/],
    ["https://api.localhost/", /localhost/],
    ["https://127.0.0.1/", /private or local/],
    ["https://2130706433/", /private or local/],
    ["https://0x7f.1/", /private or local/],
    ["https://[::1]/", /private or local/],
    ["https://[::ffff:7f00:1]/", /private or local/],
    ["https://169.254.169.254/", /private or local/],
    ["https://nowhere.example.com/", /does not resolve/],
    ["https://user:pw@hooks.example.com/", /user name or password/],
    ["javascript:alert(1)", /https/],
    ["hooks.example.com/keydesk", /full URL/],
    [`https://hooks.example.com/${"a".repeat(2100)}`, /at most 2048/],
  ])("refuses %s", async (url, message) => {
    const check = await checkWebhookUrl(url, strict(dns));
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.message).toMatch(message);
  });

  it("refuses names that really resolve to loopback, through the system resolver", async () => {
    expect((await checkWebhookUrl("https://localhost:8443/hook", strict())).ok).toBe(false);
    expect((await checkWebhookUrl("https://LOCALHOST/hook", strict())).ok).toBe(false);
    // "localhost." is not the literal name: resolving it (where it resolves at all) says loopback.
    const dotted = await checkWebhookUrl("https://localhost./hook", strict());
    expect(dotted).toMatchObject({ ok: false, message: expect.stringMatching(/private or local address \((127\.0\.0\.1|::1)\)|does not resolve/) });
  });

  it("KEYDESK_WEBHOOK_ALLOW_PRIVATE lifts both rules, but not the URL's shape", async () => {
    const open = { allowPrivate: true, resolve: dns };
    expect((await checkWebhookUrl("http://127.0.0.1:9/hook", open)).ok).toBe(true);
    expect((await checkWebhookUrl("http://loopback.example.com/hook", open)).ok).toBe(true);
    expect((await checkWebhookUrl("ftp://127.0.0.1/hook", open)).ok).toBe(false);
    expect((await checkWebhookUrl("http://u:p@127.0.0.1/hook", open)).ok).toBe(false);
  });
});

describe("at save and at delivery", () => {
  let admin: Awaited<ReturnType<typeof seedBase>>["admin"];
  let receiver: WebhookReceiver;

  beforeAll(async () => {
    ({ admin } = await seedBase());
    receiver = await startWebhookReceiver();
  });
  afterAll(async () => {
    await receiver.close();
  });

  it("refuses to save private targets, and stores nothing", async () => {
    const dns = fakeDns({ "internal.example.com": ["10.1.2.3"] });
    for (const url of ["https://localhost/hook", "https://internal.example.com/hook", receiver.url, "https://[::1]/hook"]) {
      await expect(
        createWebhookEndpoint(userActor(admin), { url, eventTypes: ["key.revoked"] }, context, strict(dns)),
      ).rejects.toMatchObject({ code: "invalid", fieldErrors: { url: [expect.any(String)] } });
    }
    expect(await db.webhookEndpoint.count()).toBe(0);
  });

  it("checks again at each delivery: a name that now resolves to 127.0.0.1 gets no request", async () => {
    // Saved while the name pointed at a public address (as far as the check could tell)...
    const dns = fakeDns({ "hooks.example.com": ["93.184.216.34"] });
    const { endpoint } = await createWebhookEndpoint(
      userActor(admin),
      { url: `https://hooks.example.com:${new URL(receiver.url).port}/hook`, eventTypes: ["key.revoked"] },
      context,
      strict(dns),
    );
    // ...then DNS changes to point at this machine, where the receiver listens.
    dns.table["hooks.example.com"] = ["127.0.0.1"];
    await sendTestEvent(userActor(admin), { endpointId: endpoint.id }, context);
    expect(await deliverDue({ allowPrivate: false, resolve: dns })).toBe(1);

    const delivery = await db.webhookDelivery.findFirstOrThrow({ where: { endpointId: endpoint.id }, include: { attemptLog: true } });
    expect(delivery.status).toBe("pending");
    expect(delivery.lastError).toMatch(/resolves to a private or local address \(127\.0\.0\.1\)/);
    expect(delivery.attemptLog[0]).toMatchObject({ statusCode: null, error: expect.stringMatching(/127\.0\.0\.1/) });
    expect(receiver.received).toHaveLength(0);

    // Editing to a private URL is refused the same way as creating one.
    await expect(
      updateWebhookEndpoint(userActor(admin), { endpointId: endpoint.id, url: "https://localhost/x" }, context, strict(dns)),
    ).rejects.toMatchObject({ code: "invalid" });
  });
});
