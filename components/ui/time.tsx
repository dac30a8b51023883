"use client";

import { useSyncExternalStore, type ComponentProps } from "react";

import { useHydrated } from "@/components/ui/use-hydrated";
import { formatDate, formatDateTime, formatRelative, type DateInput } from "@/lib/dates";

// Server and browser usually disagree on the time zone and on "now". Rendering the server's
// view (UTC, the server's `now`) during hydration and the browser's right after keeps React's
// hydration check happy without suppressing warnings.

// One shared minute ticker, so a table with many relative times runs a single interval.
let clientNow = Date.now();
const listeners = new Set<() => void>();
let ticker: ReturnType<typeof setInterval> | undefined;

function subscribeToClock(listener: () => void) {
  listeners.add(listener);
  if (ticker === undefined) {
    // The clock may have been idle for a while: catch up before the first tick.
    clientNow = Date.now();
    listener();
    ticker = setInterval(() => {
      clientNow = Date.now();
      listeners.forEach((notify) => notify());
    }, 60_000);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && ticker !== undefined) {
      clearInterval(ticker);
      ticker = undefined;
    }
  };
}

/** The current time, refreshed every minute; `serverNow` (ISO) while hydrating. */
export function useNow(serverNow: string): number {
  return useSyncExternalStore(
    subscribeToClock,
    () => clientNow,
    () => Date.parse(serverNow),
  );
}

type TimeProps = Omit<ComponentProps<"time">, "dateTime" | "children" | "title">;

export type DateTextProps = TimeProps & {
  value: DateInput;
  /** Show date and time instead of the date alone. */
  withTime?: boolean;
};

/** An absolute date in the reader's time zone; the full date-time is in the tooltip. */
export function DateText({ value, withTime = false, ...props }: DateTextProps) {
  const zone = useHydrated() ? undefined : "UTC";
  const iso = new Date(value).toISOString();
  return (
    <time dateTime={iso} title={formatDateTime(value, zone)} {...props}>
      {withTime ? formatDateTime(value, zone) : formatDate(value, zone)}
    </time>
  );
}

export type RelativeTimeTextProps = TimeProps & {
  value: DateInput;
  /** The server's "now" (ISO), used until the page has hydrated. */
  serverNow: string;
};

/** "in 29 days" / "3 hours ago", with the absolute date-time in the tooltip. */
export function RelativeTimeText({ value, serverNow, ...props }: RelativeTimeTextProps) {
  const now = useNow(serverNow);
  const zone = useHydrated() ? undefined : "UTC";
  return (
    <time dateTime={new Date(value).toISOString()} title={formatDateTime(value, zone)} {...props}>
      {formatRelative(value, now)}
    </time>
  );
}
