// Sign-in back-off on a real PostgreSQL: five failures lock the account and the IP with a wait
// that doubles, unknown emails behave exactly like real ones, success clears the counters, and a
// burst of parallel guesses cannot get more than five passwords checked.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { authorizeCredentials } from "@/lib/auth/options";
import { db } from "@/lib/db";
import {
  FREE_ATTEMPTS,
  claimSignInAttempt,
  lockDurationMs,
  signInThrottleKeys,
  throttleMessage,
} from "@/lib/services/sign-in-throttle";
import { seedBase } from "./support/fixtures";

const PASSWORD = "a-long-password-1"; // seedBase's administrator
let adminEmail: string;
let ipCounter = 0;

/** A fresh client address per test, so per-IP counters do not leak between tests. */
function client() {
  ipCounter += 1;
  return { ip: `198.51.100.${ipCounter}`, userAgent: "vitest" };
}

/** What the sign-in form would show: null (generic failure), the user, or the thrown message. */
async function attempt(email: string, password: string, context: { ip: string | null; userAgent: string }) {
  try {
    return await authorizeCredentials({ email, password }, context);
  } catch (error) {
    return { error: (error as Error).message };
  }
}

async function unlock(keys: string[]) {
  await db.signInThrottle.updateMany({ where: { key: { in: keys } }, data: { lockedUntil: new Date(Date.now() - 1000) } });
}

beforeAll(async () => {
  adminEmail = (await seedBase()).admin.email;
});

beforeEach(async () => {
  await db.signInThrottle.deleteMany();
});

describe("lock arithmetic", () => {
  it("locks at the fifth failure for 30 s, doubling up to 15 minutes", () => {
    expect([1, 4, 5, 6, 7, 9, 10, 50].map(lockDurationMs)).toEqual([0, 0, 30_000, 60_000, 120_000, 480_000, 900_000, 900_000]);
  });

  it("says how long to wait in words", () => {
    expect(throttleMessage(30_000)).toBe("Too many failed attempts. Try again in 30 seconds.");
    expect(throttleMessage(1)).toBe("Too many failed attempts. Try again in 1 second.");
    expect(throttleMessage(60_000)).toBe("Too many failed attempts. Try again in 1 minute.");
    expect(throttleMessage(90_000)).toBe("Too many failed attempts. Try again in 2 minutes.");
    expect(throttleMessage(900_000)).toBe("Too many failed attempts. Try again in 15 minutes.");
  });
});

