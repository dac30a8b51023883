// The scheduler's jobs and their cadence (lib/notifications/scheduler.ts runs them).
import { DAY_MS } from "@/lib/dates";
import { queueStaleDigests, nextDigestTime } from "@/lib/notifications/jobs/digest";
import { raiseExpiryEvents } from "@/lib/notifications/jobs/expiry";
import { pruneNotificationHistory } from "@/lib/notifications/jobs/retention";
import { raiseUsageSignals } from "@/lib/notifications/jobs/usage-signals";
import type { ScheduledJob } from "@/lib/notifications/scheduler";

const EXPIRY_CHECK_MS = 10 * 60 * 1000;
/** key.rate_limited, key.usage_exceeded and key.new_ip follow the trail's counts this closely. */
const USAGE_SIGNAL_MS = 10 * 1000;

export const SCHEDULED_JOBS: readonly ScheduledJob[] = [
  {
    name: "key-expiry",
    firstRun: (now) => now,
    next: (now) => new Date(now.getTime() + EXPIRY_CHECK_MS),
    run: async (now) => {
      await raiseExpiryEvents(now);
    },
  },
  {
    name: "usage-signals",
    firstRun: (now) => now,
    next: (now) => new Date(now.getTime() + USAGE_SIGNAL_MS),
    run: async (now) => {
      await raiseUsageSignals(now);
    },
  },
  {
    name: "stale-key-digest",
    firstRun: nextDigestTime,
    next: nextDigestTime,
    run: async (now) => {
      await queueStaleDigests(now);
    },
  },
  {
    name: "notification-retention",
    firstRun: (now) => now,
    next: (now) => new Date(now.getTime() + DAY_MS),
    run: pruneNotificationHistory,
  },
];
