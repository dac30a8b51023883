// The limiter on a real PostgreSQL with a clock the tests move: window edges, credits and their
// refills, cost, concurrency, restarts and several limiters (processes) sharing one key.
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { Limiter, type LimiterOptions } from "@/lib/keys/limits/limiter";
import { PgLimitStore } from "@/lib/keys/limits/store";
import type { LimitResult } from "@/lib/keys/limits/types";
import { configureLimits, createLimitedKey, creditsInDatabase, manualClock, type LimitedKey } from "./support/limits";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 12 });
const clock = manualClock("2026-03-01T12:00:00.000Z");
const limiters: Limiter[] = [];

function newLimiter(options: Partial<LimiterOptions> = {}): Limiter {
  const limiter = new Limiter({ store: new PgLimitStore(pool), now: clock.now, ...options });
  limiters.push(limiter);
  return limiter;
}

afterAll(async () => {
  for (const limiter of limiters) await limiter.close(200);
  await pool.end();
});

async function verifyWith(limiter: Limiter, key: LimitedKey, cost = 1): Promise<LimitResult> {
  return limiter.consume(key.id, key.limits, cost);
}

async function times(n: number, limiter: Limiter, key: LimitedKey, cost = 1): Promise<string[]> {
  const outcomes: string[] = [];
  for (let i = 0; i < n; i++) outcomes.push((await verifyWith(limiter, key, cost)).outcome);
  return outcomes;
}

const count = (outcomes: string[], outcome: string) => outcomes.filter((o) => o === outcome).length;
const at = (iso: string) => Date.parse(iso);

describe("rate limits: fixed windows", () => {
  it("admit exactly the limit per window; the aligned boundary starts the next window, not the last request", async () => {
    clock.set("2026-03-01T12:00:07.000Z");
    const key = await createLimitedKey(pool, { ratelimits: [{ name: "burst", limit: 3, durationMs: 10_000 }] }, clock.now());
    const limiter = newLimiter();

    expect(await verifyWith(limiter, key)).toEqual({
      outcome: "VALID",
      ratelimits: [{ name: "burst", limit: 3, remaining: 2, reset: at("2026-03-01T12:00:10.000Z") }],
    });
    expect((await verifyWith(limiter, key)).outcome).toBe("VALID");
    clock.set("2026-03-01T12:00:09.999Z");
    expect(await verifyWith(limiter, key)).toMatchObject({ outcome: "VALID", ratelimits: [{ remaining: 0 }] });
    expect(await verifyWith(limiter, key)).toEqual({
      outcome: "RATE_LIMITED",
      ratelimits: [{ name: "burst", limit: 3, remaining: 0, reset: at("2026-03-01T12:00:10.000Z") }],
    });

    // 12:00:10.000 belongs to the next window; requests at its very end do not push it back.
    clock.set("2026-03-01T12:00:10.000Z");
    expect(await times(3, limiter, key)).toEqual(["VALID", "VALID", "VALID"]);
    clock.set("2026-03-01T12:00:19.999Z");
    expect(await verifyWith(limiter, key)).toMatchObject({ outcome: "RATE_LIMITED", ratelimits: [{ reset: at("2026-03-01T12:00:20.000Z") }] });
    clock.set("2026-03-01T12:00:20.000Z");
    expect(await verifyWith(limiter, key)).toMatchObject({ outcome: "VALID", ratelimits: [{ remaining: 2, reset: at("2026-03-01T12:00:30.000Z") }] });
  });

  it("several limits on one key all apply; each reports its own window", async () => {
    clock.set("2026-03-01T13:00:00.500Z");
    const key = await createLimitedKey(
      pool,
      { ratelimits: [{ name: "per-second", limit: 2, durationMs: 1_000 }, { name: "per-hour", limit: 5, durationMs: 3_600_000 }] },
      clock.now(),
    );
    const limiter = newLimiter();
    expect(await times(3, limiter, key)).toEqual(["VALID", "VALID", "RATE_LIMITED"]);
    clock.advance(1_000);
    expect(await times(3, limiter, key)).toEqual(["VALID", "VALID", "RATE_LIMITED"]);
    clock.advance(1_000);
    const last = await times(2, limiter, key);
    expect(last).toEqual(["VALID", "RATE_LIMITED"]);
    expect(await verifyWith(limiter, key)).toEqual({
      outcome: "RATE_LIMITED",
      ratelimits: [
        { name: "per-second", limit: 2, remaining: 1, reset: at("2026-03-01T13:00:03.000Z") },
        { name: "per-hour", limit: 5, remaining: 0, reset: at("2026-03-01T14:00:00.000Z") },
      ],
    });
  });

  it("1,000 parallel requests against a limit of 100 admit exactly 100", async () => {
    clock.set("2026-03-01T14:00:00.000Z");
    const key = await createLimitedKey(pool, { ratelimits: [{ name: "minute", limit: 100, durationMs: 60_000 }] }, clock.now());
    const limiter = newLimiter();
    const results = await Promise.all(Array.from({ length: 1_000 }, () => verifyWith(limiter, key)));
    const outcomes = results.map((r) => r.outcome);
    expect(count(outcomes, "VALID")).toBe(100);
    expect(count(outcomes, "RATE_LIMITED")).toBe(900);
    const { rows } = await pool.query(`SELECT "granted" FROM "RateLimitWindow" WHERE "keyId" = $1`, [key.id]);
    expect(rows).toEqual([{ granted: 100 }]);
  });

  it("three limiters (processes) on one key admit exactly the limit together", async () => {
    clock.set("2026-03-01T14:10:00.000Z");
    const key = await createLimitedKey(pool, { ratelimits: [{ name: "minute", limit: 100, durationMs: 60_000 }], credits: { remaining: 1_000 } }, clock.now());
    const trio = [newLimiter(), newLimiter(), newLimiter()];
    const results = await Promise.all(Array.from({ length: 900 }, (_, i) => verifyWith(trio[i % 3] as Limiter, key)));
    expect(count(results.map((r) => r.outcome), "VALID")).toBe(100);
  });
});

