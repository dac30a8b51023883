import { describe, expect, it } from "vitest";
import { formatDate, formatDateTime, formatRelative } from "@/lib/dates";

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
    expect(formatRelative("2026-01-06T14:03:00.000Z", value)).toBe("tomorrow");
    expect(formatRelative("2026-01-05T11:03:00.000Z", value)).toBe("3 hours ago");
  });
});
