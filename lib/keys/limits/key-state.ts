// What one process knows and holds for one key: per rate limit the tokens it leased for the
// current window, for the credits the ones it leased for the current refill period, and what the
// database said the last time it was asked. Pure bookkeeping, no I/O: lib/keys/limits/limiter.ts
// decides when to talk to the database.
import { refillPeriod, windowStart, type Period } from "@/lib/keys/limits/periods";
import type { KeyLimits, LimitOutcome, LimitsState, RateLimitConfig } from "@/lib/keys/limits/types";

export interface WindowHolding {
  config: RateLimitConfig;
  /** Start of the window the fields below are about. */
  start: number;
  /** Leased by this process for window `start` and not spent. */
  tokens: number;
  /** Tokens of the window the database had handed out (to all processes) when last asked; null: unknown. */
  used: number | null;
  seenAt: number;
  /** Size of the last grant, for prefetching before the tokens run out. */
  lastGrant: number;
}

export interface CreditHolding {
  period: Period;
  tokens: number;
  /** What the database's lease row says this process holds (kept + granted at the last lease). */
  leased: number;
  /** The database's pool (credits nobody holds) when last asked; null: unknown. */
  pool: number | null;
  seenAt: number;
  /** By this process's clock: leased credits are unusable from then on (the lease expires). */
  expiresAt: number;
  lastGrant: number;
}

export interface KeyState {
  keyId: string;
  limits: KeyLimits;
  windows: WindowHolding[];
  credits: CreditHolding | null;
  /** The lease statement running for this key, if any: one at a time per key and process. */
  inflight: Promise<unknown> | null;
  peeking: Promise<unknown> | null;
  /** Cost units wanted by requests waiting for `inflight`. */
  queued: number;
  /** Exponentially decaying sum of the cost units asked for: the recent demand. */
  demand: number;
  demandAt: number;
  lastActivity: number;
  /** When a lease last failed (database unreachable): waiters fail fast for a moment. */
  failedAt: number;
}

export function newKeyState(keyId: string, limits: KeyLimits, now: number): KeyState {
  return {
    keyId,
    limits,
    windows: limits.ratelimits.map((config) => ({
      config,
      start: windowStart(now, config.durationMs),
      tokens: 0,
      used: null,
      seenAt: -Infinity,
      lastGrant: 0,
    })),
    credits:
      limits.credits === null
        ? null
        : { period: refillPeriod(limits.credits.refill, now), tokens: 0, leased: 0, pool: null, seenAt: -Infinity, expiresAt: -Infinity, lastGrant: 0 },
    inflight: null,
    peeking: null,
    queued: 0,
    demand: 0,
    demandAt: now,
    lastActivity: now,
    failedAt: -Infinity,
  };
}

/**
 * Moves the state to the window and period that contain `now`. Tokens of a window that ended are
 * simply gone (the database counted them for that window); so are credits of an ended period
 * (the refill replaces them) and of an expired lease.
 */
export function roll(state: KeyState, now: number): void {
  for (const w of state.windows) {
    const start = windowStart(now, w.config.durationMs);
    if (start !== w.start) {
      w.start = start;
      w.tokens = 0;
      w.used = null;
      w.lastGrant = 0;
    }
  }
  const c = state.credits;
  if (c && state.limits.credits) {
    if (now >= c.period.end || now < c.period.start) {
      c.period = refillPeriod(state.limits.credits.refill, now);
      c.tokens = 0;
      c.leased = 0;
      c.pool = null;
      c.lastGrant = 0;
    }
    if (now >= c.expiresAt) {
      c.tokens = 0;
      c.leased = 0;
    }
  }
}

/** Whether this process holds enough to admit a request that needs `need` of everything. */
export function covered(state: KeyState, need: number): boolean {
  return state.windows.every((w) => w.tokens >= need) && (state.credits === null || state.credits.tokens >= need);
}

export function spend(state: KeyState, cost: number): void {
  for (const w of state.windows) w.tokens -= cost;
  if (state.credits) state.credits.tokens -= cost;
}

/** Whether this process holds anything it could hand back (or a credit lease it should end). */
export function holds(state: KeyState): boolean {
  return state.windows.some((w) => w.tokens > 0) || (state.credits?.tokens ?? 0) > 0 || (state.credits?.leased ?? 0) > 0;
}

/** Tokens of the window left for everyone: what the database had left plus what we hold. */
function windowRemaining(w: WindowHolding): number {
  const left = w.used === null ? w.config.limit : w.config.limit - w.used;
  return Math.min(w.config.limit, Math.max(0, left + w.tokens));
}

/**
 * A denial this process can give without asking the database: what it holds plus what the
 * database had left `recheckMs` ago does not cover the request. Rate limits come first (a key
 * that is rate limited answers RATE_LIMITED even when its credits are used up too), so credits
 * alone decide only when every rate limit is covered or known to be coverable.
 */
export function knownDenial(state: KeyState, need: number, now: number, recheckMs: number): LimitOutcome | null {
  let unknownWindow = false;
  for (const w of state.windows) {
    if (w.tokens >= need) continue;
    if (w.used === null || now - w.seenAt >= recheckMs) unknownWindow = true;
    else if (windowRemaining(w) < need) return "RATE_LIMITED";
  }
  const c = state.credits;
  if (unknownWindow || c === null || c.tokens >= need) return null;
  if (c.pool !== null && now - c.seenAt < recheckMs && c.pool + c.tokens < need) return "USAGE_EXCEEDED";
  return null;
}

/** After a lease of our own: which limit is still short (rate limits first). */
export function shortfall(state: KeyState, need: number): LimitOutcome {
  return state.windows.some((w) => w.tokens < need) ? "RATE_LIMITED" : "USAGE_EXCEEDED";
}

/** The state a verification answer carries, as this process knows it. */
export function report(state: KeyState): LimitsState {
  const out: LimitsState = {};
  if (state.windows.length > 0) {
    out.ratelimits = state.windows.map((w) => ({
      name: w.config.name,
      limit: w.config.limit,
      remaining: windowRemaining(w),
      reset: w.start + w.config.durationMs,
    }));
  }
  const c = state.credits;
  const refill = state.limits.credits?.refill ?? null;
  if (c) {
    out.credits = { remaining: Math.max(0, (c.pool ?? 0) + c.tokens) };
    if (refill) {
      out.credits.refill = {
        interval: refill.interval,
        amount: refill.amount,
        ...(refill.interval === "monthly" ? { refillDay: refill.refillDay ?? 1 } : {}),
        nextRefillAt: c.period.end,
      };
    }
  }
  return out;
}

/** Whether the state is recent enough to answer from without asking the database. */
export function fresh(state: KeyState, now: number, maxAgeMs: number): boolean {
  return (
    state.windows.every((w) => w.used !== null && now - w.seenAt < maxAgeMs) &&
    (state.credits === null || (state.credits.pool !== null && now - state.credits.seenAt < maxAgeMs))
  );
}