describe("credits", () => {
  it("cost is taken from the credits; a cost above what is left is USAGE_EXCEEDED and takes nothing", async () => {
    clock.set("2026-03-02T09:00:00.000Z");
    const key = await createLimitedKey(pool, { ratelimits: [{ name: "minute", limit: 10, durationMs: 60_000 }], credits: { remaining: 5 } }, clock.now());
    const limiter = newLimiter();
    expect(await verifyWith(limiter, key, 3)).toMatchObject({ outcome: "VALID", credits: { remaining: 2 }, ratelimits: [{ remaining: 7 }] });
    expect(await verifyWith(limiter, key, 3)).toEqual({
      outcome: "USAGE_EXCEEDED",
      credits: { remaining: 2 },
      ratelimits: [{ name: "minute", limit: 10, remaining: 7, reset: at("2026-03-02T09:01:00.000Z") }],
    });
    // cost 0 checks without consuming: allowed while something is left, USAGE_EXCEEDED at 0.
    expect(await verifyWith(limiter, key, 0)).toMatchObject({ outcome: "VALID", credits: { remaining: 2 }, ratelimits: [{ remaining: 7 }] });
    expect(await verifyWith(limiter, key, 2)).toMatchObject({ outcome: "VALID", credits: { remaining: 0 } });
    expect(await verifyWith(limiter, key, 0)).toMatchObject({ outcome: "USAGE_EXCEEDED", credits: { remaining: 0 } });
    expect(await verifyWith(limiter, key, 1)).toMatchObject({ outcome: "USAGE_EXCEEDED", credits: { remaining: 0 } });
    await limiter.close();
    expect(await creditsInDatabase(pool, key.id)).toEqual({ pool: 0, held: 0 });
  });

  it("a rate-limited request takes no credits, and one refused for credits takes no rate budget", async () => {
    clock.set("2026-03-02T10:00:00.000Z");
    const key = await createLimitedKey(pool, { ratelimits: [{ name: "ten-seconds", limit: 2, durationMs: 10_000 }], credits: { remaining: 3 } }, clock.now());
    const limiter = newLimiter();
    expect(await times(3, limiter, key)).toEqual(["VALID", "VALID", "RATE_LIMITED"]);
    expect(await verifyWith(limiter, key)).toMatchObject({ outcome: "RATE_LIMITED", credits: { remaining: 1 } });
    clock.advance(10_000);
    expect(await verifyWith(limiter, key, 2)).toMatchObject({ outcome: "USAGE_EXCEEDED", ratelimits: [{ remaining: 2 }], credits: { remaining: 1 } });
    expect(await verifyWith(limiter, key)).toMatchObject({ outcome: "VALID", ratelimits: [{ remaining: 1 }], credits: { remaining: 0 } });
    // Both used up: RATE_LIMITED comes first.
    expect((await verifyWith(limiter, key)).outcome).toBe("USAGE_EXCEEDED");
    expect((await verifyWith(limiter, key)).outcome).toBe("USAGE_EXCEEDED");
  });

  it("refill day 31 refills on the 28th of February, resets to the amount, and voids credits leased before", async () => {
    clock.set("2026-02-27T23:59:58.000Z");
    const refill = { interval: "monthly" as const, amount: 10, refillDay: 31 };
    const key = await createLimitedKey(pool, { credits: { remaining: 500, refill } }, clock.now());
    const [a, b] = [newLimiter(), newLimiter()];
    // Busy traffic before midnight: the limiters lease ahead and hold credits when the month turns.
    await Promise.all(Array.from({ length: 200 }, (_, i) => verifyWith(i % 2 ? a : b, key)));
    const heldBefore = (a.held(key.id)?.credits ?? 0) + (b.held(key.id)?.credits ?? 0);
    expect(heldBefore).toBeGreaterThan(0);
    expect(await verifyWith(a, key)).toMatchObject({ credits: { refill: { interval: "monthly", amount: 10, refillDay: 31, nextRefillAt: at("2026-02-28T00:00:00.000Z") } } });

    clock.set("2026-02-28T00:00:00.000Z");
    const after = await Promise.all(Array.from({ length: 60 }, (_, i) => verifyWith(i % 2 ? a : b, key)));
    expect(count(after.map((r) => r.outcome), "VALID")).toBe(10);
    expect(after.at(-1)).toMatchObject({ outcome: "USAGE_EXCEEDED", credits: { remaining: 0, refill: { nextRefillAt: at("2026-03-31T00:00:00.000Z") } } });
  });

  it("a refill that nobody asked for in time still happens at the next request (refills are never skipped)", async () => {
    clock.set("2026-03-03T08:00:00.000Z");
    const key = await createLimitedKey(pool, { credits: { remaining: 1, refill: { interval: "daily", amount: 4, refillDay: null } } }, clock.now());
    const limiter = newLimiter();
    expect(await times(2, limiter, key)).toEqual(["VALID", "USAGE_EXCEEDED"]);
    clock.set("2026-03-07T15:00:00.000Z");
    expect(await times(5, limiter, key)).toEqual(["VALID", "VALID", "VALID", "VALID", "USAGE_EXCEEDED"]);
  });

  it("a top-up while another limiter holds credits adds exactly what was added", async () => {
    clock.set("2026-03-04T08:00:00.000Z");
    const key = await createLimitedKey(pool, { credits: { remaining: 100 } }, clock.now());
    const [a, b] = [newLimiter(), newLimiter()];
    await Promise.all(Array.from({ length: 40 }, () => verifyWith(a, key)));
    expect(a.held(key.id)?.credits).toBeGreaterThan(0);
    await pool.query(`SELECT keydesk_credits_add($1, 25, 0)`, [key.id]);
    const rest = await Promise.all(Array.from({ length: 300 }, (_, i) => verifyWith(i % 2 ? a : b, key)));
    expect(40 + count(rest.map((r) => r.outcome), "VALID")).toBe(125);
  });
});

