// The request trail's in-memory side: a bounded ring of events waiting to be written, the
// per-project counts of verifications that had no key to log them under, and the account of
// events dropped when the ring was full. Framework-free: verification records here on its hot
// path, so pushing is a handful of array stores, never an allocation per field, a promise or I/O.
//
// The ring is columnar (one preallocated array per field) rather than an array of objects: an
// object per verification would live about a second, long enough to be promoted out of V8's young
// generation and collected by the expensive collector.
//
// The state lives on globalThis for the reason the key cache's does: the custom server (which
// verifies and runs the writer) and Next's bundled code (which records management calls) are two
// module graphs in one process, and both must fill the one buffer the writer drains.
import type { KeyConstraint } from "@/lib/keys/constraints";

/** Fixed cost of one buffered event in the byte budget, beside its strings. */
const EVENT_OVERHEAD_BYTES = 96;
const HOUR_MS = 3_600_000;

export interface TrailLimits {
  /** Events the ring holds at most. */
  capacity: number;
  /** Approximate bytes the buffered events may hold (their strings count by length). */
  maxBytes: number;
}

/** Events dropped for one project while the ring was full: what the dashboard reports as a gap. */
export interface TrailDrop {
  projectId: string;
  events: number;
  firstAt: number;
  lastAt: number;
}

/** MALFORMED / NOT_FOUND verifications counted for one project, UTC hour and code. */
export interface TrailCount {
  projectId: string;
  hour: number;
  outcome: string;
  count: number;
}

/** Columns of the events taken from the ring, index-aligned, `count` long. */
export interface TrailEvents {
  count: number;
  at: Float64Array;
  projectId: string[];
  keyId: (string | null)[];
  outcome: string[];
  /** As sent: lib/trail/format.ts caps and cleans them when the batch is written. */
  method: (string | null)[];
  path: (string | null)[];
  ip: (string | null)[];
  userAgent: (string | null)[];
  requestId: (string | null)[];
  matched: (KeyConstraint | null)[];
}

/** What one write hands the sink: events, counts and drop notices, all or nothing. */
export interface TrailBatch {
  events: TrailEvents;
  counts: TrailCount[];
  drops: TrailDrop[];
}

export interface TrailBufferStats {
  enabled: boolean;
  capacity: number;
  /** Events waiting in the ring now. */
  buffered: number;
  bufferedBytes: number;
  /** Events pushed since start (dropped ones included). */
  recorded: number;
  /** Events dropped because the ring was full. */
  dropped: number;
}

interface TrailState {
  enabled: boolean;
  limits: TrailLimits;
  at: Float64Array;
  projectId: (string | null)[];
  keyId: (string | null)[];
  outcome: (string | null)[];
  method: (string | null)[];
  path: (string | null)[];
  ip: (string | null)[];
  userAgent: (string | null)[];
  requestId: (string | null)[];
  matched: (KeyConstraint | null)[];
  bytes: Float64Array;
  head: number;
  size: number;
  /** Slot of the newest event (its strings are reused when the next event's are equal). */
  lastIndex: number;
  bufferedBytes: number;
  /** projectId → UTC hour (ms) → code → count. Nested maps: counting allocates nothing. */
  counts: Map<string, Map<number, Map<string, number>>>;
  drops: Map<string, TrailDrop>;
  recorded: number;
  dropped: number;
  /** Called when the ring reaches `kickAt` events, so the writer need not wait for its timer. */
  kick: (() => void) | null;
  kickAt: number;
}

