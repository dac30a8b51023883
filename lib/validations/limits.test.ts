import { describe, expect, it } from "vitest";
import { creditsFieldSchema, describeRateLimit, looserThanDefaults, ratelimitsFieldSchema } from "@/lib/validations/limits";
import { parseCost } from "@/lib/keys/limits/types";

const messages = (result: { success: boolean; error?: { issues: { message: string }[] } }) => result.error?.issues.map((i) => i.message) ?? [];

describe("ratelimits", () => {
  it("takes { name?, limit, duration } and names a nameless limit after its duration", () => {
    expect(ratelimitsFieldSchema.parse([{ limit: 100, duration: 1_000 }, { name: "hourly", limit: 10_000, duration: 3_600_000 }])).toEqual([
      { name: "1s", limit: 100, durationMs: 1_000 },
      { name: "hourly", limit: 10_000, durationMs: 3_600_000 },
    ]);
    // Forms send JSON; blank is none.
    expect(ratelimitsFieldSchema.parse('[{"limit":5,"duration":10000}]')).toEqual([{ name: "10s", limit: 5, durationMs: 10_000 }]);
    expect(ratelimitsFieldSchema.parse("")).toEqual([]);
  });

  it("refuses 0, negative, fractional and string limits, and windows outside 1 s … 1 day, saying which limit", () => {
    for (const limit of [0, -1, 1.5, "5", null, 1e10]) {
      expect(messages(ratelimitsFieldSchema.safeParse([{ limit, duration: 1_000 }]))).toEqual([
        "Rate limit 1: Limit must be a whole number from 1 to 1,000,000,000",
      ]);
    }
    for (const duration of [999, 86_400_001, 0, 1500.5, "60000"]) {
      expect(messages(ratelimitsFieldSchema.safeParse([{ limit: 1, duration: 1_000 }, { limit: 1, duration }]))).toEqual([
        "Rate limit 2: Duration (milliseconds) must be a whole number from 1,000 to 86,400,000",
      ]);
    }
    expect(ratelimitsFieldSchema.safeParse([{ limit: 1, duration: 86_400_000 }]).success).toBe(true);
  });

  it("refuses duplicate names (also two nameless limits of one duration), bad names and too many", () => {
    expect(messages(ratelimitsFieldSchema.safeParse([{ limit: 1, duration: 60_000 }, { limit: 2, duration: 60_000 }]))).toEqual([
      'Rate limit 2: the name "1m" is taken; give each rate limit its own name',
    ]);
    expect(messages(ratelimitsFieldSchema.safeParse([{ name: "a b", limit: 1, duration: 1_000 }]))[0]).toMatch(/^Rate limit 1: Name may contain/);
    expect(messages(ratelimitsFieldSchema.safeParse(Array.from({ length: 11 }, (_, i) => ({ name: `n${i}`, limit: 1, duration: 1_000 }))))).toEqual([
      "At most 10 rate limits",
    ]);
    expect(messages(ratelimitsFieldSchema.safeParse({ limit: 1 }))).toEqual(["Rate limits must be a list: [{ name?, limit, duration }]"]);
    expect(messages(ratelimitsFieldSchema.safeParse("[{"))).toEqual(["Malformed"]);
  });
});