describe("restarts and crashes", () => {
  it("a restart neither resets a window nor the credits; a crash only loses what the process held", async () => {
    clock.set("2026-03-05T12:00:00.000Z");
    const key = await createLimitedKey(pool, { ratelimits: [{ name: "minute", limit: 100, durationMs: 60_000 }], credits: { remaining: 150 } }, clock.now());
    const first = newLimiter();
    expect(count(await Promise.all(Array.from({ length: 60 }, () => verifyWith(first, key))).then((r) => r.map((x) => x.outcome)), "VALID")).toBe(60);
    // Graceful restart: what it held goes back.
    await first.close();
    const second = newLimiter();
    const afterRestart = await Promise.all(Array.from({ length: 30 }, () => verifyWith(second, key)));
    expect(count(afterRestart.map((r) => r.outcome), "VALID")).toBe(30);
    // Crash: the process vanishes holding tokens and credits; they are lost, never duplicated.
    await second.settled();
    const held = second.held(key.id);
    expect(held?.windows[0]?.tokens).toBeGreaterThan(0);
    const third = newLimiter();
    const afterCrash = count((await Promise.all(Array.from({ length: 100 }, () => verifyWith(third, key)))).map((r) => r.outcome), "VALID");
    expect(afterCrash).toBe(10 - (held?.windows[0]?.tokens ?? 0));
    // Idle for two seconds: the survivor hands back what it holds. The next window is whole
    // again; the credits are not: 150 − 90 − what the crash took − afterCrash.
    clock.advance(2_000);
    third.sweep();
    await third.settled();
    expect(third.held(key.id)).toMatchObject({ windows: [{ tokens: 0 }], credits: 0 });
    clock.advance(58_000);
    const next = await Promise.all(Array.from({ length: 100 }, () => verifyWith(third, key)));
    const creditsLost = held?.credits ?? 0;
    expect(count(next.map((r) => r.outcome), "VALID")).toBe(60 - creditsLost - afterCrash);
  });
});

