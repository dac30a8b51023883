// Keeps the membership index (key-index.ts) equal to the database: the load at start, streamed
// with COPY (8 bytes per key, read into the typed array as it arrives), and a periodic check that
// compares a count and an XOR per hash range with PostgreSQL and rebuilds only the ranges that
// differ — so that a missed notification heals within one interval.
//
// Why a check is exact: the key listener is LISTENing before any snapshot is read here, so a key
// committed after the snapshot is announced and lands in the journal of the load or repair that
// is running (startJournal), which is replayed over the result. A load or check only counts while
// the listener stayed connected throughout (same epoch); otherwise another check follows.
//
// Plain pg, no Prisma: this runs beside the verification path and needs COPY. It only reads
// "ApiKey" (SELECT is the one privilege it needs).
import pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import { formatCount } from "@/lib/format";
import { HashPrefixSet, RANGE_BITS, RANGE_COUNT } from "@/lib/keys/hash-prefix-set";
import { indexCounters, indexSet, isIndexReady, replaceIndexSet, setIndexReady, startJournal } from "@/lib/keys/key-index";

const RANGE_SHIFT = BigInt(64 - RANGE_BITS);
/** More differing ranges than this: one full load is cheaper than that many range queries. */
const FULL_LOAD_RANGES = RANGE_COUNT / 8;

export interface KeyIndexSyncOptions {
  log?: (message: string) => void;
  /** Between two checks; a missed notification heals within this. Default 30 s. */
  checkIntervalMs?: number;
  /** After every full load that left the index ready (the key cache's warmer starts then). */
  onLoaded?: () => void;
}

export interface KeyIndexSync {
  /** The listener's LISTEN is in effect (again): load, or check what was missed meanwhile. */
  listening(): void;
  /** The listener lost its connection: notifications may be missed until listening() again. */
  notListening(): void;
  /** A notification on KEY_CREATED_CHANNEL said "*": many keys changed at once. */
  reconcileSoon(): void;
  /** Runs a check now (after whatever runs); resolves with the ranges repaired. */
  checkNow(): Promise<number>;
  stop(): Promise<void>;
}

const BINARY_SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");

/**
 * Parses COPY … (FORMAT binary) output of one bigint column, chunk by chunk, calling `row` with
 * each value's high and low 32 bits. Throws on anything else, so a surprise never loads silently.
 * Chunks are read in place: only a row split between two chunks (at most 13 bytes) is copied, so
 * a million rows stream through without a second copy of the data.
 */
export function copyBinaryBigintParser(row: (hi: number, lo: number) => void): { push: (chunk: Buffer) => void; end: () => void } {
  let carry: Buffer = Buffer.alloc(0);
  let headerDone = false;
  let finished = false;

  /** Parses whole rows of `buf` from `at`; returns where the first incomplete one starts. */
  const rows = (buf: Buffer, at: number): number => {
    while (!finished && buf.length - at >= 2) {
      const fields = buf.readInt16BE(at);
      if (fields === -1) {
        finished = true;
        return at + 2;
      }
      if (fields !== 1) throw new Error(`COPY row has ${fields} fields, expected 1`);
      if (buf.length - at < 6) return at;
      const length = buf.readInt32BE(at + 2);
      if (length === -1) {
        at += 6; // NULL: no key behind it
        continue;
      }
      if (length !== 8) throw new Error(`COPY field has ${length} bytes, expected 8`);
      if (buf.length - at < 14) return at;
      row(buf.readUInt32BE(at + 6), buf.readUInt32BE(at + 10));
      at += 14;
    }
    return at;
  };

  return {
    push(chunk) {
      if (!headerDone) {
        const buf = carry.length ? Buffer.concat([carry, chunk]) : chunk;
        if (buf.length >= 11 && !buf.subarray(0, 11).equals(BINARY_SIGNATURE)) throw new Error("COPY stream is not in binary format");
        if (buf.length < 19 || buf.length < 19 + buf.readUInt32BE(15)) {
          carry = Buffer.from(buf);
          return;
        }
        headerDone = true;
        carry = Buffer.alloc(0);
        chunk = buf.subarray(19 + buf.readUInt32BE(15));
      }
      let at = 0;
      if (carry.length) {
        // Complete the row split across chunks with at most 14 bytes of this one.
        const joined = Buffer.concat([carry, chunk.subarray(0, 14)]);
        const used = rows(joined, 0);
        if (used <= carry.length) {
          carry = joined.subarray(used);
          if (chunk.length >= 14) throw new Error("COPY row longer than expected");
          carry = Buffer.from(carry);
          return;
        }
        at = used - carry.length;
      }
      const stop = rows(chunk, at);
      carry = stop < chunk.length ? Buffer.from(chunk.subarray(stop)) : Buffer.alloc(0);
    },
    end() {
      if (!finished) throw new Error("COPY stream ended before its trailer");
    },
  };
}

