// The scheduler's jobs and their cadence (lib/notifications/scheduler.ts runs them).
import { DAY_MS } from "@/lib/dates";
import { queueStaleDigests, nextDigestTime } from "@/lib/notifications/jobs/digest";
import { raiseExpiryEvents } from "@/lib/notifications/jobs/expiry";
import { pruneNotificationHistory } from "@/lib/notifications/jobs/retention";
import type { ScheduledJob } from "@/lib/notifications/scheduler";

const EXPIRY_CHECK_MS = 10 * 60 * 1000;

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
