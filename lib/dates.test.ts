import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DAY_MS, formatDate, formatDateTime, formatRelative } from "@/lib/dates";

// ICU versions differ in the space before AM/PM (U+0020 or U+202F).
const dateTime = (...args: Parameters<typeof formatDateTime>) => formatDateTime(...args).replace(/\s/g, " ");

describe("dates", () => {
  const value = "2026-01-05T14:03:00.000Z";

  it("formats dates and date-times in the zone asked for, with the zone named", () => {
    expect(formatDate(value, "UTC")).toBe("Jan 5, 2026");
    expect(dateTime(value, "UTC")).toBe("Jan 5, 2026, 2:03 PM UTC");
    expect(formatDate("2026-01-05T23:30:00.000Z", "Asia/Tokyo")).toBe("Jan 6, 2026");
    expect(dateTime(value, "America/New_York")).toBe("Jan 5, 2026, 9:03 AM EST");
  });

  it("keeps each zone apart when formatters are reused", () => {
    for (let i = 0; i < 3; i++) {
      expect(dateTime(value, "UTC")).toBe("Jan 5, 2026, 2:03 PM UTC");
      expect(dateTime(value, "Asia/Tokyo")).toBe("Jan 5, 2026, 11:03 PM GMT+9");
      expect(formatDate(value, "UTC")).toBe("Jan 5, 2026");
    }
  });

  it("says relative times in words", () => {
    expect(formatRelative("2026-01-06T14:03:00.000Z", value)).toBe("in 1 day");
    expect(formatRelative("2026-01-05T11:03:00.000Z", value)).toBe("3 hours ago");
    expect(formatRelative("2026-01-05T14:02:30.000Z", value)).toBe("just now");
    expect(formatRelative("2026-01-05T14:03:30.000Z", value)).toBe("in under a minute");
  });
});

describe("formatRelative's one rule", () => {
  const now = Date.parse("2026-03-01T12:00:00.000Z");
  const HOUR = 60 * 60_000;
  const inDays = (days: number) => formatRelative(now + days * DAY_MS, now);

  it("gives a 30-day key the same kind of label whichever minute it is looked at", () => {
    // Seconds to a day after creation, as the list, the key page and a reload would see it.
    for (const elapsed of [1_000, 60_000, 5 * 60_000, HOUR, 11 * HOUR, 13 * HOUR, 23 * HOUR]) {
      expect(formatRelative(now + 30 * DAY_MS, now + elapsed)).toMatch(/^in (30|29) days$/);
    }
    expect(inDays(30.4)).toBe("in 30 days");
    expect(inDays(29.6)).toBe("in 30 days");
    expect(inDays(31)).toBe("in 31 days");
  });

  it("counts days up to a year, then years; never months", () => {
    expect(inDays(1)).toBe("in 1 day");
    expect(inDays(90)).toBe("in 90 days");
    expect(inDays(364)).toBe("in 364 days");
    expect(inDays(365)).toBe("in 1 year");
    expect(inDays(2 * 365)).toBe("in 2 years");
    expect(inDays(-45)).toBe("45 days ago");
    expect(inDays(-400)).toBe("1 year ago");
  });

  it("switches unit where the rounded count reaches the next one", () => {
    expect(formatRelative(now + 59 * 60_000, now)).toBe("in 59 minutes");
    expect(formatRelative(now + 59.6 * 60_000, now)).toBe("in 1 hour");
    expect(formatRelative(now + 23.4 * HOUR, now)).toBe("in 23 hours");
    expect(formatRelative(now + 23.6 * HOUR, now)).toBe("in 1 day");
    expect(inDays(364.4)).toBe("in 364 days");
    expect(inDays(364.6)).toBe("in 1 year");
  });

  // What a label claims, in milliseconds, so labels can be ordered.
  function claimed(label: string): number {
    if (label === "just now" || label === "in under a minute") return 0;
    const match = /^(?:in )?(\d+) (minute|hour|day|year)s?(?: ago)?$/.exec(label);
    if (!match) throw new Error(`unexpected label "${label}"`);
    const unit = { minute: 60_000, hour: HOUR, day: DAY_MS, year: 365 * DAY_MS }[match[2] as "minute" | "hour" | "day" | "year"];
    return Number(match[1]) * unit;
  }

  it("only ever counts down as an expiry approaches, and is never far from the truth", () => {
    const span = fc.integer({ min: 0, max: 5 * 365 * DAY_MS });
    fc.assert(
      fc.property(span, span, (a, b) => {
        const [far, near] = a >= b ? [a, b] : [b, a];
        const farLabel = formatRelative(now + far, now);
        const nearLabel = formatRelative(now + near, now);
        expect(claimed(farLabel)).toBeGreaterThanOrEqual(claimed(nearLabel));
        expect(formatRelative(now - far, now).endsWith(" ago") || far < 60_000).toBe(true);
        // Off by at most half the unit shown (a year: half a year plus the leap days).
        expect(Math.abs(claimed(farLabel) - far)).toBeLessThanOrEqual(Math.max(30_000, claimed(farLabel) / 2 + 2 * DAY_MS));
      }),
    );
  });
});
