import { describe, expect, it } from "vitest";
import { limitsFromRow } from "@/lib/keys/limits/config";

describe("limitsFromRow", () => {
  it("reads rate limits and the credits' refill; no limits at all is null", () => {
    expect(limitsFromRow({ limitsVersion: 3, ratelimits: null, credits: null })).toBeNull();
    expect(
      limitsFromRow({
        limitsVersion: 3,
        ratelimits: [{ name: "1s", limit: 10, durationMs: 1000 }],
        credits: { interval: "monthly", amount: 50, refillDay: 31 },
      }),
    ).toEqual({ version: 3, ratelimits: [{ name: "1s", limit: 10, durationMs: 1000 }], credits: { refill: { interval: "monthly", amount: 50, refillDay: 31 } } });
    expect(limitsFromRow({ limitsVersion: 0, ratelimits: null, credits: '{"interval":null,"amount":null,"refillDay":null}' })).toEqual({
      version: 0,
      ratelimits: [],
      credits: { refill: null },
    });
  });

  it("turns anything unreadable into a limit that admits nothing, never into no limit", () => {
    const limits = limitsFromRow({ limitsVersion: 1, ratelimits: [{ name: "x", limit: "many", durationMs: 1000 }, "junk"], credits: null });
    expect(limits?.ratelimits).toEqual([
      { name: "invalid-0", limit: 0, durationMs: 86_400_000 },
      { name: "invalid-1", limit: 0, durationMs: 86_400_000 },
    ]);
  });
});
