// Sign-in back-off on a real PostgreSQL. Failures lock the (account, client) pair with a wait
// that doubles; a client trying many accounts and a campaign against one account from many
// clients are locked too — but only for browsers that never signed in to the account: a browser
// with a device cookie is counted on its own, so strangers cannot lock its owner out. Unknown
// emails behave exactly like real ones, and a burst of parallel guesses gets five at most.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { authorizeCredentials, type SignInContext } from "@/lib/services/sign-in";
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
const LOCKED = /^Too many failed attempts\. Try again in \d+ (seconds?|minutes?)\.$/;
let adminEmail: string;
let ipCounter = 0;

/** A fresh client address per call, so per-client counters do not leak between tests. */
function client(deviceCookie: string | null = null): SignInContext {
  ipCounter += 1;
  return { ip: `198.51.${Math.floor(ipCounter / 250)}.${ipCounter % 250}`, userAgent: "vitest", deviceCookie };
}

/** What the sign-in form would show: null (generic failure), the user, or the thrown message. */
async function attempt(email: string, password: string, context: SignInContext) {
  try {
    return await authorizeCredentials({ email, password }, context);
  } catch (error) {
    return { error: (error as Error).message };
  }
}

async function unlockAll() {
  await db.signInThrottle.updateMany({ data: { lockedUntil: new Date(Date.now() - 1000) } });
}

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = "test-secret-for-device-cookies-0123456789";
  adminEmail = (await seedBase()).admin.email;
});

beforeEach(async () => {
  await db.signInThrottle.deleteMany();
  await db.signInRefusal.deleteMany();
});

describe("lock arithmetic", () => {
  it("locks at the fifth failure for 30 s, doubling up to 15 minutes", () => {
    expect([1, 4, 5, 6, 7, 9, 10, 50].map((n) => lockDurationMs(n))).toEqual([0, 0, 30_000, 60_000, 120_000, 480_000, 900_000, 900_000]);
    expect([19, 20, 21].map((n) => lockDurationMs(n, 20))).toEqual([0, 30_000, 60_000]);
  });

  it("says how long to wait in words", () => {
    expect(throttleMessage(30_000)).toBe("Too many failed attempts. Try again in 30 seconds.");
    expect(throttleMessage(1)).toBe("Too many failed attempts. Try again in 1 second.");
    expect(throttleMessage(60_000)).toBe("Too many failed attempts. Try again in 1 minute.");
    expect(throttleMessage(90_000)).toBe("Too many failed attempts. Try again in 2 minutes.");
    expect(throttleMessage(900_000)).toBe("Too many failed attempts. Try again in 15 minutes.");
  });
});

describe("per account and client", () => {
  it("locks the pair after five failures, refuses even the right password from there, and doubles the wait", async () => {
    const attacker = client();
    const results = [];
    for (let i = 0; i < FREE_ATTEMPTS; i += 1) results.push(await attempt(adminEmail, `wrong-password-${i}`, attacker));
    expect(results.slice(0, 4)).toEqual([null, null, null, null]);
    // The wait is counted from when the attempt started, so a slow machine may show 29.
    expect(results[4]).toEqual({ error: expect.stringMatching(/^Too many failed attempts\. Try again in (30|2\d) seconds\.$/) });

    // Locked from that client: the right password is not even checked.
    const failuresBefore = await db.auditEvent.count({ where: { action: "auth.sign_in_failed" } });
    expect(await attempt(adminEmail, PASSWORD, attacker)).toEqual({ error: expect.stringMatching(LOCKED) });
    expect(await db.auditEvent.count({ where: { action: "auth.sign_in_failed" } })).toBe(failuresBefore);

    // After the wait, the next failure locks again for twice as long.
    await unlockAll();
    expect(await attempt(adminEmail, "wrong-again-password", attacker)).toEqual({ error: "Too many failed attempts. Try again in 1 minute." });
  });

  it("does not lock the account for everyone else: the owner signs in from another client", async () => {
    const attacker = client();
    for (let i = 0; i < FREE_ATTEMPTS + 3; i += 1) await attempt(adminEmail, `wrong-password-${i}`, attacker);
    expect(await attempt(adminEmail, PASSWORD, attacker)).toEqual({ error: expect.stringMatching(LOCKED) });
    expect(await attempt(adminEmail, PASSWORD, client())).toMatchObject({ email: adminEmail });
  });

  it("treats an unknown email exactly like a real one", async () => {
    const real = [];
    const unknown = [];
    const a = client();
    const b = client();
    for (let i = 0; i < FREE_ATTEMPTS + 1; i += 1) {
      real.push(await attempt(adminEmail, `wrong-password-${i}`, a));
      unknown.push(await attempt("nobody@example.com", `wrong-password-${i}`, b));
    }
    // Seconds may tick between the two calls; what matters is the same kind of answer.
    const shape = (r: unknown) => (r && typeof r === "object" && "error" in r ? String(r.error).replace(/\d+ seconds?/, "N seconds") : r);
    expect(unknown.map(shape)).toEqual(real.map(shape));
    const locked = "Too many failed attempts. Try again in N seconds.";
    expect(unknown.map(shape)).toEqual([null, null, null, null, locked, locked]);
  });

  it("forgets the pair's count after a successful sign-in", async () => {
    const context = client();
    for (let i = 0; i < FREE_ATTEMPTS - 1; i += 1) expect(await attempt(adminEmail, "wrong-password-1", context)).toBeNull();
    expect(await attempt(adminEmail, PASSWORD, context)).toMatchObject({ email: adminEmail });
    for (let i = 0; i < FREE_ATTEMPTS - 1; i += 1) expect(await attempt(adminEmail, "wrong-password-1", context)).toBeNull();
    expect(await attempt(adminEmail, PASSWORD, context)).toMatchObject({ email: adminEmail });
  });

  it("starts counting again after an hour without failures", async () => {
    const keys = signInThrottleKeys({ email: "quiet@example.com", ip: "192.0.2.1", deviceId: null });
    const start = new Date("2030-01-01T00:00:00Z");
    for (let i = 0; i < FREE_ATTEMPTS - 1; i += 1) await claimSignInAttempt(keys, start);
    const later = new Date(start.getTime() + 61 * 60_000);
    expect(await claimSignInAttempt(keys, later)).toEqual({ allowed: true, lockedUntil: null });
    expect((await db.signInThrottle.findUniqueOrThrow({ where: { key: keys[0] } })).failures).toBe(1);
  });

  it("lets a burst of parallel guesses check at most five passwords", async () => {
    const context = client();
    const email = "burst@example.com";
    const failedBefore = await db.auditEvent.count({ where: { action: "auth.sign_in_failed", actorLabel: email } });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => attempt(email, `guess-number-${i}`, context)));
    expect(results.filter((r) => r === null)).toHaveLength(FREE_ATTEMPTS - 1);
    expect(results.filter((r) => r && "error" in r)).toHaveLength(20 - (FREE_ATTEMPTS - 1));
    expect(await db.auditEvent.count({ where: { action: "auth.sign_in_failed", actorLabel: email } })).toBe(failedBefore + FREE_ATTEMPTS);
  });
});

