// Time arithmetic of usage limits, all in UTC epoch milliseconds.
//
// Rate limits use fixed windows aligned to multiples of their duration since the epoch: a limit
// of 100 per minute counts in [12:00:00.000, 12:01:00.000), then starts again at 12:01. A window
// is a plain number (its start), so every process derives the same window from the same time.
//
// Credits refill per period: a UTC day, or a month that begins on the refill day at 00:00 UTC
// (clamped: refill day 31 begins February's period on the 28th, or the 29th in leap years).
// A period has an index, so "a refill is due" is just "the stored index is smaller than now's".
import type { RefillConfig } from "@/lib/keys/limits/types";
import { DAY_MS } from "@/lib/dates";

/** Start of the fixed window of `durationMs` that contains `nowMs`. */
export function windowStart(nowMs: number, durationMs: number): number {
  return nowMs - (((nowMs % durationMs) + durationMs) % durationMs);
}

export interface Period {
  /** Grows by one per refill: days since the epoch, or months since year 0. */
  index: number;
  start: number;
  /** When the next period (and refill) begins; Infinity without refill. */
  end: number;
}

/** Without refill, credits have one endless period. */
export const NO_REFILL_PERIOD: Period = { index: 0, start: -Infinity, end: Infinity };

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
}

/** 00:00 UTC of the refill day (clamped) in month `monthIndex` (= year * 12 + month). */
function monthlyBoundary(monthIndex: number, refillDay: number): number {
  const year = Math.floor(monthIndex / 12);
  const month = monthIndex - year * 12;
  return Date.UTC(year, month, Math.min(refillDay, daysInMonth(year, month)));
}

/** The refill period that contains `nowMs`. */
export function refillPeriod(refill: RefillConfig | null, nowMs: number): Period {
  if (refill === null) return NO_REFILL_PERIOD;
  if (refill.interval === "daily") {
    const index = Math.floor(nowMs / DAY_MS);
    return { index, start: index * DAY_MS, end: (index + 1) * DAY_MS };
  }
  const day = refill.refillDay ?? 1;
  const now = new Date(nowMs);
  const thisMonth = now.getUTCFullYear() * 12 + now.getUTCMonth();
  const index = nowMs >= monthlyBoundary(thisMonth, day) ? thisMonth : thisMonth - 1;
  return { index, start: monthlyBoundary(index, day), end: monthlyBoundary(index + 1, day) };
}