/** Streams every key's prefix into a new set sized from the planner's row estimate. */
async function loadPrefixes(client: pg.ClientBase): Promise<HashPrefixSet> {
  const estimate = await client.query<{ rows: number }>(`SELECT greatest(reltuples, 0)::float8 AS rows FROM pg_class WHERE oid = '"ApiKey"'::regclass`);
  const set = new HashPrefixSet(Math.ceil((estimate.rows[0]?.rows ?? 0) * 1.05));
  const parser = copyBinaryBigintParser((hi, lo) => void set.add(hi, lo));
  const stream = client.query(copyTo(`COPY (SELECT "hashPrefix" FROM "ApiKey") TO STDOUT (FORMAT binary)`));
  for await (const chunk of stream) parser.push(chunk as Buffer);
  parser.end();
  return set;
}

interface RangeFigures {
  count: number;
  xorHi: number;
  xorLo: number;
}

/** Per hash range: how many distinct prefixes, and their XOR. One index-only scan. */
async function databaseRangeFigures(client: pg.ClientBase): Promise<Map<number, RangeFigures>> {
  const { rows } = await client.query<{ range: number; count: number; xor: string }>(
    `SELECT (("p" >> ${64 - RANGE_BITS}) & ${RANGE_COUNT - 1})::int AS "range", count(*)::int AS "count", "keydesk_xor64"("p")::text AS "xor"
       FROM (SELECT DISTINCT "hashPrefix" AS "p" FROM "ApiKey") AS d
      GROUP BY 1`,
  );
  const figures = new Map<number, RangeFigures>();
  for (const row of rows) {
    const xor = BigInt.asUintN(64, BigInt(row.xor));
    figures.set(row.range, { count: row.count, xorHi: Number(xor >> 32n), xorLo: Number(xor & 0xffffffffn) });
  }
  return figures;
}

/** Ranges where the set and the database disagree. */
function differingRanges(set: HashPrefixSet, figures: Map<number, RangeFigures>): number[] {
  const mine = set.rangeSummary();
  const differing: number[] = [];
  for (let r = 0; r < RANGE_COUNT; r++) {
    const theirs = figures.get(r) ?? { count: 0, xorHi: 0, xorLo: 0 };
    if (mine.counts[r] !== theirs.count || mine.xorHi[r] !== theirs.xorHi || mine.xorLo[r] !== theirs.xorLo) differing.push(r);
  }
  return differing;
}