describe("per client", () => {
  it("locks an address that tries many accounts, for every account", async () => {
    const sprayer = client();
    const answers = [];
    for (let i = 0; i < 20; i += 1) answers.push(await attempt(`spray${i}@example.com`, "password-123", sprayer));
    expect(answers.slice(0, 19).every((a) => a === null)).toBe(true);
    expect(answers[19]).toEqual({ error: expect.stringMatching(LOCKED) });
    // A 21st account, never tried before, is refused from that address, but not from another.
    expect(await attempt("fresh@example.com", "password-123", sprayer)).toEqual({ error: expect.stringMatching(LOCKED) });
    expect(await attempt("fresh@example.com", "password-123", client())).toBeNull();
  });

  it("is not reset by signing in to one's own account between guesses", async () => {
    const sprayer = client();
    for (let i = 0; i < 18; i += 1) await attempt(`victim${i}@example.com`, "password-123", sprayer);
    expect(await attempt(adminEmail, PASSWORD, sprayer)).toMatchObject({ email: adminEmail });
    expect(await attempt("victim-a@example.com", "password-123", sprayer)).toBeNull();
    expect(await attempt("victim-b@example.com", "password-123", sprayer)).toEqual({ error: expect.stringMatching(LOCKED) });
  });
});

describe("device cookies (OWASP): strangers cannot lock out a browser that signed in before", () => {
  it("a campaign from many addresses locks unknown browsers out of the account, never the owner's", async () => {
    // The owner signed in from their browser once, and got a device cookie.
    const owner = await attempt(adminEmail, PASSWORD, client());
    const deviceCookie = (owner as { deviceCookie: string }).deviceCookie;
    expect(deviceCookie).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);

    // Many strangers, two guesses each, from different addresses: the account's unknown-browser
    // counter locks (at ten), even though no single pair did.
    for (let i = 0; i < 6; i += 1) {
      const stranger = client();
      await attempt(adminEmail, "wrong-password-a", stranger);
      await attempt(adminEmail, "wrong-password-b", stranger);
    }
    expect(await attempt(adminEmail, PASSWORD, client())).toEqual({ error: expect.stringMatching(LOCKED) });
    // Sending a stolen-looking or made-up device cookie changes nothing.
    expect(await attempt(adminEmail, PASSWORD, client(`${"A".repeat(22)}.${"B".repeat(43)}`))).toEqual({ error: expect.stringMatching(LOCKED) });

    // The owner's browser, from any address (even one of the attackers'), still signs in.
    const back = await attempt(adminEmail, PASSWORD, client(deviceCookie));
    expect(back).toMatchObject({ email: adminEmail });
    // It keeps its device id.
    expect((back as { deviceCookie: string }).deviceCookie.split("~")[0]).toBe(deviceCookie);
  });

  it("a device cookie is worth something only for its account, and has its own lock", async () => {
    const owner = await attempt(adminEmail, PASSWORD, client());
    const deviceCookie = (owner as { deviceCookie: string }).deviceCookie;
    // For another account it counts as an unknown browser.
    const keys = signInThrottleKeys({ email: "other@example.com", ip: "192.0.2.9", deviceId: null });
    expect(keys.some((key) => key.startsWith("device:"))).toBe(false);

    // Someone with the owner's browser guessing: that device locks after five, like a pair.
    const answers = [];
    for (let i = 0; i < FREE_ATTEMPTS; i += 1) answers.push(await attempt(adminEmail, `wrong-${i}-password`, client(deviceCookie)));
    expect(answers.at(-1)).toEqual({ error: expect.stringMatching(LOCKED) });
    // …which does not touch anyone else.
    expect(await attempt(adminEmail, PASSWORD, client())).toMatchObject({ email: adminEmail });
  });

  it("one browser keeps device entries for several accounts", async () => {
    const first = (await attempt(adminEmail, PASSWORD, client())) as { deviceCookie: string };
    await db.user.create({
      data: { email: "second@example.com", name: "Second", role: "viewer", passwordHash: (await db.user.findFirstOrThrow({ where: { email: adminEmail } })).passwordHash },
    });
    const second = (await attempt("second@example.com", PASSWORD, client(first.deviceCookie))) as { deviceCookie: string };
    const entries = second.deviceCookie.split("~");
    expect(entries).toHaveLength(2);
    expect(entries[1]).toBe(first.deviceCookie);
  });
});
