// Keydesk's scheduler: periodic jobs that survive restarts and run on one instance at a time.
// Each job has a row in "SchedulerJob". A run is claimed by one UPDATE that moves nextRunAt
// forward and takes a lease, under the condition that the run is due and nobody holds the lease:
// PostgreSQL re-checks that condition after the row lock, so of N instances exactly one claims
// each run, and the schedule lives in the database, not in a process that may restart.
//
// Jobs are written to be re-runnable: each one works from the current state ("keys within 7 days
// of expiry without a 7-day event yet") and records its effects with unique dedupe keys, so a run
// cut short by a crash is completed by the next one and never repeats what was already done.
import { db } from "@/lib/db";

export interface ScheduledJob {
  name: string;
  /** When the first run is due, on a database that never ran this job. */
  firstRun(now: Date): Date;
  /** When the run after the one starting at `now` is due. */
  next(now: Date): Date;
  run(now: Date): Promise<void>;
}

/** Longest a run may take before another instance may assume its holder died. */
const LEASE_MS = 10 * 60 * 1000;

export interface JobRun {
  name: string;
  error: string | null;
}

/** Runs every job that is due and not held by another instance; returns what ran. */
export async function runDueJobs(jobs: readonly ScheduledJob[], now: Date = new Date(), log?: (message: string) => void): Promise<JobRun[]> {
  const runs: JobRun[] = [];
  for (const job of jobs) {
    await db.schedulerJob.createMany({ data: [{ name: job.name, nextRunAt: job.firstRun(now) }], skipDuplicates: true });
    const leaseUntil = new Date(now.getTime() + LEASE_MS);
    const claimed = await db.schedulerJob.updateMany({
      where: { name: job.name, nextRunAt: { lte: now }, OR: [{ leaseUntil: null }, { leaseUntil: { lt: now } }] },
      data: { nextRunAt: job.next(now), leaseUntil, lastStartedAt: now },
    });
    if (claimed.count === 0) continue;
    let error: string | null = null;
    try {
      await job.run(now);
    } catch (caught) {
      error = caught instanceof Error ? `${caught.name}: ${caught.message.split("\n")[0]}`.slice(0, 500) : "failed";
      log?.(`scheduled job ${job.name} failed: ${error}`);
    }
    await db.schedulerJob.update({ where: { name: job.name }, data: { leaseUntil: null, lastFinishedAt: new Date(), lastError: error } });
    runs.push({ name: job.name, error });
  }
  return runs;
}
