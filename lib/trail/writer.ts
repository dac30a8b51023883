// The trail's writer: drains the buffer (buffer.ts) into a sink in batches — every
// KEYDESK_TRAIL_FLUSH_MS, or at once when a batch's worth is waiting — one batch at a time.
// A batch whose write fails is kept and retried (with back-off) before anything newer is taken;
// meanwhile the ring keeps the newest events and counts what it has to drop. On shutdown,
// stopTrailWriter() writes everything still buffered. Runs in the server process only.
import { recordLostBatch, setTrailKick, takeTrailBatch, trailBufferStats, trailPending, type TrailBatch, type TrailBufferStats } from "@/lib/trail/buffer";
import { TrailRejectedError, type TrailSink } from "@/lib/trail/sink";

const MAX_BACKOFF_MS = 10_000;
const MAINTENANCE_INTERVAL_MS = 60 * 60 * 1000;

export interface TrailWriterOptions {
  sink: TrailSink;
  /** Default: KEYDESK_TRAIL_FLUSH_MS, else 1000. */
  intervalMs?: number;
  /** Events per write at most; default KEYDESK_TRAIL_BATCH, else 10,000. */
  batchSize?: number;
  /** Partition upkeep and retention; default hourly, 0 to leave it to the caller. */
  maintenanceIntervalMs?: number;
  log?: (message: string) => void;
}

export interface TrailWriterStats extends TrailBufferStats {
  /** Events stored by the sink. */
  written: number;
  batches: number;
  failedWrites: number;
  /** Batches given up on because the sink refused their content (their events count as dropped). */
  rejectedBatches: number;
  /** Events in the batch being written or retried. */
  inFlight: number;
  statements: number;
  running: boolean;
}

interface WriterState {
  sink: TrailSink;
  intervalMs: number;
  batchSize: number;
  maintenanceIntervalMs: number;
  log: (message: string) => void;
  timer: ReturnType<typeof setTimeout> | null;
  maintenanceTimer: ReturnType<typeof setInterval> | null;
  inFlight: TrailBatch | null;
  running: Promise<void> | null;
  failing: boolean;
  backoffMs: number;
  stopped: boolean;
  written: number;
  batches: number;
  failedWrites: number;
  rejectedBatches: number;
}

let writer: WriterState | null = null;

function envInt(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s+/g, " ").trim();
}

/** Writes batches until the buffer is empty or a write fails. */
async function drain(w: WriterState): Promise<void> {
  for (;;) {
    w.inFlight ??= takeTrailBatch(w.batchSize);
    const batch = w.inFlight;
    if (!batch) return;
    try {
      await w.sink.write(batch);
    } catch (error) {
      if (error instanceof TrailRejectedError) {
        w.rejectedBatches += 1;
        w.inFlight = null;
        recordLostBatch(batch);
        w.log(`request trail: a batch of ${batch.events.count} events was refused and is counted as dropped: ${oneLine(error.cause ?? error)}`);
        continue;
      }
      w.failedWrites += 1;
      if (!w.failing) w.log(`request trail: writing failed, will retry (events wait in memory, the oldest are dropped when it is full): ${oneLine(error)}`);
      w.failing = true;
      throw error;
    }
    w.inFlight = null;
    w.written += batch.events.count;
    w.batches += 1;
    if (w.failing) w.log("request trail: writing recovered");
    w.failing = false;
    w.backoffMs = w.intervalMs;
  }
}

/**
 * Runs drain() unless it is running already (then joins it): two drains at once would write the
 * batch in flight twice. `running` is cleared before the returned promise settles, so whoever
 * awaits it can start the next drain straight away. The next timer round is scheduled after.
 */
function startDrain(w: WriterState): Promise<void> {
  if (w.running) return w.running;
  const run = (async () => {
    try {
      await drain(w);
      w.backoffMs = w.intervalMs;
    } catch (error) {
      w.backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(w.intervalMs, w.backoffMs * 2));
      throw error;
    } finally {
      w.running = null;
      schedule(w, w.failing ? w.backoffMs : w.intervalMs);
    }
  })();
  w.running = run;
  return run;
}

function round(w: WriterState): void {
  startDrain(w).catch(() => undefined);
}

function schedule(w: WriterState, delayMs: number): void {
  if (w.stopped) return;
  if (w.timer) clearTimeout(w.timer);
  w.timer = setTimeout(() => {
    w.timer = null;
    round(w);
  }, delayMs);
  // Buffered events alone must not keep a process alive; shutdown writes them explicitly.
  w.timer.unref();
}

