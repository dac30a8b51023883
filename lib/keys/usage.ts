// Usage counting for verifications without a database write per request: counts are coalesced in
// memory per (key, UTC day) and written in one transaction per flush (every ~2 s, and at
// shutdown). A failed flush puts its counts back, so they are retried with the next one.
//
// The pending counts live on globalThis for the same reason as the key cache: Next's bundled
// code and the tsx-loaded server are two module graphs in one process, and only the server runs
// the flusher, so both must add to the same batch.
import { db, type Db } from "@/lib/db";
import { DAY_MS } from "@/lib/dates";

/** Verification outcomes that concern a known key (MALFORMED and NOT_FOUND have no key to count). */
export type UsageOutcome = "VALID" | "REVOKED" | "EXPIRED" | "DISABLED" | "FORBIDDEN" | "RATE_LIMITED" | "USAGE_EXCEEDED";

interface PendingUsage {
  keyId: string;
  /** UTC day, YYYY-MM-DD. */
  day: string;
  valid: number;
  revoked: number;
  expired: number;
  disabled: number;
  forbidden: number;
  rateLimited: number;
  usageExceeded: number;
  /** Latest VALID verification (epoch ms): lastUsedAt means the last successful use. */
  lastValidAt: number | null;
}

export interface UsageStats {
  /** (key, day) pairs waiting for the next flush. */
  pending: number;
  /** Flushes that wrote something (one transaction each). */
  flushes: number;
  failedFlushes: number;
  /** SQL statements sent by flushes, successful or not: the flush's share of database writes. */
  statements: number;
}

interface UsageState {
  pending: Map<string, PendingUsage>;
  /** Flushes run one after another; this is the tail of that queue. */
  queue: Promise<unknown>;
  timer: ReturnType<typeof setInterval> | null;
  stats: Omit<UsageStats, "pending">;
}

const globalForUsage = globalThis as unknown as { __keydeskUsage?: UsageState };

function state(): UsageState {
  globalForUsage.__keydeskUsage ??= {
    pending: new Map(),
    queue: Promise.resolve(),
    timer: null,
    stats: { flushes: 0, failedFlushes: 0, statements: 0 },
  };
  return globalForUsage.__keydeskUsage;
}

function emptyUsage(keyId: string, day: string): PendingUsage {
  return { keyId, day, valid: 0, revoked: 0, expired: 0, disabled: 0, forbidden: 0, rateLimited: 0, usageExceeded: 0, lastValidAt: null };
}

function addInto(target: PendingUsage, source: PendingUsage): void {
  target.valid += source.valid;
  target.revoked += source.revoked;
  target.expired += source.expired;
  target.disabled += source.disabled;
  target.forbidden += source.forbidden;
  target.rateLimited += source.rateLimited;
  target.usageExceeded += source.usageExceeded;
  if (source.lastValidAt !== null && (target.lastValidAt === null || source.lastValidAt > target.lastValidAt)) {
    target.lastValidAt = source.lastValidAt;
  }
}

/** The last UTC day computed, so the hot path formats a date once a day rather than per call. */
let dayCache = { start: 0, end: 0, label: "" };

function utcDay(atMs: number): string {
  if (atMs < dayCache.start || atMs >= dayCache.end) {
    const start = atMs - (((atMs % DAY_MS) + DAY_MS) % DAY_MS);
    dayCache = { start, end: start + DAY_MS, label: new Date(start).toISOString().slice(0, 10) };
  }
  return dayCache.label;
}