describe("configuration changes", () => {
  it("a limiter with an outdated configuration gets STALE and nothing; the new limits apply at once", async () => {
    clock.set("2026-03-06T12:00:00.000Z");
    const key = await createLimitedKey(pool, { ratelimits: [{ name: "minute", limit: 50, durationMs: 60_000 }] }, clock.now());
    const limiter = newLimiter();
    expect(await times(5, limiter, key)).toEqual(Array(5).fill("VALID"));
    // It hands back what it leased ahead when it learns of the change (here: when it stops).
    await limiter.close();
    const limits = await configureLimits(pool, key.id, { ratelimits: [{ name: "minute", limit: 6, durationMs: 60_000 }] }, clock.now());
    const fresh = newLimiter();
    expect((await verifyWith(fresh, key)).outcome).toBe("STALE");
    // Same name and window: the count goes on under the new limit.
    const updated = { ...key, limits };
    expect(await times(2, fresh, updated)).toEqual(["VALID", "RATE_LIMITED"]);
  });

  it("fails closed when the database cannot be asked and the process holds nothing", async () => {
    clock.set("2026-03-06T13:00:00.000Z");
    const key = await createLimitedKey(pool, { ratelimits: [{ name: "minute", limit: 5, durationMs: 60_000 }] }, clock.now());
    const dead = new pg.Pool({ connectionString: "postgresql://nobody@127.0.0.1:1/none", connectionTimeoutMillis: 500 });
    dead.on("error", () => undefined);
    const limiter = newLimiter({ store: new PgLimitStore(dead) });
    expect(await verifyWith(limiter, key)).toEqual({ outcome: "UNAVAILABLE" });
    expect(await verifyWith(limiter, key)).toEqual({ outcome: "UNAVAILABLE" });
    await dead.end();
  });
});
