// What verification knows about keys, by secret hash: an in-process cache of existing keys in front
// of the database, bounded by a memory budget (KEYDESK_KEY_CACHE_MB, key-state-cache.ts). Hashes
// that match no key are not cached: the membership index (key-index.ts) answers those without the
// database, so an attacker's made-up keys never push real ones out.
//
// The state lives on globalThis because the custom server (loaded by tsx) and Next's bundled code
// are two module graphs in one process; both must see the same cache, or an invalidation
// delivered to one graph would leave the other answering from stale entries.
//
// Consistency: revoke/roll/edit/disable call emitKeyChanged() after commit (this process) and NOTIFY
// (other processes, see listener.ts); both end in invalidateKeyHash(). A lookup already running
// when its hash is invalidated may have read the row before the change committed, so its result
// is handed to the callers that were waiting for it but never stored.
//
// Every lookup goes through a deadline and a circuit breaker (db-guard.ts): a database that hangs
// costs a verification at most KEYDESK_VERIFY_DB_TIMEOUT_MS, then a 503.
//
// Every change a cached entry depends on is announced by the database itself at commit (triggers,
// migrations 20261202000400 and 20261203001000), so while the listener vouches an entry stays
// current until it is invalidated; the TTL (KEYDESK_KEY_CACHE_TTL_MS, 30 minutes) is only the last
// resort, and the warmer (key-cache-warm.ts) re-reads every cached key well before it, in bulk.
//
// Invalidation from other processes arrives only while this process's LISTEN connection works
// (listener.ts). The listener vouches for it after every successful ping, for a little longer than
// the next ping takes; while nobody vouches (no listener, a connection that hangs or is down),
// entries older than UNVERIFIED_MAX_AGE_MS are not served but re-read, so a change made elsewhere
// shows here within about a second instead of within the TTL.
import { lookupPool } from "@/lib/db";
import { CONSTRAINT_TYPES, type ConstraintType, type KeyConstraint } from "@/lib/keys/constraints";
import { createDbGuard, type DbGuard, type DbGuardStats } from "@/lib/keys/db-guard";
import { onKeyChanged } from "@/lib/keys/invalidation";
import { KeyStateCache, NO_ITEMS, estimateBytes, intern, keyCacheBudgetBytes } from "@/lib/keys/key-state-cache";
import { LIMITS_COLUMNS, limitsFromRow } from "@/lib/keys/limits/config";
import type { KeyLimits } from "@/lib/keys/limits/types";
import { timingSafeEqualHex } from "@/lib/keys/secret";

/** The most an entry may be out of date while no listener vouches for invalidation. */
const UNVERIFIED_MAX_AGE_MS = 1_000;

/**
 * The last resort behind invalidation: the warmer refreshes cached keys every 10 minutes
 * (key-cache-warm.ts), so an entry in use reaches this age only if the database could not be read.
 */
const DEFAULT_TTL_MS = 30 * 60_000;

/** How old a cached state may be to answer while the database cannot be asked. */
const OUTAGE_MAX_AGE_MS = 60_000;

/** Notification payload that means "forget every key" (e.g. a project was archived). */
export const ALL_KEYS = "*";

const SHA256_HEX = /^[0-9a-f]{64}$/;

/** Everything verification needs about a key; times are epoch milliseconds so checks stay cheap. */
export interface CachedKey {
  /** ApiKey.id (UUID): what usage rows reference. */
  id: string;
  publicId: string;
  name: string;
  projectId: string;
  expiresAt: number | null;
  revokedAt: number | null;
  /** False while an administrator has disabled the key. */
  enabled: boolean;
  /** The owner the key was issued to, or null. */
  externalId: string | null;
  /** A JSON object, deep-frozen: one instance is handed to every answer for this entry. */
  metadata: Readonly<Record<string, unknown>>;
  projectArchived: boolean;
  /** A honeytoken: verification answers NOT_FOUND and raises an alert (lib/keys/canary.ts). */
  canary: boolean;
  constraints: readonly KeyConstraint[];
  /** Rate limits and credits configuration (lib/keys/limits); null when the key has neither. */
  limits: KeyLimits | null;
}

export type KeyLookup = { found: true; key: CachedKey } | { found: false };

