// Refused (throttled) sign-ins in the audit log: 400 attempts against a locked account in a
// minute used to write 399 audit events, each under the audit chain's global lock. Now the first
// of each (email, client, minute) is audited at once and the rest in one summary that says how
// many — and no attempt goes uncounted.
import { beforeAll, describe, expect, it } from "vitest";
import { authorizeCredentials } from "@/lib/services/sign-in";
import { db } from "@/lib/db";
import { flushRefusalSummaries } from "@/lib/services/sign-in-refusals";
import { FREE_ATTEMPTS } from "@/lib/services/sign-in-throttle";
import { seedBase, signInAs } from "./support/fixtures";

const attacker = { ip: "203.0.113.66", userAgent: "hydra" };
let adminEmail: string;

beforeAll(async () => {
  adminEmail = (await seedBase()).admin.email;
});

async function attempt(password: string) {
  return authorizeCredentials({ email: adminEmail, password }, attacker).catch((error: Error) => ({ error: error.message }));
}

const throttledEvents = () =>
  db.auditEvent.findMany({ where: { action: "auth.sign_in_throttled", actorLabel: adminEmail }, orderBy: { id: "asc" } });

describe("throttled sign-in attempts", () => {
  it("400 refused attempts become a handful of audit events that add up to 400", async () => {
    for (let i = 0; i < FREE_ATTEMPTS; i += 1) await attempt(`wrong-password-${i}`);
    const eventsBefore = await db.auditEvent.count();

    let refused = 0;
    for (let batch = 0; batch < 8; batch += 1) {
      const answers = await Promise.all(Array.from({ length: 50 }, (_, i) => attempt(`guess-${batch}-${i}-password`)));
      refused += answers.filter((a) => a && "error" in a && /Too many failed attempts/.test(a.error)).length;
    }
    expect(refused).toBe(400);
    // Right away: one event per minute the attack touched (usually one), not 400.
    const immediate = await throttledEvents();
    expect(immediate.length).toBeGreaterThanOrEqual(1);
    expect(immediate.length).toBeLessThanOrEqual(2);
    expect(immediate[0]).toMatchObject({ ip: attacker.ip, userAgent: "hydra", summary: `Sign-in for ${adminEmail} refused: too many failed attempts` });

    // Once the minute is over, the next refusal or sign-in anywhere writes the summary.
    await db.$transaction((tx) => flushRefusalSummaries(tx, new Date(Date.now() + 2 * 60_000)));
    const events = await throttledEvents();
    expect(events.length).toBeLessThanOrEqual(4);
    const counted = events.reduce((sum, event) => sum + Number((event.metadata as { attempts?: number }).attempts ?? 0), 0);
    expect(counted).toBe(400);
    const summary = events.find((event) => (event.metadata as { summary?: boolean }).summary);
    expect(summary?.summary).toMatch(new RegExp(`^\\d+ more sign-in attempts for ${adminEmail.replace(".", "\\.")} refused in the minute from \\d\\d:\\d\\d UTC: too many failed attempts$`));
    expect(summary?.ip).toBe(attacker.ip);
    expect(await db.auditEvent.count()).toBeLessThanOrEqual(eventsBefore + 4);
    expect(await db.signInRefusal.count()).toBe(0);
  });

  it("a successful sign-in elsewhere writes summaries of minutes that are over", async () => {
    await db.signInRefusal.create({ data: { email: "someone@example.com", ip: "192.0.2.5", minute: new Date(Date.now() - 5 * 60_000), count: 17 } });
    await db.signInRefusal.create({ data: { email: "single@example.com", ip: "", minute: new Date(Date.now() - 5 * 60_000), count: 1 } });
    await signInAs(adminEmail, "a-long-password-1", { ip: "192.0.2.200", userAgent: "vitest" });
    const summary = await db.auditEvent.findFirstOrThrow({ where: { action: "auth.sign_in_throttled", actorLabel: "someone@example.com" } });
    expect(summary).toMatchObject({ ip: "192.0.2.5", metadata: { attempts: 16, summary: true } });
    // A minute with only the one audited attempt needs no summary.
    expect(await db.auditEvent.count({ where: { actorLabel: "single@example.com" } })).toBe(0);
    expect(await db.signInRefusal.count()).toBe(0);
  });
});