describe("credits", () => {
  it("takes { remaining, refill? }; monthly refills default to the 1st; null and blank are none", () => {
    expect(creditsFieldSchema.parse({ remaining: 20 })).toEqual({ remaining: 20, refill: null });
    expect(creditsFieldSchema.parse({ remaining: 0, refill: { interval: "monthly", amount: 1000 } })).toEqual({
      remaining: 0,
      refill: { interval: "monthly", amount: 1000, refillDay: 1 },
    });
    expect(creditsFieldSchema.parse({ remaining: 5, refill: { interval: "daily", amount: 5 } })).toEqual({
      remaining: 5,
      refill: { interval: "daily", amount: 5, refillDay: null },
    });
    expect(creditsFieldSchema.parse(null)).toBeNull();
    expect(creditsFieldSchema.parse("")).toBeNull();
  });

  it("refuses refill day 0 and 32, a refill day with daily refills, and bad amounts", () => {
    for (const refillDay of [0, 32, 1.5]) {
      expect(messages(creditsFieldSchema.safeParse({ remaining: 1, refill: { interval: "monthly", amount: 1, refillDay } }))).toEqual([
        "Refill day must be a whole number from 1 to 31",
      ]);
    }
    expect(messages(creditsFieldSchema.safeParse({ remaining: 1, refill: { interval: "daily", amount: 1, refillDay: 3 } }))).toEqual([
      "Refill day applies to monthly refills only; leave it out for daily refills",
    ]);
    expect(messages(creditsFieldSchema.safeParse({ remaining: -1 }))).toEqual(["Remaining credits must be a whole number from 0 to 1,000,000,000,000"]);
    expect(messages(creditsFieldSchema.safeParse({ remaining: 1, refill: { interval: "weekly", amount: 0 } }))).toEqual([
      'Refill interval must be "daily" or "monthly"',
      "Refill amount must be a whole number from 1 to 1,000,000,000",
    ]);
  });
});

describe("cost", () => {
  it("is an integer 0…1000, 1 when absent", () => {
    expect([undefined, null, 0, 1, 1000].map(parseCost)).toEqual([1, 1, 0, 1, 1000]);
    expect([-1, 1001, 1.5, "1", true, [], {}, Number.NaN].map(parseCost)).toEqual(Array(8).fill(null));
  });
});

describe("looserThanDefaults", () => {
  const perMinute = { name: "1m", limit: 100, durationMs: 60_000 };
  const credits = { remaining: 1000, refill: { interval: "monthly" as const, amount: 1000, refillDay: 1 } };

  it("accepts limits at least as strict, in other windows too, and extra limits", () => {
    const defaults = { ratelimits: [perMinute], credits };
    expect(looserThanDefaults({ ratelimits: [{ name: "s", limit: 1, durationMs: 1_000 }], credits: { remaining: 10, refill: null } }, defaults)).toEqual([]);
    expect(looserThanDefaults({ ratelimits: [{ name: "h", limit: 100, durationMs: 3_600_000 }], credits }, defaults)).toEqual([]);
    expect(looserThanDefaults({ ratelimits: [perMinute, { name: "d", limit: 5, durationMs: 86_400_000 }], credits }, defaults)).toEqual([]);
  });

  it("names what is looser: a higher limit, none at all, more credits, a bigger refill", () => {
    const defaults = { ratelimits: [perMinute], credits };
    expect(looserThanDefaults({ ratelimits: [{ name: "s", limit: 2, durationMs: 1_000 }], credits: null }, defaults)).toEqual([
      { field: "ratelimits", message: "This project allows at most 100 per minute per key" },
      { field: "credits", message: "Keys in this project must have credits (at most 1,000)" },
    ]);
    expect(looserThanDefaults({ ratelimits: [], credits: { remaining: 5000, refill: { interval: "daily", amount: 10, refillDay: null } } }, defaults).map((p) => p.message)).toEqual([
      "This project allows at most 100 per minute per key",
      "This project allows at most 1,000 credits per key",
      "This project allows refills of at most 1,000 credits monthly",
    ]);
    // 90 s windows do not line up with minutes: not provably within 100 per minute.
    expect(looserThanDefaults({ ratelimits: [{ name: "x", limit: 50, durationMs: 90_000 }], credits }, defaults)).toHaveLength(1);
  });

  it("describes limits for people", () => {
    expect(describeRateLimit({ limit: 5, durationMs: 10_000 })).toBe("5 per 10 seconds");
    expect(describeRateLimit({ limit: 10_000, durationMs: 3_600_000 })).toBe("10,000 per hour");
  });
});