export interface KeyCacheStats {
  size: number;
  /** Estimated bytes of the cached entries, table overhead included; at most budgetBytes. */
  bytes: number;
  budgetBytes: number;
  evictions: number;
  hits: number;
  misses: number;
  /** Database queries made by the cache; the number tests watch to prove "no DB access". */
  lookups: number;
  /** Misses that joined a lookup already running for the same hash. */
  coalesced: number;
  invalidations: number;
  clears: number;
  /** The database guard's counters: lookups that timed out, failed or were refused at once. */
  database: DbGuardStats;
}

interface PendingLookup {
  promise: Promise<KeyLookup>;
  /** Set when the hash was invalidated while the query ran: its answer must not be cached. */
  stale: boolean;
}

/**
 * A chunk of keys the warmer is reading: invalidations that arrive meanwhile are remembered, so
 * that a row read before a change committed is not cached after the change was announced.
 */
export interface WarmChunk {
  invalidated: Set<string>;
  cleared: boolean;
}

interface KeyCacheState {
  cache: KeyStateCache<CachedKey>;
  /** Chunks the warmer is reading right now (at most one in practice). */
  warmChunks: Set<WarmChunk>;
  /** Called after the whole cache was cleared: the warmer refills it. */
  onCleared: Set<() => void>;
  guard: DbGuard;
  pending: Map<string, PendingLookup>;
  stats: Omit<KeyCacheStats, "size" | "bytes" | "budgetBytes" | "evictions" | "database">;
  unsubscribe: () => void;
  /** Until when (epoch ms) the listener vouches that notifications arrive; 0 = it does not. */
  listenerHealthyUntil: number;
}

function envInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

const globalForCache = globalThis as unknown as { __keydeskKeyCache?: KeyCacheState };

function createState(): KeyCacheState {
  return {
    cache: new KeyStateCache<CachedKey>({
      budgetBytes: keyCacheBudgetBytes(),
      // The TTL is only a safety net (e.g. a notification lost while the listener reconnects);
      // invalidation is what keeps entries current.
      ttlMs: envInt("KEYDESK_KEY_CACHE_TTL_MS", DEFAULT_TTL_MS),
      sizeOf: estimateBytes,
    }),
    warmChunks: new Set(),
    onCleared: new Set(),
    guard: createDbGuard(),
    pending: new Map(),
    stats: { hits: 0, misses: 0, lookups: 0, coalesced: 0, invalidations: 0, clears: 0 },
    // Subscribed once per process, not once per module graph: both graphs share this state.
    unsubscribe: onKeyChanged((hash) => (hash === ALL_KEYS ? clearKeyCache() : invalidateKeyHash(hash))),
    listenerHealthyUntil: 0,
  };
}

function state(): KeyCacheState {
  globalForCache.__keydeskKeyCache ??= createState();
  return globalForCache.__keydeskKeyCache;
}

export interface KeyRow {
  id: string;
  publicId: string;
  name: string;
  projectId: string;
  hash: string;
  expiresAt: Date | null;
  revokedAt: Date | null;
  enabled: boolean;
  externalId: string | null;
  metadata: unknown;
  projectArchived: boolean;
  canary: boolean;
  constraints: unknown;
  limitsVersion: number;
  ratelimits: unknown;
  credits: unknown;
}

function isConstraintType(value: unknown): value is ConstraintType {
  return typeof value === "string" && (CONSTRAINT_TYPES as readonly string[]).includes(value);
}

/**
 * The constraints arrive as JSON built by the query. A shape we do not understand becomes a
 * constraint that matches nothing, so a surprise can only ever deny, never allow.
 */
function toConstraints(raw: unknown): KeyConstraint[] {
  const list: unknown = typeof raw === "string" ? JSON.parse(raw) : raw;
  if (!Array.isArray(list)) return [];
  return list.map((item: unknown): KeyConstraint => {
    const record = typeof item === "object" && item !== null ? (item as Record<string, unknown>) : {};
    const methods = Array.isArray(record.methods) ? record.methods.filter((m): m is string => typeof m === "string") : [];
    if (!isConstraintType(record.type) || typeof record.value !== "string") {
      return { type: "verb", value: "", methods: [] };
    }
    return { type: record.type, value: record.value, methods };
  });
}

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

const EMPTY_METADATA: Readonly<Record<string, unknown>> = Object.freeze({});

