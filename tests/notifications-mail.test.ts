// Email on a real SMTP server in-process: expiry reminders (7 days and 1 day before, once per key
// and threshold however often or concurrently the job runs), the weekly stale-key digest, the
// per-user opt-outs, and the scheduler's single-flight claims.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { DAY_MS } from "@/lib/dates";
import { queueStaleDigests, isoWeek, nextDigestTime } from "@/lib/notifications/jobs/digest";
import { raiseExpiryEvents } from "@/lib/notifications/jobs/expiry";
import { mailSettings } from "@/lib/notifications/mail/config";
import { sendDueMail } from "@/lib/notifications/mail/queue";
import { runDueJobs, type ScheduledJob } from "@/lib/notifications/scheduler";
import { createApiKey } from "@/lib/services/api-keys";
import { context, createProject, seedBase, userActor } from "./support/fixtures";
import { startSmtp, type TestSmtp } from "./support/smtp";

let smtp: TestSmtp;
let admin: Awaited<ReturnType<typeof seedBase>>["admin"];
let projectId: string;
let n = 0;

async function user(role: "admin" | "viewer", prefs: { emailReminders?: boolean; emailAlerts?: boolean } = {}) {
  n += 1;
  return db.user.create({ data: { email: `${role}-${n}-${Date.now()}@example.test`, name: `${role} ${n}`, role, ...prefs } });
}

async function key(name: string, expiry = "30d") {
  const created = await createApiKey(userActor(admin), { projectId, name, expiry }, context);
  return db.apiKey.findUniqueOrThrow({ where: { id: created.id } });
}

/** Sends everything queued; mail queued "in the future" (the tests' clocks run ahead) included. */
async function sendAll() {
  const later = () => new Date(Date.now() + 400 * DAY_MS);
  while ((await sendDueMail({ now: later })) > 0);
}

const mailFor = (address: string) => smtp.received.filter((m) => m.to.includes(address));

beforeAll(async () => {
  smtp = await startSmtp();
  ({ admin } = await seedBase());
  projectId = (await createProject()).id;
});

afterAll(async () => {
  await smtp.close();
});

beforeEach(() => {
  process.env.SMTP_URL = smtp.url;
  process.env.KEYDESK_MAIL_FROM = "Keydesk <keydesk@example.test>";
  process.env.NEXTAUTH_URL = "https://keys.example.test";
  smtp.received.length = 0;
});

describe("mail settings", () => {
  it("is off unless both SMTP_URL and KEYDESK_MAIL_FROM are set, and then nothing is queued", async () => {
    delete process.env.KEYDESK_MAIL_FROM;
    expect(mailSettings()).toMatchObject({ enabled: false });
    const k = await key("Off switch", "7d");
    const result = await raiseExpiryEvents(new Date(k.expiresAt!.getTime() - DAY_MS / 2));
    expect(result.expiring).toBeGreaterThanOrEqual(1);
    expect(await db.mailMessage.count({ where: { text: { contains: k.publicId } } })).toBe(0);
    process.env.KEYDESK_MAIL_FROM = "Keydesk <keydesk@example.test>";
    expect(mailSettings()).toMatchObject({ enabled: true, server: expect.stringMatching(/^127\.0\.0\.1:\d+$/) });
  });
});