/** Counts one verification of a known key. Memory only; see flushUsage(). */
export function recordUsage(keyId: string, outcome: UsageOutcome, at: Date = new Date()): void {
  const day = utcDay(at.getTime());
  const pending = state().pending;
  const mapKey = `${keyId}|${day}`;
  let entry = pending.get(mapKey);
  if (!entry) {
    entry = emptyUsage(keyId, day);
    pending.set(mapKey, entry);
  }
  switch (outcome) {
    case "VALID":
      entry.valid += 1;
      if (entry.lastValidAt === null || at.getTime() > entry.lastValidAt) entry.lastValidAt = at.getTime();
      break;
    case "REVOKED":
      entry.revoked += 1;
      break;
    case "EXPIRED":
      entry.expired += 1;
      break;
    case "DISABLED":
      entry.disabled += 1;
      break;
    case "FORBIDDEN":
      entry.forbidden += 1;
      break;
    case "RATE_LIMITED":
      entry.rateLimited += 1;
      break;
    case "USAGE_EXCEEDED":
      entry.usageExceeded += 1;
      break;
  }
}

async function writeBatch(client: Db, batch: PendingUsage[]): Promise<void> {
  // Sorted so that concurrent flushes from several processes tend to lock rows in one order; a
  // deadlock that still happens only fails the flush, whose counts are then retried.
  batch.sort((a, b) => (a.keyId < b.keyId ? -1 : a.keyId > b.keyId ? 1 : a.day < b.day ? -1 : a.day > b.day ? 1 : 0));

  const lastUsed = new Map<string, number>();
  for (const entry of batch) {
    if (entry.lastValidAt === null) continue;
    const current = lastUsed.get(entry.keyId);
    if (current === undefined || entry.lastValidAt > current) lastUsed.set(entry.keyId, entry.lastValidAt);
  }

  // The JOIN drops counts of keys deleted since they were verified; without it a single vanished
  // key would fail every later flush on the foreign key.
  const statements = [
    client.$executeRaw`
      INSERT INTO "KeyUsageDaily" ("keyId", "day", "valid", "revoked", "expired", "disabled", "forbidden", "rateLimited", "usageExceeded")
      SELECT u."keyId", u."day", u."valid", u."revoked", u."expired", u."disabled", u."forbidden", u."rateLimited", u."usageExceeded"
        FROM unnest(${batch.map((e) => e.keyId)}::uuid[], ${batch.map((e) => e.day)}::date[],
                    ${batch.map((e) => e.valid)}::int[], ${batch.map((e) => e.revoked)}::int[],
                    ${batch.map((e) => e.expired)}::int[], ${batch.map((e) => e.disabled)}::int[],
                    ${batch.map((e) => e.forbidden)}::int[], ${batch.map((e) => e.rateLimited)}::int[],
                    ${batch.map((e) => e.usageExceeded)}::int[])
             AS u("keyId", "day", "valid", "revoked", "expired", "disabled", "forbidden", "rateLimited", "usageExceeded")
        JOIN "ApiKey" k ON k."id" = u."keyId"
      ON CONFLICT ("keyId", "day") DO UPDATE SET
        "valid" = "KeyUsageDaily"."valid" + EXCLUDED."valid",
        "revoked" = "KeyUsageDaily"."revoked" + EXCLUDED."revoked",
        "expired" = "KeyUsageDaily"."expired" + EXCLUDED."expired",
        "disabled" = "KeyUsageDaily"."disabled" + EXCLUDED."disabled",
        "forbidden" = "KeyUsageDaily"."forbidden" + EXCLUDED."forbidden",
        "rateLimited" = "KeyUsageDaily"."rateLimited" + EXCLUDED."rateLimited",
        "usageExceeded" = "KeyUsageDaily"."usageExceeded" + EXCLUDED."usageExceeded"`,
  ];
  if (lastUsed.size > 0) {
    const ids = [...lastUsed.keys()];
    const times = ids.map((id) => new Date(lastUsed.get(id) ?? 0).toISOString());
    // Raw SQL on purpose: "updatedAt" is maintained by Prisma Client only, so it stays untouched
    // (being used is not an edit). The WHERE skips rows that already have a later value.
    statements.push(client.$executeRaw`
      UPDATE "ApiKey" AS k SET "lastUsedAt" = u."lastUsedAt"
        FROM unnest(${ids}::uuid[], ${times}::timestamptz[]) AS u("id", "lastUsedAt")
       WHERE k."id" = u."id" AND (k."lastUsedAt" IS NULL OR k."lastUsedAt" < u."lastUsedAt")`);
  }
  state().stats.statements += statements.length;
  await client.$transaction(statements);
}

