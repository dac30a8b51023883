// Date formatting for every page. Pure (Intl only) so server and client components share it.
// The locale is fixed to English because the surrounding UI text is English; a German date
// inside an English sentence reads worse than a consistent one.

const LOCALE = "en-US";
export const DAY_MS = 24 * 60 * 60 * 1000;

export type DateInput = string | number | Date;

function toDate(value: DateInput): Date {
  return value instanceof Date ? value : new Date(value);
}

// Creating an Intl.DateTimeFormat costs about a hundred times more than formatting with one
// (~0.5 ms against ~5 µs in Node): a page of 25 keys formats ~100 dates while rendering on the
// server, so the formatters are made once per (format, zone). The runtime's own zone (undefined)
// is read when its formatter is first made.
const DATE_OPTIONS: Intl.DateTimeFormatOptions = { dateStyle: "medium" };
const DATE_TIME_OPTIONS: Intl.DateTimeFormatOptions = {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "numeric",
  minute: "2-digit",
  timeZoneName: "short",
};
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(options: Intl.DateTimeFormatOptions, timeZone: string | undefined): Intl.DateTimeFormat {
  const key = `${options === DATE_OPTIONS ? "date" : "dateTime"}|${timeZone ?? ""}`;
  let format = formatters.get(key);
  if (!format) {
    format = new Intl.DateTimeFormat(LOCALE, { ...options, timeZone });
    formatters.set(key, format);
  }
  return format;
}

/** "Jan 5, 2026". `timeZone` undefined = the runtime's zone (the browser's on the client). */
export function formatDate(value: DateInput, timeZone?: string): string {
  return formatter(DATE_OPTIONS, timeZone).format(toDate(value));
}

/** "Jan 5, 2026, 2:03 PM UTC": the zone is always named so the reader knows which one. */
export function formatDateTime(value: DateInput, timeZone?: string): string {
  return formatter(DATE_TIME_OPTIONS, timeZone).format(toDate(value));
}

const relative = new Intl.RelativeTimeFormat(LOCALE, { numeric: "always" });

// One rule for every relative time, so a key's expiry reads the same on every page and only ever
// counts down: the unit is the largest one whose *rounded* count has not reached the next unit.
// Choosing the unit by the exact duration instead made 29.6 days read "in 30 days" and 30.4 days
// "in 1 month" for the same key. Months are never used (a month is no fixed number of days, and
// policies and the expiry picker speak in days); "in 1 day" rather than "tomorrow", which a key
// expiring in 30 hours may not be.
const UNITS: readonly { unit: Intl.RelativeTimeFormatUnit; ms: number; below: number }[] = [
  { unit: "minute", ms: 60_000, below: 60 },
  { unit: "hour", ms: 60 * 60_000, below: 24 },
  { unit: "day", ms: DAY_MS, below: 365 },
  { unit: "year", ms: 365 * DAY_MS, below: Number.POSITIVE_INFINITY },
];

/** "in 29 days", "3 hours ago", "just now"; see UNITS for the rule. */
export function formatRelative(value: DateInput, now: DateInput): string {
  const diff = toDate(value).getTime() - toDate(now).getTime();
  const abs = Math.abs(diff);
  if (abs < 60_000) return diff <= 0 ? "just now" : "in under a minute";
  const { unit, ms } = UNITS.find((u) => Math.round(abs / u.ms) < u.below) ?? UNITS[UNITS.length - 1]!;
  const count = Math.round(abs / ms);
  return relative.format(diff < 0 ? -count : count, unit);
}