describe("expiry reminders", () => {
  it("mails the creator and the administrators 7 days and 1 day before, once each, with a roll link", async () => {
    const otherAdmin = await user("admin");
    const optedOut = await user("admin", { emailReminders: false });
    const viewer = await user("viewer");
    const k = await key("Billing export");
    const expiresAt = k.expiresAt!;

    // 6.5 days before: the 7-day threshold. Three overlapping runs (instances) raise it once.
    const sevenDays = new Date(expiresAt.getTime() - 6.5 * DAY_MS);
    await Promise.all([raiseExpiryEvents(sevenDays), raiseExpiryEvents(sevenDays), raiseExpiryEvents(sevenDays)]);
    await raiseExpiryEvents(new Date(sevenDays.getTime() + 60_000));
    const events = await db.outboxEvent.findMany({ where: { keyId: k.id, type: "key.expiring" } });
    expect(events).toHaveLength(1);
    expect(JSON.parse(events[0]!.body)).toMatchObject({ data: { threshold: "7d", expiresAt: expiresAt.toISOString(), key: { id: k.publicId } } });

    await sendAll();
    expect(mailFor(admin.email)).toHaveLength(1);
    expect(mailFor(otherAdmin.email)).toHaveLength(1);
    expect(mailFor(optedOut.email)).toHaveLength(0);
    expect(mailFor(viewer.email)).toHaveLength(0);
    const mail = mailFor(admin.email)[0]!;
    expect(mail.from).toBe("keydesk@example.test");
    expect(mail.parsed.subject).toBe('Key "Billing export" expires in 7 days');
    const rollLink = `https://keys.example.test/settings/api-keys/${k.publicId}?roll=1`;
    expect(mail.parsed.text).toContain(rollLink);
    expect(mail.parsed.text).toContain("Billing export");
    expect(mail.parsed.html).toContain(rollLink.replace("?roll", "?roll"));
    expect(mail.parsed.html).toMatch(/<a href="[^"]*\?roll=1"/);

    // 12 hours before: the 1-day threshold, once, even after a "restart" re-runs the job.
    smtp.received.length = 0;
    const oneDay = new Date(expiresAt.getTime() - DAY_MS / 2);
    await raiseExpiryEvents(oneDay);
    await raiseExpiryEvents(oneDay);
    await sendAll();
    expect(mailFor(admin.email).map((m) => m.parsed.subject)).toEqual(['Key "Billing export" expires tomorrow']);
    expect(await db.outboxEvent.count({ where: { keyId: k.id, type: "key.expiring" } })).toBe(2);

    // After expiry: key.expired once, and no more reminders.
    const after = new Date(expiresAt.getTime() + 60_000);
    await raiseExpiryEvents(after);
    await raiseExpiryEvents(after);
    expect(await db.outboxEvent.count({ where: { keyId: k.id, type: "key.expired" } })).toBe(1);
    await sendAll();
    expect(mailFor(admin.email)).toHaveLength(1);
  });

  it("skips a threshold the key never lived through, and revoked or rolled keys", async () => {
    const shortLived = await key("Short lived", "7d");
    const revoked = await key("Revoked one", "7d");
    await db.apiKey.update({ where: { id: revoked.id }, data: { revokedAt: new Date() } });
    await raiseExpiryEvents(new Date(shortLived.expiresAt!.getTime() - 3 * DAY_MS));
    expect(await db.outboxEvent.count({ where: { keyId: shortLived.id, type: "key.expiring" } })).toBe(0);
    await raiseExpiryEvents(new Date(shortLived.expiresAt!.getTime() - DAY_MS / 4));
    expect((await db.outboxEvent.findMany({ where: { keyId: shortLived.id, type: "key.expiring" } })).map((e) => JSON.parse(e.body).data.threshold)).toEqual(["1d"]);
    expect(await db.outboxEvent.count({ where: { keyId: revoked.id, type: { in: ["key.expiring", "key.expired"] } } })).toBe(0);
  });
});

