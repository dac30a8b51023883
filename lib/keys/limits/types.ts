// The vocabulary of usage limits, shared by the limiter, verification, validation and the pages.
// Framework-free: nothing here may import Next, Prisma's client or lib/services.

/** Shortest and longest rate-limit window: one second, one day. */
export const MIN_DURATION_MS = 1_000;
export const MAX_DURATION_MS = 86_400_000;
/** Largest `limit` of one rate limit (fits PostgreSQL's integer with room to spare). */
export const MAX_RATE_LIMIT = 1_000_000_000;
/** Largest credit balance or refill amount that can be set. */
export const MAX_CREDITS = 1_000_000_000_000;
export const MAX_REFILL_AMOUNT = 1_000_000_000;
/** Rate limits one key (or one project's defaults) may have. */
export const MAX_RATE_LIMITS = 10;
export const RATE_LIMIT_NAME_MAX_LENGTH = 40;
/** `cost` of one verification: an integer in 0…MAX_COST, 1 when not given. */
export const MAX_COST = 1_000;
const DEFAULT_COST = 1;

export const REFILL_INTERVALS = ["daily", "monthly"] as const;
export type RefillInterval = (typeof REFILL_INTERVALS)[number];

export interface RateLimitConfig {
  /** Unique per key; defaults to the duration's short form ("1m", "10s", "1d"). */
  name: string;
  limit: number;
  durationMs: number;
}

export interface RefillConfig {
  interval: RefillInterval;
  /** What `remaining` is reset to at each refill. */
  amount: number;
  /** Monthly only: day of the month 1…31, clamped to the month's last day; null for daily. */
  refillDay: number | null;
}

/** A key's credits configuration (its balance is state, kept in the database). */
export interface CreditsConfig {
  refill: RefillConfig | null;
}

/** Everything about a key's limits that verification needs; cached with the key. */
export interface KeyLimits {
  /** ApiKey.limitsVersion: leases name it, so a process with an outdated copy gets nothing. */
  version: number;
  ratelimits: readonly RateLimitConfig[];
  credits: CreditsConfig | null;
}

/** One rate limit's state in a verification answer. */
export interface RateLimitState {
  name: string;
  limit: number;
  /** Requests (cost units) left in the current window. */
  remaining: number;
  /** Epoch milliseconds when the current window ends and a new one begins. */
  reset: number;
}

export interface CreditsState {
  remaining: number;
  refill?: {
    interval: RefillInterval;
    amount: number;
    /** Monthly refills only. */
    refillDay?: number;
    /** Epoch milliseconds of the next refill. */
    nextRefillAt: number;
  };
}

/** The limits part of a verification answer; absent parts are absent from the answer too. */
export interface LimitsState {
  ratelimits?: RateLimitState[];
  credits?: CreditsState;
}

export type LimitOutcome = "VALID" | "RATE_LIMITED" | "USAGE_EXCEEDED";

export type LimitResult =
  | ({ outcome: LimitOutcome } & LimitsState)
  /** The database knows a newer configuration than `limits.version`: reload the key, ask again. */
  | { outcome: "STALE" }
  /** Budget was needed and the database could not be asked: fail closed. */
  | { outcome: "UNAVAILABLE" };

const UNITS: Array<[ms: number, suffix: string]> = [
  [86_400_000, "d"],
  [3_600_000, "h"],
  [60_000, "m"],
  [1_000, "s"],
];

/** "1m", "10s", "1d", "1500ms": a rate limit's name when it was given none. */
export function durationLabel(durationMs: number): string {
  for (const [ms, suffix] of UNITS) if (durationMs % ms === 0) return `${durationMs / ms}${suffix}`;
  return `${durationMs}ms`;
}

/** The verify request's `cost`: absent or null → 1; an integer 0…1000 → itself; else null (invalid). */
export function parseCost(raw: unknown): number | null {
  if (raw === undefined || raw === null) return DEFAULT_COST;
  return typeof raw === "number" && Number.isInteger(raw) && raw >= 0 && raw <= MAX_COST ? raw : null;
}