/** The column is a JSON object by CHECK; anything else would be a surprise, answered as {}. */
function toMetadata(raw: unknown): Readonly<Record<string, unknown>> {
  const value: unknown = typeof raw === "string" ? JSON.parse(raw) : raw;
  return typeof value === "object" && value !== null && !Array.isArray(value) ? deepFreeze(value as Record<string, unknown>) : EMPTY_METADATA;
}

/** What verification reads about a key, for one key (the lookup) or many (the warmer). */
export const KEY_STATE_COLUMNS = `k."id", k."publicId", k."name", k."projectId", k."hash", k."expiresAt", k."revokedAt",
                k."enabled", k."externalId", k."metadata", k."canary",
                (p."archivedAt" IS NOT NULL) AS "projectArchived",
                COALESCE(
                  (SELECT json_agg(json_build_object('type', c."type", 'value', c."value", 'methods', c."methods")
                                   ORDER BY c."position")
                     FROM "ApiKeyConstraint" c WHERE c."keyId" = k."id"),
                  '[]'::json) AS "constraints",
                ${LIMITS_COLUMNS}`;

// One round trip through the unique index on "hash"; constraints and limits come along as JSON.
// Named, so each connection plans it once (pg prepares it on first use).
const LOOKUP_STATEMENT = {
  name: "keydesk_key_lookup",
  text: `SELECT ${KEY_STATE_COLUMNS}
           FROM "ApiKey" k
           JOIN "Project" p ON p."id" = k."projectId"
          WHERE k."hash" = $1`,
};

export function toCachedKey(row: KeyRow): CachedKey {
  return {
    id: row.id,
    publicId: row.publicId,
    name: row.name,
    // Shared by every key of the project: one string, not one per cached key.
    projectId: intern(row.projectId),
    expiresAt: row.expiresAt ? row.expiresAt.getTime() : null,
    revokedAt: row.revokedAt ? row.revokedAt.getTime() : null,
    enabled: row.enabled,
    externalId: row.externalId,
    metadata: toMetadata(row.metadata),
    projectArchived: row.projectArchived,
    canary: row.canary,
    constraints: compactConstraints(toConstraints(row.constraints)),
    limits: limitsFromRow(row),
  };
}

async function loadFromDatabase(hash: string): Promise<KeyLookup> {
  const s = state();
  s.stats.lookups += 1;
  const { rows } = await s.guard.run(() => lookupPool().query<KeyRow>({ ...LOOKUP_STATEMENT, values: [hash] }));
  const row = rows[0];
  // The index already matched the hash; the constant-time re-check keeps the one comparison of
  // secret-derived values on this path free of early exits.
  if (!row || !timingSafeEqualHex(row.hash, hash)) return { found: false };
  return { found: true, key: toCachedKey(row) };
}

/** Most keys have no constraints: they share one frozen empty list. */
function compactConstraints(list: KeyConstraint[]): readonly KeyConstraint[] {
  return list.length === 0 ? NO_ITEMS : list;
}

/**
 * The cached state of the key whose secret hashes to `hash`, or undefined when only the database
 * can tell (then call lookupKey). Counts as a hit like lookupKey does. Lets verification answer
 * a cached key in the same tick, without a promise (and without allocating one).
 */
export function peekKey(hash: string): CachedKey | undefined {
  const s = state();
  const cached = Date.now() < s.listenerHealthyUntil ? s.cache.get(hash) : s.cache.get(hash, UNVERIFIED_MAX_AGE_MS);
  if (cached) s.stats.hits += 1;
  return cached;
}

/**
 * The state of the key whose secret hashes to `hash` (lower-case hex SHA-256), from the cache or
 * the database. Concurrent misses for one hash share a single query. Rejects when the database
 * cannot be asked; failures are never cached.
 */