describe("stale-key digest", () => {
  it("lists keys unused for 90 days, once per person and week, never canaries", async () => {
    const now = new Date(Date.now() + 200 * DAY_MS);
    const stale = await key("Forgotten cron", "never");
    await db.apiKey.update({ where: { id: stale.id }, data: { lastUsedAt: new Date(now.getTime() - 120 * DAY_MS) } });
    const fresh = await key("Busy service", "never");
    await db.apiKey.update({ where: { id: fresh.id }, data: { lastUsedAt: new Date(now.getTime() - DAY_MS) } });
    const canary = await key("Honeytoken", "never");
    await db.apiKey.update({ where: { id: canary.id }, data: { canary: true } });
    const optedOut = await user("admin", { emailReminders: false });

    expect(await queueStaleDigests(now)).toBeGreaterThanOrEqual(1);
    expect(await queueStaleDigests(now)).toBe(0);
    await sendAll();
    const [digest, ...more] = mailFor(admin.email).filter((m) => /unused for/.test(m.parsed.subject ?? ""));
    expect(more).toHaveLength(0);
    expect(digest!.parsed.subject).toMatch(/API keys? unused for 90 days/);
    expect(digest!.parsed.text).toContain("Forgotten cron");
    expect(digest!.parsed.text).not.toContain("Busy service");
    expect(digest!.parsed.text).not.toContain("Honeytoken");
    expect(digest!.parsed.html).toContain("Forgotten cron");
    expect(mailFor(optedOut.email)).toHaveLength(0);
    expect(await db.mailMessage.count({ where: { kind: "digest", userId: optedOut.id } })).toBe(0);

    // The next week brings the next digest.
    expect(await queueStaleDigests(new Date(now.getTime() + 7 * DAY_MS))).toBeGreaterThanOrEqual(1);
  });

  it("runs on Mondays at 08:00 UTC", () => {
    expect(nextDigestTime(new Date("2026-12-02T10:00:00Z")).toISOString()).toBe("2026-12-07T08:00:00.000Z");
    expect(nextDigestTime(new Date("2026-12-07T07:59:00Z")).toISOString()).toBe("2026-12-07T08:00:00.000Z");
    expect(nextDigestTime(new Date("2026-12-07T08:00:00Z")).toISOString()).toBe("2026-12-14T08:00:00.000Z");
    expect(isoWeek(new Date("2027-01-01T00:00:00Z"))).toBe("2026-W53");
  });
});

describe("scheduler", () => {
  it("is single-flight across instances and keeps its schedule in the database", async () => {
    let runs = 0;
    const job: ScheduledJob = {
      name: `test-job-${Date.now()}`,
      firstRun: (now) => now,
      next: (now) => new Date(now.getTime() + 60_000),
      run: async () => {
        runs += 1;
        await new Promise((resolve) => setTimeout(resolve, 200));
      },
    };
    const now = new Date();
    const results = await Promise.all([runDueJobs([job], now), runDueJobs([job], now), runDueJobs([job], now)]);
    expect(runs).toBe(1);
    expect(results.flat()).toEqual([{ name: job.name, error: null }]);
    // A "restarted" process finds the run done and the next one not yet due.
    expect(await runDueJobs([job], new Date(now.getTime() + 30_000))).toEqual([]);
    expect(await runDueJobs([job], new Date(now.getTime() + 61_000))).toHaveLength(1);
    expect(runs).toBe(2);
  });

  it("an instance that died mid-run holds the job only until its lease runs out", async () => {
    let runs = 0;
    const job: ScheduledJob = { name: `crash-job-${Date.now()}`, firstRun: (now) => now, next: (now) => new Date(now.getTime() + 60_000), run: async () => void (runs += 1) };
    const now = new Date();
    // As left by a process killed during its run: due again, lease still held.
    await db.schedulerJob.create({ data: { name: job.name, nextRunAt: now, leaseUntil: new Date(now.getTime() + 5 * 60_000) } });
    expect(await runDueJobs([job], now)).toEqual([]);
    expect(await runDueJobs([job], new Date(now.getTime() + 11 * 60_000))).toHaveLength(1);
    expect(runs).toBe(1);
  });

  it("records a failed run and tries again at the next slot", async () => {
    const job: ScheduledJob = { name: `failing-${Date.now()}`, firstRun: (now) => now, next: (now) => new Date(now.getTime() + 60_000), run: async () => { throw new Error("boom"); } };
    const logged: string[] = [];
    expect(await runDueJobs([job], new Date(), (line) => logged.push(line))).toEqual([{ name: job.name, error: "Error: boom" }]);
    expect(logged[0]).toMatch(/failing-\d+ failed: Error: boom/);
    expect(await db.schedulerJob.findUniqueOrThrow({ where: { name: job.name } })).toMatchObject({ lastError: "Error: boom", leaseUntil: null });
  });
});
