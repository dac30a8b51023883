// The membership index: the first 8 bytes of the hash of every key that exists, in this process's
// memory (a HashPrefixSet, ~16 bytes per key). Verification asks it first: a hash whose prefix is
// not in it belongs to no key, and is answered NOT_FOUND without a database query — which is what
// keeps random well-formed keys (anyone can compute the checksum) away from PostgreSQL.
//
// Exactness, no false NOT_FOUND:
// - Until the first load has finished while the key listener was LISTENing, the index is not
//   ready and says "unknown": verification asks the database, as it did before the index.
// - New keys are added by the listener (the database announces every insert, see the migration
//   20261202000400) and, in the process that created them, directly after the commit.
// - Nothing is ever removed on a notification: a deleted key's prefix stays until the periodic
//   check (key-index-sync.ts) finds the range differs from the database and repairs it. A stale
//   prefix only costs a database lookup that answers NOT_FOUND; removing a prefix that another
//   key shares would be a false NOT_FOUND.
// - A prefix shared by an unknown hash and a real key (1 in 2^64 per key) falls through to the
//   normal lookup by the whole hash.
//
// The state lives on globalThis, like the key cache: the custom server and Next's bundled code
// are two module graphs in one process, and a key created through either must reach the one index.
import { HashPrefixSet, prefixOfHash } from "@/lib/keys/hash-prefix-set";
import { onKeyCreated } from "@/lib/keys/invalidation";

export type Membership = "absent" | "present" | "unknown";

export interface KeyIndexStats {
  ready: boolean;
  size: number;
  /** Bytes of the set's typed arrays. */
  bytes: number;
  /** Verifications answered NOT_FOUND by the index alone. */
  absent: number;
  /** Prefixes added by notifications (or this process's own creations) since start. */
  added: number;
  loads: number;
  lastLoadMs: number | null;
  checks: number;
  /** Ranges found different from the database and rebuilt from it. */
  repairedRanges: number;
  lastCheckAt: number | null;
  lastError: string | null;
}

interface KeyIndexState {
  set: HashPrefixSet;
  ready: boolean;
  /** While a load or a repair runs: every prefix added meanwhile, replayed into its result. */
  journals: Set<number[]>;
  stats: Omit<KeyIndexStats, "ready" | "size" | "bytes">;
  unsubscribe: () => void;
}

const globalForIndex = globalThis as unknown as { __keydeskKeyIndex?: KeyIndexState };

function state(): KeyIndexState {
  globalForIndex.__keydeskKeyIndex ??= {
    set: new HashPrefixSet(),
    ready: false,
    journals: new Set(),
    stats: { absent: 0, added: 0, loads: 0, lastLoadMs: null, checks: 0, repairedRanges: 0, lastCheckAt: null, lastError: null },
    // Keys created by this process are members the moment their transaction commits, before
    // the listener hears of them: a client may verify a key in the same millisecond it got it.
    unsubscribe: onKeyCreated((hash) => addKeyHash(hash)),
  };
  return globalForIndex.__keydeskKeyIndex;
}

/**
 * Whether a key with this hash (lower-case hex SHA-256) can exist. "absent" is definite;
 * "present" means a key with the same 8-byte prefix exists; "unknown" until the index is ready.
 */
export function keyMembership(hash: string): Membership {
  const s = state();
  if (!s.ready) return "unknown";
  const prefix = prefixOfHash(hash);
  if (!prefix) return "unknown";
  if (s.set.has(prefix[0], prefix[1])) return "present";
  s.stats.absent += 1;
  return "absent";
}

/** A key with this hash exists now (a notification, or a creation in this process). */
export function addKeyHash(hash: string): void {
  const prefix = prefixOfHash(hash);
  if (!prefix) return;
  const s = state();
  s.set.add(prefix[0], prefix[1]);
  s.stats.added += 1;
  for (const journal of s.journals) journal.push(prefix[0], prefix[1]);
}

/**
 * Records every prefix added from now on, until `stop()`; what a load or a repair replays over
 * its result, so that a key announced while the database was being read is never dropped.
 */
export function startJournal(): { entries: () => number[]; stop: () => void } {
  const s = state();
  const journal: number[] = [];
  s.journals.add(journal);
  return { entries: () => journal, stop: () => void s.journals.delete(journal) };
}

/** The live set, for the sync module (key-index-sync.ts) to compare and repair. */
export function indexSet(): HashPrefixSet {
  return state().set;
}

/** Replaces the whole set (after a full load) and replays what was announced meanwhile. */
export function replaceIndexSet(set: HashPrefixSet, journal: number[]): void {
  for (let k = 0; k < journal.length; k += 2) set.add(journal[k] as number, journal[k + 1] as number);
  state().set = set;
}

export function setIndexReady(ready: boolean): void {
  state().ready = ready;
}

export function isIndexReady(): boolean {
  return state().ready;
}

/** Counters the sync module keeps up to date. */
export function indexCounters(): KeyIndexState["stats"] {
  return state().stats;
}

export function keyIndexStats(): KeyIndexStats {
  const s = state();
  return { ready: s.ready, size: s.set.size, bytes: s.set.byteLength, ...s.stats };
}

/** Tests only: back to a fresh, not-ready index. */
export function resetKeyIndex(): void {
  const s = state();
  s.set = new HashPrefixSet();
  s.ready = false;
  s.journals.clear();
}

state();