function envInt(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

/** KEYDESK_TRAIL=off turns recording off (the writer then has nothing to write). */
function enabledFromEnv(): boolean {
  const value = (process.env.KEYDESK_TRAIL ?? "").toLowerCase();
  return !["off", "0", "false", "no"].includes(value);
}

function defaultTrailLimits(): TrailLimits {
  return {
    capacity: envInt("KEYDESK_TRAIL_BUFFER", 100_000),
    maxBytes: envInt("KEYDESK_TRAIL_BUFFER_MB", 64) * 1024 * 1024,
  };
}

function createState(limits: TrailLimits, enabled: boolean): TrailState {
  const n = limits.capacity;
  const strings = () => new Array<string | null>(n).fill(null);
  return {
    enabled,
    limits,
    at: new Float64Array(n),
    projectId: strings(),
    keyId: strings(),
    outcome: strings(),
    method: strings(),
    path: strings(),
    ip: strings(),
    userAgent: strings(),
    requestId: strings(),
    matched: new Array<KeyConstraint | null>(n).fill(null),
    bytes: new Float64Array(n),
    head: 0,
    size: 0,
    lastIndex: 0,
    bufferedBytes: 0,
    counts: new Map(),
    drops: new Map(),
    recorded: 0,
    dropped: 0,
    kick: null,
    kickAt: Number.POSITIVE_INFINITY,
  };
}

const globalForTrail = globalThis as unknown as { __keydeskTrail?: TrailState };

function state(): TrailState {
  globalForTrail.__keydeskTrail ??= createState(defaultTrailLimits(), enabledFromEnv());
  return globalForTrail.__keydeskTrail;
}

/**
 * Replaces the buffer (everything buffered is discarded). For start-up configuration and tests;
 * the writer registered with setTrailKick() stays registered.
 */
export function configureTrailBuffer(options: Partial<TrailLimits> & { enabled?: boolean } = {}): void {
  const previous = globalForTrail.__keydeskTrail;
  const defaults = defaultTrailLimits();
  const next = createState(
    { capacity: options.capacity ?? defaults.capacity, maxBytes: options.maxBytes ?? defaults.maxBytes },
    options.enabled ?? enabledFromEnv(),
  );
  if (previous) {
    next.kick = previous.kick;
    next.kickAt = previous.kickAt;
  }
  globalForTrail.__keydeskTrail = next;
}

/** The writer's hook: `kick` runs (synchronously, from a push) once `threshold` events wait. */
export function setTrailKick(kick: (() => void) | null, threshold = Number.POSITIVE_INFINITY): void {
  const s = state();
  s.kick = kick;
  s.kickAt = threshold;
}

/**
 * The previous event's string when it is equal to this one's: the caller's copy (parsed from this
 * request) then dies young instead of being held a second, and a busy client's repeated method,
 * path, agent and address stay one string in the ring.
 */
function same(previous: string | null | undefined, value: string | null | undefined): string | null {
  if (value === null || value === undefined) return null;
  return previous === value ? previous : value;
}

function strLength(value: string | null | undefined): number {
  return typeof value === "string" ? value.length : 0;
}

/** Drops the oldest event, counting it against its project. */
function dropOldest(s: TrailState): void {
  const i = s.head;
  const projectId = s.projectId[i] as string;
  const at = s.at[i] as number;
  const drop = s.drops.get(projectId);
  if (drop) {
    drop.events += 1;
    if (at < drop.firstAt) drop.firstAt = at;
    if (at > drop.lastAt) drop.lastAt = at;
  } else {
    s.drops.set(projectId, { projectId, events: 1, firstAt: at, lastAt: at });
  }
  s.dropped += 1;
  clearSlot(s, i);
  s.head = (i + 1) % s.limits.capacity;
  s.size -= 1;
}

function clearSlot(s: TrailState, i: number): void {
  s.bufferedBytes -= s.bytes[i] as number;
  s.projectId[i] = null;
  s.keyId[i] = null;
  s.outcome[i] = null;
  s.method[i] = null;
  s.path[i] = null;
  s.ip[i] = null;
  s.userAgent[i] = null;
  s.requestId[i] = null;
  s.matched[i] = null;
}

/**
 * Buffers one event. Never throws, never waits: when the ring (or its byte budget) is full the
 * oldest events make room and are counted as dropped. Positional arguments on purpose: this runs
 * once per verification, and an options object would be an allocation per call.
 */
export function pushTrailEvent(
  at: number,
  projectId: string,
  keyId: string | null,
  outcome: string,
  method: string | null | undefined,
  path: string | null | undefined,
  ip: string | null | undefined,
  userAgent: string | null | undefined,
  requestId: string | null | undefined,
  matched: KeyConstraint | null | undefined,
): void {
  const s = state();
  if (!s.enabled) return;
  const capacity = s.limits.capacity;
  const bytes =
    EVENT_OVERHEAD_BYTES + strLength(method) + strLength(path) + strLength(ip) + strLength(userAgent) + strLength(requestId);
  while (s.size > 0 && (s.size >= capacity || s.bufferedBytes + bytes > s.limits.maxBytes)) dropOldest(s);
  const i = (s.head + s.size) % capacity;
  const p = s.lastIndex;
  s.at[i] = at;
  s.projectId[i] = projectId;
  s.keyId[i] = keyId;
  s.outcome[i] = outcome;
  s.method[i] = same(s.method[p], method);
  s.path[i] = same(s.path[p], path);
  s.ip[i] = same(s.ip[p], ip);
  s.userAgent[i] = same(s.userAgent[p], userAgent);
  s.requestId[i] = same(s.requestId[p], requestId);
  s.matched[i] = matched ?? null;
  s.lastIndex = i;
  s.bytes[i] = bytes;
  s.bufferedBytes += bytes;
  s.size += 1;
  s.recorded += 1;
  if (s.size >= s.kickAt && s.kick) s.kick();
}

/**
 * Counts a verification that has no key to log it under (MALFORMED, NOT_FOUND) for its project.
 * Counts are never dropped: they are a few numbers per project and hour, however many arrive.
 */
export function countTrailOutcome(projectId: string, outcome: string, at: number): void {
  const s = state();
  if (!s.enabled) return;
  const hour = at - (at % HOUR_MS);
  let hours = s.counts.get(projectId);
  if (!hours) s.counts.set(projectId, (hours = new Map()));
  let codes = hours.get(hour);
  if (!codes) hours.set(hour, (codes = new Map()));
  codes.set(outcome, (codes.get(outcome) ?? 0) + 1);
}

/** Whether anything waits to be written: events, counts or drop notices. */
export function trailPending(): boolean {
  const s = state();
  return s.size > 0 || s.counts.size > 0 || s.drops.size > 0;
}

/**
 * Takes up to `max` of the oldest events, with every count and drop notice gathered so far, out
 * of the buffer; null when nothing waits. The caller owns the batch: if writing it fails, it must
 * keep it and retry (the ring is free to fill with newer events meanwhile).
 */
export function takeTrailBatch(max: number): TrailBatch | null {
  const s = state();
  if (!trailPending()) return null;
  const count = Math.min(max, s.size);
  const events: TrailEvents = {
    count,
    at: new Float64Array(count),
    projectId: new Array<string>(count),
    keyId: new Array<string | null>(count),
    outcome: new Array<string>(count),
    method: new Array<string | null>(count),
    path: new Array<string | null>(count),
    ip: new Array<string | null>(count),
    userAgent: new Array<string | null>(count),
    requestId: new Array<string | null>(count),
    matched: new Array<KeyConstraint | null>(count),
  };
  const capacity = s.limits.capacity;
  for (let n = 0; n < count; n++) {
    const i = (s.head + n) % capacity;
    events.at[n] = s.at[i] as number;
    events.projectId[n] = s.projectId[i] as string;
    events.keyId[n] = s.keyId[i] ?? null;
    events.outcome[n] = s.outcome[i] as string;
    events.method[n] = s.method[i] ?? null;
    events.path[n] = s.path[i] ?? null;
    events.ip[n] = s.ip[i] ?? null;
    events.userAgent[n] = s.userAgent[i] ?? null;
    events.requestId[n] = s.requestId[i] ?? null;
    events.matched[n] = s.matched[i] ?? null;
    clearSlot(s, i);
  }
  s.head = (s.head + count) % capacity;
  s.size -= count;

  const counts: TrailCount[] = [];
  for (const [projectId, hours] of s.counts) {
    for (const [hour, codes] of hours) {
      for (const [outcome, n] of codes) counts.push({ projectId, hour, outcome, count: n });
    }
  }
  s.counts = new Map();
  const drops = [...s.drops.values()];
  s.drops = new Map();
  return { events, counts, drops };
}

/**
 * Gives up on a batch that can never be written: its events count as dropped (and so appear as
 * a gap), its counts and notices go back into the buffer for the next batch.
 */
export function recordLostBatch(batch: TrailBatch): void {
  const s = state();
  for (const { projectId, hour, outcome, count } of batch.counts) {
    let hours = s.counts.get(projectId);
    if (!hours) s.counts.set(projectId, (hours = new Map()));
    let codes = hours.get(hour);
    if (!codes) hours.set(hour, (codes = new Map()));
    codes.set(outcome, (codes.get(outcome) ?? 0) + count);
  }
  const lost = new Map<string, TrailDrop>(batch.drops.map((drop) => [drop.projectId, { ...drop }]));
  for (let n = 0; n < batch.events.count; n++) {
    const projectId = batch.events.projectId[n] as string;
    const at = batch.events.at[n] as number;
    const drop = lost.get(projectId);
    if (drop) {
      drop.events += 1;
      drop.firstAt = Math.min(drop.firstAt, at);
      drop.lastAt = Math.max(drop.lastAt, at);
    } else {
      lost.set(projectId, { projectId, events: 1, firstAt: at, lastAt: at });
    }
  }
  s.dropped += batch.events.count;
  // Back into the notices, to be written with the next batch that succeeds.
  for (const drop of lost.values()) {
    const current = s.drops.get(drop.projectId);
    if (current) {
      current.events += drop.events;
      current.firstAt = Math.min(current.firstAt, drop.firstAt);
      current.lastAt = Math.max(current.lastAt, drop.lastAt);
    } else {
      s.drops.set(drop.projectId, drop);
    }
  }
}

export function trailBufferStats(): TrailBufferStats {
  const s = state();
  return {
    enabled: s.enabled,
    capacity: s.limits.capacity,
    buffered: s.size,
    bufferedBytes: s.bufferedBytes,
    recorded: s.recorded,
    dropped: s.dropped,
  };
}