describe("per account", () => {
  it("locks after five failures, refuses even the right password while locked, and audits it", async () => {
    const context = client();
    const results = [];
    for (let i = 0; i < FREE_ATTEMPTS; i += 1) results.push(await attempt(adminEmail, `wrong-password-${i}`, context));
    expect(results.slice(0, 4)).toEqual([null, null, null, null]);
    // The wait is counted from when the attempt started, so a slow machine may show 29.
    expect(results[4]).toEqual({ error: expect.stringMatching(/^Too many failed attempts\. Try again in (30|29) seconds\.$/) });

    // Locked: the right password is not even checked.
    const failuresBefore = await db.auditEvent.count({ where: { action: "auth.sign_in_failed" } });
    expect(await attempt(adminEmail, PASSWORD, client())).toEqual({ error: expect.stringMatching(/^Too many failed attempts\. Try again in \d+ seconds\.$/) });
    expect(await db.auditEvent.count({ where: { action: "auth.sign_in_failed" } })).toBe(failuresBefore);
    const throttled = await db.auditEvent.findFirstOrThrow({ where: { action: "auth.sign_in_throttled" }, orderBy: { id: "desc" } });
    expect(throttled).toMatchObject({ actorType: "anonymous", actorLabel: adminEmail, metadata: { retryAfterSeconds: expect.any(Number) } });
    expect(JSON.stringify({ ...throttled, id: "" })).not.toContain(PASSWORD);

    // After the wait, the next failure locks again for twice as long.
    await unlock(signInThrottleKeys(adminEmail, context.ip));
    expect(await attempt(adminEmail, "wrong-again-password", client())).toEqual({ error: "Too many failed attempts. Try again in 1 minute." });

    // The right password after the lock has run out works and clears the account's counter.
    await unlock(signInThrottleKeys(adminEmail, null));
    expect(await attempt(adminEmail, PASSWORD, client())).toMatchObject({ email: adminEmail });
    expect(await db.signInThrottle.findUnique({ where: { key: `email:${adminEmail}` } })).toBeNull();
    expect(await attempt(adminEmail, "wrong-password-x", client())).toBeNull();
    expect((await db.signInThrottle.findUniqueOrThrow({ where: { key: `email:${adminEmail}` } })).failures).toBe(1);
  });

  it("treats an unknown email exactly like a real one", async () => {
    const real = [];
    const unknown = [];
    for (let i = 0; i < FREE_ATTEMPTS + 1; i += 1) {
      real.push(await attempt(adminEmail, `wrong-password-${i}`, client()));
      unknown.push(await attempt("nobody@example.com", `wrong-password-${i}`, client()));
    }
    // Seconds may tick between the two calls; what matters is the same kind of answer.
    const shape = (r: unknown) => (r && typeof r === "object" && "error" in r ? String(r.error).replace(/\d+ seconds?/, "N seconds") : r);
    expect(unknown.map(shape)).toEqual(real.map(shape));
    const locked = "Too many failed attempts. Try again in N seconds.";
    expect(unknown.map(shape)).toEqual([null, null, null, null, locked, locked]);
  });

  it("forgets the count after a successful sign-in", async () => {
    const context = client();
    for (let i = 0; i < FREE_ATTEMPTS - 1; i += 1) expect(await attempt(adminEmail, "wrong-password-1", context)).toBeNull();
    expect(await attempt(adminEmail, PASSWORD, context)).toMatchObject({ email: adminEmail });
    expect(await db.signInThrottle.count({ where: { key: { in: signInThrottleKeys(adminEmail, context.ip) } } })).toBe(0);
    for (let i = 0; i < FREE_ATTEMPTS - 1; i += 1) expect(await attempt(adminEmail, "wrong-password-1", context)).toBeNull();
    expect(await attempt(adminEmail, PASSWORD, context)).toMatchObject({ email: adminEmail });
  });

  it("starts counting again after an hour without failures", async () => {
    const keys = signInThrottleKeys("quiet@example.com", null);
    const start = new Date("2030-01-01T00:00:00Z");
    for (let i = 0; i < FREE_ATTEMPTS - 1; i += 1) await claimSignInAttempt(keys, start);
    const later = new Date(start.getTime() + 61 * 60_000);
    expect(await claimSignInAttempt(keys, later)).toEqual({ allowed: true, lockedUntil: null });
    expect((await db.signInThrottle.findUniqueOrThrow({ where: { key: keys[0] } })).failures).toBe(1);
  });
});

describe("per IP", () => {
  it("locks an address that tries many accounts, and a success from it clears the address", async () => {
    const context = client();
    for (let i = 0; i < FREE_ATTEMPTS - 1; i += 1) expect(await attempt(`spray${i}@example.com`, "password-123", context)).toBeNull();
    expect(await attempt("spray-last@example.com", "password-123", context)).toEqual({
      error: expect.stringMatching(/^Too many failed attempts\. Try again in (30|29) seconds\.$/),
    });
    // A sixth account, never tried before, is refused from that address…
    expect(await attempt("fresh@example.com", "password-123", context)).toEqual({ error: expect.stringMatching(/^Too many failed attempts/) });
    // …but not from another one.
    expect(await attempt("fresh@example.com", "password-123", client())).toBeNull();

    await unlock([`ip:${context.ip}`]);
    expect(await attempt(adminEmail, PASSWORD, context)).toMatchObject({ email: adminEmail });
    expect(await db.signInThrottle.findUnique({ where: { key: `ip:${context.ip}` } })).toBeNull();
  });

  it("lets a burst of parallel guesses check at most five passwords", async () => {
    const context = client();
    const email = "burst@example.com";
    const failedBefore = await db.auditEvent.count({ where: { action: "auth.sign_in_failed", actorLabel: email } });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => attempt(email, `guess-number-${i}`, context)));
    expect(results.filter((r) => r === null)).toHaveLength(FREE_ATTEMPTS - 1);
    expect(results.filter((r) => r && "error" in r)).toHaveLength(20 - (FREE_ATTEMPTS - 1));
    expect(await db.auditEvent.count({ where: { action: "auth.sign_in_failed", actorLabel: email } })).toBe(failedBefore + FREE_ATTEMPTS);
    expect(await db.auditEvent.count({ where: { action: "auth.sign_in_throttled", actorLabel: email } })).toBe(20 - FREE_ATTEMPTS);
  });
});