export function lookupKey(hash: string): Promise<KeyLookup> {
  const cached = peekKey(hash);
  if (cached) return Promise.resolve({ found: true, key: cached });
  const s = state();
  s.stats.misses += 1;
  const running = s.pending.get(hash);
  if (running) {
    s.stats.coalesced += 1;
    return running.promise;
  }

  // The placeholder promise is replaced on the next line, before anyone can see the entry.
  const entry: PendingLookup = { promise: Promise.resolve({ found: false }), stale: false };
  entry.promise = loadFromDatabase(hash)
    .then((result) => {
      // Only existing keys: an unknown hash is the membership index's to answer.
      if (!entry.stale && result.found) s.cache.set(hash, result.key);
      return result;
    })
    .catch((error: unknown) => {
      // The database cannot be asked. An entry too old to trust while no listener vouches is
      // still what we last knew: while the database is down no revocation can commit anywhere,
      // so cached keys keep answering (issue 15) and only uncached keys fail closed. Only for a
      // minute of age, though: an instance cut off from a database the others still reach would
      // otherwise serve a key revoked elsewhere for as long as the cache keeps entries.
      const last = entry.stale ? undefined : s.cache.get(hash, OUTAGE_MAX_AGE_MS);
      if (last) return { found: true, key: last } satisfies KeyLookup;
      throw error;
    })
    .finally(() => {
      if (s.pending.get(hash) === entry) s.pending.delete(hash);
    });
  s.pending.set(hash, entry);
  return entry.promise;
}

/** Drops one key (after revoke, roll or edit). Lookups already running for it are not cached. */
export function invalidateKeyHash(hash: string): void {
  const s = state();
  const normalized = hash.toLowerCase();
  if (!SHA256_HEX.test(normalized)) {
    // Not a hash we could have cached: treat as "something changed" rather than ignore it.
    clearKeyCache();
    return;
  }
  s.stats.invalidations += 1;
  s.cache.delete(normalized);
  for (const chunk of s.warmChunks) chunk.invalidated.add(normalized);
  const running = s.pending.get(normalized);
  if (running) {
    running.stale = true;
    // Later callers must start a fresh query instead of joining the one that may be outdated.
    s.pending.delete(normalized);
  }
}

/** Forgets everything, e.g. after the listener reconnects and may have missed notifications. */
export function clearKeyCache(): void {
  const s = state();
  s.stats.clears += 1;
  s.cache.clear();
  for (const running of s.pending.values()) running.stale = true;
  s.pending.clear();
  for (const chunk of s.warmChunks) chunk.cleared = true;
  for (const listener of s.onCleared) listener();
}

/** Called after every clear of the whole cache (the warmer refills it). */
export function onKeyCacheCleared(listener: () => void): () => void {
  const s = state();
  s.onCleared.add(listener);
  return () => s.onCleared.delete(listener);
}

/** Starts remembering invalidations for a chunk of rows about to be read (key-cache-warm.ts). */
export function beginWarmChunk(): WarmChunk {
  const chunk: WarmChunk = { invalidated: new Set(), cleared: false };
  state().warmChunks.add(chunk);
  return chunk;
}

/**
 * Caches the keys of a chunk read since beginWarmChunk(): each replaces the entry it refreshes,
 * or takes free room while the cache is below `fillBytes`; never evicts a key to make room, and
 * never stores a row whose key changed (or a cache that was cleared) while the chunk was read.
 * Returns how many were stored, or null when the cache was cleared meanwhile.
 */
export function finishWarmChunk(chunk: WarmChunk, rows: readonly KeyRow[], fillBytes: number): { stored: number; full: boolean } | null {
  const s = state();
  s.warmChunks.delete(chunk);
  if (chunk.cleared) return null;
  let stored = 0;
  let full = false;
  for (const row of rows) {
    const hash = row.hash;
    // A key of an archived project answers NOT_FOUND: not worth its room.
    if (row.projectArchived || chunk.invalidated.has(hash) || s.pending.has(hash)) continue;
    if (!s.cache.has(hash)) {
      if (s.cache.bytes >= fillBytes) {
        full = true;
        continue;
      }
    }
    s.cache.set(hash, toCachedKey(row));
    stored += 1;
  }
  return { stored, full };
}

/** Stops remembering for a chunk whose read failed. */
export function abandonWarmChunk(chunk: WarmChunk): void {
  state().warmChunks.delete(chunk);
}

/**
 * The listener's word that notifications reach this process until `untilMs` (epoch ms); 0 takes
 * it back at once (the connection failed). Lapses on its own: a listener that hangs stops vouching.
 */
export function vouchForInvalidation(untilMs: number): void {
  state().listenerHealthyUntil = untilMs;
}

export function keyCacheStats(): KeyCacheStats {
  const s = state();
  const { size, bytes, budgetBytes, evictions } = s.cache.stats();
  return { size, bytes, budgetBytes, evictions, ...s.stats, database: s.guard.stats() };
}

// Subscribe at import time so that invalidations reach the cache even before the first lookup.
state();