/** The prefixes of one range, as (hi, lo) pairs, read from the database. */
async function rangeMembers(client: pg.ClientBase, range: number): Promise<Uint32Array> {
  const low = BigInt.asIntN(64, BigInt(range) << RANGE_SHIFT);
  const high = BigInt.asIntN(64, ((BigInt(range) + 1n) << RANGE_SHIFT) - 1n);
  const { rows } = await client.query<{ p: string }>(
    `SELECT DISTINCT "hashPrefix"::text AS "p" FROM "ApiKey" WHERE "hashPrefix" BETWEEN $1 AND $2`,
    [low.toString(), high.toString()],
  );
  const members = new Uint32Array(rows.length * 2);
  rows.forEach((row, i) => {
    const value = BigInt.asUintN(64, BigInt(row.p));
    members[2 * i] = Number(value >> 32n);
    members[2 * i + 1] = Number(value & 0xffffffffn);
  });
  return members;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function startKeyIndexSync(connectionString: string, options: KeyIndexSyncOptions = {}): KeyIndexSync {
  const log = options.log ?? ((message: string) => console.log(`[keydesk] ${message}`));
  const checkIntervalMs = options.checkIntervalMs ?? 30_000;
  const counters = indexCounters();
  let stopped = false;
  let listening = false;
  /** Bumped on every (re)LISTEN: work that spans a change of epoch may have missed something. */
  let epoch = 0;
  let queue: Promise<unknown> = Promise.resolve();
  let timer: ReturnType<typeof setTimeout> | null = null;
  let reconcileQueued = false;
  let failing = false;

  const withClient = async <T>(run: (client: pg.Client) => Promise<T>): Promise<T> => {
    const client = new pg.Client({ connectionString, connectionTimeoutMillis: 5_000, application_name: "keydesk-key-index" });
    client.on("error", () => undefined); // a dropped connection fails the running query instead
    await client.connect();
    try {
      return await run(client);
    } finally {
      await client.end().catch(() => undefined);
    }
  };

  /** One operation at a time, in order. */
  const enqueue = <T>(run: () => Promise<T>): Promise<T> => {
    const next = queue.then(run, run);
    queue = next.catch(() => undefined);
    return next;
  };

  const fullLoad = async (): Promise<void> => {
    const started = performance.now();
    const journal = startJournal();
    try {
      const set = await withClient(loadPrefixes);
      replaceIndexSet(set, journal.entries());
    } finally {
      journal.stop();
    }
    counters.loads += 1;
    counters.lastLoadMs = Math.round(performance.now() - started);
  };

  const repairRange = async (client: pg.Client, range: number): Promise<void> => {
    const journal = startJournal();
    try {
      const members = await rangeMembers(client, range);
      const set = indexSet();
      set.replaceRange(range, members);
      const replay = journal.entries();
      for (let k = 0; k < replay.length; k += 2) {
        if ((replay[k] as number) >>> (32 - RANGE_BITS) === range) set.add(replay[k] as number, replay[k + 1] as number);
      }
    } finally {
      journal.stop();
    }
  };

  /** Load when not ready, else check and repair; ready only if the listener never dropped. */
  const sync = async (): Promise<number> => {
    if (stopped || !listening) return 0;
    const startEpoch = epoch;
    let repaired = 0;
    let loaded = false;
    try {
      if (!isIndexReady()) {
        await fullLoad();
        loaded = true;
        log(`key index loaded: ${formatCount(indexSet().size)} keys in ${counters.lastLoadMs} ms (${(indexSet().byteLength / 2 ** 20).toFixed(1)} MiB)`);
      } else {
        const differing = await withClient(async (client) => {
          const ranges = differingRanges(indexSet(), await databaseRangeFigures(client));
          if (ranges.length <= FULL_LOAD_RANGES) {
            for (const range of ranges) {
              await repairRange(client, range);
              // Counted as each range is repaired, so the figure never lags what verification sees.
              counters.repairedRanges += 1;
            }
          }
          return ranges;
        });
        if (differing.length > FULL_LOAD_RANGES) {
          await fullLoad();
          loaded = true;
          counters.repairedRanges += differing.length;
        }
        repaired = differing.length;
        counters.checks += 1;
        counters.lastCheckAt = Date.now();
        if (repaired > 0) log(`key index check: ${repaired} hash range(s) differed from the database and were rebuilt`);
      }
      if (failing) log("key index check succeeds again");
      failing = false;
      counters.lastError = null;
    } catch (error) {
      counters.lastError = describe(error);
      // Once per outage: the check retries every interval and an outage is logged elsewhere too.
      if (!failing) log(`key index ${isIndexReady() ? "check" : "load"} failed (retrying): ${describe(error)}`);
      failing = true;
      scheduleRetry();
      return repaired;
    }
    if (listening && epoch === startEpoch) {
      setIndexReady(true);
      if (loaded) options.onLoaded?.();
    } else if (!stopped) reconcileSoon();
    return repaired;
  };

  function scheduleRetry(): void {
    // Before the first load, retry soon: verification asks the database until the index is ready.
    if (!isIndexReady() && !stopped) setTimeout(() => reconcileSoon(), 1_000).unref();
  }

  function reconcileSoon(): void {
    if (stopped || reconcileQueued) return;
    reconcileQueued = true;
    void enqueue(async () => {
      reconcileQueued = false;
      return sync();
    });
  }

  const tick = () => {
    timer = setTimeout(() => {
      reconcileSoon();
      tick();
    }, checkIntervalMs);
    timer.unref();
  };
  tick();

  return {
    listening() {
      listening = true;
      epoch += 1;
      reconcileSoon();
    },
    notListening() {
      listening = false;
    },
    reconcileSoon,
    checkNow: () => enqueue(sync),
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await queue;
    },
  };
}
