// The key-state cache's warmer: reads the keys that can verify (not revoked, project not archived)
// from the database in chunks and caches them, so that a key is answered from memory the first
// time it is presented, not after a lookup of its own. Over a million keys used at random, a
// lookup per first use (and per expiry) is what kept verification at the database's pace.
//
// When it runs:
// - once the membership index has loaded (at start, and after every full reload, e.g. a bulk
//   insert announced as "*"), since that is when the listener is known to be LISTENing;
// - after the whole cache was cleared (the listener reconnected, a project was archived);
// - every KEYDESK_KEY_CACHE_REFRESH_MS (10 minutes): entries in use are re-read in bulk long before
//   the cache's TTL (key-cache.ts) would send each of them to the database on its own.
//
// Keys of archived projects are read (the chunk is cut by id alone) but not cached.
//
// What it may take: the cache fills up to KEYDESK_KEY_CACHE_WARM_PERCENT (90) of its budget and no
// further, and the warmer never evicts; when not every key fits, the keys verification uses get
// in through lookups as before and CLOCK keeps them. Entries it already holds are refreshed.
// Consistency: key-cache.ts remembers every invalidation while a chunk is read, and a row whose
// key changed meanwhile is not stored (beginWarmChunk / finishWarmChunk).
//
// Cost: one keyset query per chunk of 2,000 keys on the application's lookup pool, with a yield to
// the event loop between chunks; `KEYDESK_KEY_CACHE_WARM=off` turns it off.
import { lookupPool } from "@/lib/db";
import { KEY_STATE_COLUMNS, abandonWarmChunk, beginWarmChunk, finishWarmChunk, keyCacheStats, onKeyCacheCleared, type KeyRow } from "@/lib/keys/key-cache";

const CHUNK_ROWS = 2_000;
/** After a clear, wait this long for more of the same (a listener that flaps) before re-reading. */
const AFTER_CLEAR_DELAY_MS = 2_000;

// The chunk is cut from the primary key alone (an index range scan, whatever the table's size),
// then joined: a plan that joined first could sort the whole table for every chunk.
const WARM_STATEMENT = {
  name: "keydesk_key_warm",
  text: `WITH chunk AS MATERIALIZED (
           SELECT * FROM "ApiKey" WHERE "id" > $1 AND "revokedAt" IS NULL ORDER BY "id" LIMIT ${CHUNK_ROWS}
         )
         SELECT ${KEY_STATE_COLUMNS}
           FROM chunk k
           JOIN "Project" p ON p."id" = k."projectId"
          ORDER BY k."id"`,
};
const FIRST_ID = "00000000-0000-0000-0000-000000000000";

export interface KeyCacheWarmStats {
  /** Passes over the keys finished since start. */
  passes: number;
  running: boolean;
  /** Keys cached (added or refreshed) by the last finished pass. */
  lastPassKeys: number;
  lastPassMs: number | null;
  /** When the last finished pass started and finished (epoch ms). */
  lastPassStartedAt: number | null;
  lastPassAt: number | null;
  /** The last pass stopped adding keys because the cache reached its share of the budget. */
  lastPassFull: boolean;
  lastError: string | null;
}

export interface KeyCacheWarmer {
  /** Starts a pass soon (coalesced with one already asked for). */
  soon(delayMs?: number): void;
  stats(): KeyCacheWarmStats;
  stop(): Promise<void>;
}

export interface KeyCacheWarmerOptions {
  log?: (message: string) => void;
  refreshMs?: number;
  /** Share of the cache's budget a pass may fill, 0–100. */
  fillPercent?: number;
  /** Runs one chunk's query; tests may wrap it. Defaults to the lookup pool. */
  query?: (afterId: string) => Promise<KeyRow[]>;
}

function envNumber(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) throw new Error(`${name} must be a number from ${min} to ${max}, not "${raw}"`);
  return value;
}