/** Starts the writer (and hourly partition upkeep). Starting twice keeps the first writer. */
export function startTrailWriter(options: TrailWriterOptions): void {
  if (writer && !writer.stopped) return;
  const intervalMs = options.intervalMs ?? envInt("KEYDESK_TRAIL_FLUSH_MS", 1_000);
  const w: WriterState = {
    sink: options.sink,
    intervalMs,
    batchSize: options.batchSize ?? envInt("KEYDESK_TRAIL_BATCH", 10_000),
    maintenanceIntervalMs: options.maintenanceIntervalMs ?? MAINTENANCE_INTERVAL_MS,
    log: options.log ?? ((message: string) => console.error(`[keydesk] ${message}`)),
    timer: null,
    maintenanceTimer: null,
    inFlight: null,
    running: null,
    failing: false,
    backoffMs: intervalMs,
    stopped: false,
    written: 0,
    batches: 0,
    failedWrites: 0,
    rejectedBatches: 0,
  };
  writer = w;
  // A full batch waiting is written now rather than at the next tick; never while failing, when
  // the back-off decides. setImmediate: the push that triggers this must not wait for it.
  let kicked = false;
  setTrailKick(() => {
    if (kicked || w.running || w.failing || w.stopped) return;
    kicked = true;
    setImmediate(() => {
      kicked = false;
      if (!w.running && !w.stopped) round(w);
    });
  }, w.batchSize);
  schedule(w, intervalMs);
  if (w.maintenanceIntervalMs > 0) {
    w.maintenanceTimer = setInterval(() => void maintainTrail(), w.maintenanceIntervalMs);
    w.maintenanceTimer.unref();
  }
}

/**
 * Creates partitions ahead and applies retention now. Logs and resolves (never rejects): the
 * writer creates what it needs on its own, so a failed round only delays the clean-up.
 */
export async function maintainTrail(now = new Date()): Promise<{ created: number; dropped: string[] } | null> {
  const w = writer;
  if (!w) return null;
  try {
    const result = await w.sink.maintain(now);
    if (result.dropped.length > 0) w.log(`request trail: retention dropped ${result.dropped.length} day partition(s)`);
    return result;
  } catch (error) {
    w.log(`request trail: partition upkeep failed, will retry: ${oneLine(error)}`);
    return null;
  }
}

/** Writes everything buffered now (after a round already running). Rejects if a write fails. */
export async function flushTrail(): Promise<void> {
  const w = writer;
  if (!w) throw new Error("the request trail writer is not running");
  if (w.running) await w.running.catch(() => undefined);
  await startDrain(w);
}

/**
 * Stops the writer after writing everything buffered, trying until `timeoutMs` has passed.
 * Call it after the last request was answered. Resolves with the events that could not be
 * written (0 unless the database stayed unreachable), which are then lost.
 */
export async function stopTrailWriter(options: { timeoutMs?: number } = {}): Promise<{ written: number; lost: number }> {
  const w = writer;
  if (!w) return { written: 0, lost: 0 };
  w.stopped = true;
  if (w.timer) clearTimeout(w.timer);
  if (w.maintenanceTimer) clearInterval(w.maintenanceTimer);
  setTrailKick(null);
  const before = w.written;
  const deadline = Date.now() + (options.timeoutMs ?? 10_000);
  if (w.running) await w.running.catch(() => undefined);
  while (trailPending() || w.inFlight) {
    try {
      await startDrain(w);
    } catch {
      if (Date.now() >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, Math.min(500, Math.max(0, deadline - Date.now()))));
    }
  }
  const lost = (w.inFlight?.events.count ?? 0) + trailBufferStats().buffered;
  await w.sink.close().catch(() => undefined);
  writer = null;
  return { written: w.written - before, lost };
}

export function trailWriterStats(): TrailWriterStats {
  const w = writer;
  return {
    ...trailBufferStats(),
    written: w?.written ?? 0,
    batches: w?.batches ?? 0,
    failedWrites: w?.failedWrites ?? 0,
    rejectedBatches: w?.rejectedBatches ?? 0,
    inFlight: w?.inFlight?.events.count ?? 0,
    statements: w?.sink.statements() ?? 0,
    running: w !== null && !w.stopped,
  };
}