/**
 * Rows per transaction. Over many keys a single batch can grow to tens of thousands of rows; one
 * transaction for all of them outlived its timeout under load, failed, and came back larger.
 */
const FLUSH_CHUNK_ROWS = 1000;

async function flushOnce(client: Db): Promise<number> {
  const s = state();
  if (s.pending.size === 0) return 0;
  const entries = [...s.pending.entries()];
  // Verifications during the write start a new batch instead of changing this one.
  s.pending = new Map();
  let written = 0;
  try {
    for (; written < entries.length; written += FLUSH_CHUNK_ROWS) {
      await writeBatch(client, entries.slice(written, written + FLUSH_CHUNK_ROWS).map(([, entry]) => entry));
    }
    s.stats.flushes += 1;
    return entries.length;
  } catch (error) {
    s.stats.failedFlushes += 1;
    // Put back the counts not yet written (adding to whatever arrived meanwhile) for the next
    // attempt; chunks already committed stay written. If the connection died during COMMIT the
    // outcome of that chunk is unknown and a retry may count it twice; that is the one case where
    // exactness is traded for not losing counts.
    for (const [mapKey, entry] of entries.slice(written)) {
      const current = s.pending.get(mapKey);
      if (current) addInto(current, entry);
      else s.pending.set(mapKey, entry);
    }
    throw error;
  }
}

/**
 * Writes all pending counts now, after any flush already running. Resolves with the number of
 * (key, day) rows written; rejects if the database refused, with the counts kept for next time.
 * `client` exists so tests can flush through a client whose database is unreachable.
 */
export function flushUsage(options: { client?: Db } = {}): Promise<number> {
  const s = state();
  const run = s.queue.then(() => flushOnce(options.client ?? db));
  s.queue = run.catch(() => undefined);
  return run;
}

export function usageStats(): UsageStats {
  const s = state();
  return { pending: s.pending.size, ...s.stats };
}

/** Prisma's messages span several lines; log lines should not. */
export function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).replace(/\s+/g, " ").trim();
}

export interface UsageFlusherOptions {
  /** Default: KEYDESK_USAGE_FLUSH_MS, else 2000. */
  intervalMs?: number;
  onError?: (message: string) => void;
}

function flushIntervalMs(): number {
  const value = Number(process.env.KEYDESK_USAGE_FLUSH_MS);
  return Number.isFinite(value) && value >= 10 ? value : 2_000;
}

/** Flushes periodically until stopUsageFlusher(). Starting twice keeps the first timer. */
export function startUsageFlusher(options: UsageFlusherOptions = {}): void {
  const s = state();
  if (s.timer) return;
  const report = options.onError ?? ((message: string) => console.error(`[keydesk] ${message}`));
  let failing = false;
  let busy = false;
  s.timer = setInterval(() => {
    // Ticks do not queue up behind a slow or hanging flush; the next free tick takes everything.
    if (busy || s.pending.size === 0) return;
    busy = true;
    flushUsage()
      .then(() => {
        if (failing) report("usage flush recovered");
        failing = false;
      })
      .catch((error: unknown) => {
        // Once per outage, not every two seconds; the counts are kept and retried.
        if (!failing) report(`usage flush failed, will retry: ${oneLine(error)}`);
        failing = true;
      })
      .finally(() => {
        busy = false;
      });
  }, options.intervalMs ?? flushIntervalMs());
  // Pending counts alone must not keep a process alive; shutdown flushes explicitly.
  s.timer.unref();
}

export function stopUsageFlusher(): void {
  const s = state();
  if (s.timer) clearInterval(s.timer);
  s.timer = null;
}