export function keyCacheWarmEnabled(): boolean {
  return (process.env.KEYDESK_KEY_CACHE_WARM ?? "").toLowerCase() !== "off";
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

let active: KeyCacheWarmer | null = null;

/** The running warmer's figures (the bench's stats route), or null when none runs. */
export function keyCacheWarmStats(): KeyCacheWarmStats | null {
  return active?.stats() ?? null;
}

export function startKeyCacheWarmer(options: KeyCacheWarmerOptions = {}): KeyCacheWarmer {
  const log = options.log ?? ((message: string) => console.log(`[keydesk] ${message}`));
  const refreshMs = options.refreshMs ?? envNumber("KEYDESK_KEY_CACHE_REFRESH_MS", 10 * 60_000, 1_000, 24 * 3_600_000);
  const fillPercent = options.fillPercent ?? envNumber("KEYDESK_KEY_CACHE_WARM_PERCENT", 90, 0, 100);
  const query =
    options.query ??
    (async (afterId: string) => (await lookupPool().query<KeyRow>({ ...WARM_STATEMENT, values: [afterId] })).rows);
  const stats: KeyCacheWarmStats = { passes: 0, running: false, lastPassKeys: 0, lastPassMs: null, lastPassStartedAt: null, lastPassAt: null, lastPassFull: false, lastError: null };
  let stopped = false;
  let again = false;
  let current: Promise<void> | null = null;
  let delayed: ReturnType<typeof setTimeout> | null = null;
  let failing = false;

  /** One pass over every key that can verify; starts over (once) if the cache was cleared meanwhile. */
  const pass = async (): Promise<void> => {
    const started = performance.now();
    const startedAt = Date.now();
    const fillBytes = (keyCacheStats().budgetBytes * fillPercent) / 100;
    let afterId = FIRST_ID;
    let stored = 0;
    let full = false;
    for (;;) {
      if (stopped) return;
      const chunk = beginWarmChunk();
      let rows: KeyRow[];
      try {
        rows = await query(afterId);
      } catch (error) {
        abandonWarmChunk(chunk);
        throw error;
      }
      const result = finishWarmChunk(chunk, rows, fillBytes);
      // Cleared while reading: whatever this pass stored is gone; the clear asked for a new pass.
      if (result === null) return;
      stored += result.stored;
      full ||= result.full;
      const last = rows[rows.length - 1];
      if (!last || rows.length < CHUNK_ROWS) break;
      afterId = last.id;
      await yieldToEventLoop();
    }
    stats.passes += 1;
    stats.lastPassKeys = stored;
    stats.lastPassFull = full;
    stats.lastPassMs = Math.round(performance.now() - started);
    stats.lastPassStartedAt = startedAt;
    stats.lastPassAt = Date.now();
  };

  const run = (): void => {
    if (stopped) return;
    if (current) {
      again = true;
      return;
    }
    stats.running = true;
    current = pass()
      .then(
        () => {
          if (failing) log("key cache warm-up succeeds again");
          failing = false;
          stats.lastError = null;
        },
        (error: unknown) => {
          stats.lastError = error instanceof Error ? error.message : String(error);
          // Once per outage: lookups keep working without it, and the next refresh tries again.
          if (!failing) log(`key cache warm-up failed (verification looks keys up as they come): ${stats.lastError}`);
          failing = true;
        },
      )
      .finally(() => {
        stats.running = false;
        current = null;
        if (again && !stopped) {
          again = false;
          run();
        }
      });
  };

  const soon = (delayMs = 0): void => {
    if (stopped) return;
    if (delayMs <= 0) {
      run();
      return;
    }
    if (delayed) return;
    delayed = setTimeout(() => {
      delayed = null;
      run();
    }, delayMs);
    delayed.unref();
  };

  const unsubscribe = onKeyCacheCleared(() => soon(AFTER_CLEAR_DELAY_MS));
  const refresh = setInterval(() => run(), refreshMs);
  refresh.unref();

  const warmer: KeyCacheWarmer = {
    soon,
    stats: () => ({ ...stats }),
    async stop() {
      stopped = true;
      if (active === warmer) active = null;
      unsubscribe();
      clearInterval(refresh);
      if (delayed) clearTimeout(delayed);
      await current;
    },
  };
  active = warmer;
  return warmer;
}
