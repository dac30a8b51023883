// The notification workers of one Keydesk process, started by server/index.ts: three loops that
// poll the database (about once a second; a poke runs them at once) and never overlap themselves.
// Every instance runs them; the claims in each step (SKIP LOCKED, leases, the scheduler's
// conditional UPDATE) make sure work is done once however many instances poll.
//   outbox   — canary uses and leak reports, then the dispatcher (events → deliveries and alert mail), then due
//              scheduled jobs (expiry events and reminders, the weekly digest, retention)
//   webhooks — due webhook deliveries
//   mail     — due mail, when email is configured
import { setCanaryListener } from "@/lib/keys/canary";
import { recordCanaryUses } from "@/lib/notifications/canary-alerts";
import { deliverDue } from "@/lib/notifications/deliveries";
import { dispatchOutbox } from "@/lib/notifications/dispatcher";
import { SCHEDULED_JOBS } from "@/lib/notifications/jobs";
import { mailSettings } from "@/lib/notifications/mail/config";
import { sendDueMail } from "@/lib/notifications/mail/queue";
import { closeMailTransport } from "@/lib/notifications/mail/transport";
import { setNotificationsPoke } from "@/lib/notifications/poke";
import { runDueJobs } from "@/lib/notifications/scheduler";
import { processLeakReports } from "@/lib/services/leak-reports";

export interface NotificationWorkers {
  /** Runs every loop now (or right after its current pass). */
  poke(): void;
  stop(): Promise<void>;
}

export interface NotificationWorkerOptions {
  log: (message: string) => void;
  pollMs?: number;
  /** How often the outbox loop looks for due scheduled jobs. */
  schedulerPollMs?: number;
}

const ERROR_LOG_INTERVAL_MS = 60_000;
const STOP_TIMEOUT_MS = 5_000;

interface Loop {
  poke(): void;
  stop(): Promise<void>;
}

function startLoop(name: string, pollMs: number, pass: () => Promise<boolean>, log: (message: string) => void): Loop {
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastErrorLog = -Infinity;

  const schedule = (delay: number) => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(run, delay);
    timer.unref();
  };

  function run(): void {
    timer = null;
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    again = false;
    running = (async () => {
      try {
        // A full batch means there may be more: keep going without waiting for the next poll.
        while (!stopped && (await pass()));
      } catch (error) {
        const now = Date.now();
        // A database outage would otherwise log once a second per loop.
        if (now - lastErrorLog >= ERROR_LOG_INTERVAL_MS) {
          lastErrorLog = now;
          log(`notification worker "${name}" failed: ${error instanceof Error ? `${error.name}: ${error.message.split("\n")[0]}` : "unknown error"}`);
        }
      }
    })().finally(() => {
      running = null;
      schedule(again ? 0 : pollMs);
    });
  }

  schedule(0);
  return {
    poke: () => schedule(0),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (running) await Promise.race([running, new Promise((resolve) => setTimeout(resolve, STOP_TIMEOUT_MS).unref())]);
    },
  };
}

export function startNotificationWorkers(options: NotificationWorkerOptions): NotificationWorkers {
  const pollMs = options.pollMs ?? Number(process.env.KEYDESK_NOTIFY_POLL_MS ?? 1000);
  const schedulerPollMs = options.schedulerPollMs ?? 10_000;
  let lastSchedulerRun = -Infinity;

  const webhooks = startLoop("webhooks", pollMs, async () => (await deliverDue()) > 0, options.log);
  const mail = startLoop("mail", pollMs, async () => mailSettings().enabled && (await sendDueMail()) > 0, options.log);
  const outbox = startLoop(
    "outbox",
    pollMs,
    async () => {
      const canaries = await recordCanaryUses(options.log);
      const leaks = await processLeakReports();
      const dispatched = await dispatchOutbox();
      if (dispatched > 0) {
        webhooks.poke();
        mail.poke();
      }
      if (Date.now() - lastSchedulerRun >= schedulerPollMs) {
        lastSchedulerRun = Date.now();
        const runs = await runDueJobs(SCHEDULED_JOBS, new Date(), options.log);
        if (runs.length > 0) mail.poke();
      }
      return canaries > 0 || leaks > 0 || dispatched > 0;
    },
    options.log,
  );

  const poke = () => {
    outbox.poke();
    webhooks.poke();
    mail.poke();
  };
  setNotificationsPoke(poke);
  // A canary use is alerted at once, not at the next poll.
  setCanaryListener(() => outbox.poke());
  return {
    poke,
    async stop() {
      setNotificationsPoke(undefined);
      setCanaryListener(null);
      await Promise.all([outbox.stop(), webhooks.stop(), mail.stop()]);
      closeMailTransport();
    },
  };
}
