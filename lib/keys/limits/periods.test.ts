import { describe, expect, it } from "vitest";
import { NO_REFILL_PERIOD, refillPeriod, windowStart } from "@/lib/keys/limits/periods";
import { durationLabel } from "@/lib/keys/limits/types";

const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

describe("fixed windows", () => {
  it("are aligned to multiples of the duration, start inclusive, end exclusive", () => {
    const minute = 60_000;
    expect(iso(windowStart(at("2026-03-01T12:00:00.000Z"), minute))).toBe("2026-03-01T12:00:00.000Z");
    expect(iso(windowStart(at("2026-03-01T12:00:59.999Z"), minute))).toBe("2026-03-01T12:00:00.000Z");
    expect(iso(windowStart(at("2026-03-01T12:01:00.000Z"), minute))).toBe("2026-03-01T12:01:00.000Z");
    // 10 s windows: :00, :10, :20 …, never counted from the last request.
    expect(iso(windowStart(at("2026-03-01T12:00:19.999Z"), 10_000))).toBe("2026-03-01T12:00:10.000Z");
    expect(iso(windowStart(at("2026-03-01T23:59:59.999Z"), 86_400_000))).toBe("2026-03-01T00:00:00.000Z");
  });
});

describe("refill periods", () => {
  const monthly = (refillDay: number) => ({ interval: "monthly" as const, amount: 10, refillDay });

  it("daily periods are UTC days", () => {
    const p = refillPeriod({ interval: "daily", amount: 5, refillDay: null }, at("2026-05-10T23:59:59.999Z"));
    expect([iso(p.start), iso(p.end)]).toEqual(["2026-05-10T00:00:00.000Z", "2026-05-11T00:00:00.000Z"]);
    const next = refillPeriod({ interval: "daily", amount: 5, refillDay: null }, at("2026-05-11T00:00:00.000Z"));
    expect(next.index).toBe(p.index + 1);
  });

  it("refill day 31 in February is the last day of February (28th, 29th in leap years)", () => {
    const beforeFeb = refillPeriod(monthly(31), at("2026-02-27T23:59:59.999Z"));
    expect([iso(beforeFeb.start), iso(beforeFeb.end)]).toEqual(["2026-01-31T00:00:00.000Z", "2026-02-28T00:00:00.000Z"]);
    const feb = refillPeriod(monthly(31), at("2026-02-28T00:00:00.000Z"));
    expect(feb.index).toBe(beforeFeb.index + 1);
    expect([iso(feb.start), iso(feb.end)]).toEqual(["2026-02-28T00:00:00.000Z", "2026-03-31T00:00:00.000Z"]);
    const leap = refillPeriod(monthly(31), at("2028-02-29T08:00:00.000Z"));
    expect([iso(leap.start), iso(leap.end)]).toEqual(["2028-02-29T00:00:00.000Z", "2028-03-31T00:00:00.000Z"]);
    expect(iso(refillPeriod(monthly(31), at("2028-02-28T23:00:00.000Z")).start)).toBe("2028-01-31T00:00:00.000Z");
    // 30th: April has 30 days, February does not.
    expect(iso(refillPeriod(monthly(30), at("2026-04-30T00:00:00.000Z")).start)).toBe("2026-04-30T00:00:00.000Z");
    expect(iso(refillPeriod(monthly(30), at("2026-03-01T00:00:00.000Z")).start)).toBe("2026-02-28T00:00:00.000Z");
  });

  it("monthly periods cross the year and count up by one per month", () => {
    const dec = refillPeriod(monthly(15), at("2026-12-20T00:00:00.000Z"));
    const jan = refillPeriod(monthly(15), at("2027-01-15T00:00:00.000Z"));
    expect(jan.index).toBe(dec.index + 1);
    expect(iso(dec.end)).toBe("2027-01-15T00:00:00.000Z");
    expect(iso(refillPeriod(monthly(1), at("2027-01-01T00:00:00.000Z")).start)).toBe("2027-01-01T00:00:00.000Z");
    expect(iso(refillPeriod(monthly(1), at("2026-12-31T23:59:59.999Z")).start)).toBe("2026-12-01T00:00:00.000Z");
  });

  it("without refill there is one endless period", () => {
    expect(refillPeriod(null, Date.now())).toBe(NO_REFILL_PERIOD);
  });
});

describe("durationLabel", () => {
  it("names a duration by its largest whole unit", () => {
    expect([1_000, 10_000, 60_000, 90_000, 3_600_000, 86_400_000, 1_500].map(durationLabel)).toEqual([
      "1s", "10s", "1m", "90s", "1h", "1d", "1500ms",
    ]);
  });
});
