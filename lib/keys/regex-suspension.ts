// Regex rules that cost too much at verification (constraint-regex.ts). A key has its regex rules
// suspended for REGEX_SUSPEND_MS (doubling while it keeps happening, up to 10 minutes) when:
// - they ran over the per-request budget (budgetMs: REGEX_BUDGET_MS, or SLOW_MATCH_MS for a key
//   suspended in the last MAX_SUSPEND_MS and, progressively, while the shared budget is short);
// - its slow requests (match time over SLOW_MATCH_MS; realistic patterns take microseconds) add
//   up to more than SLOW_QUOTA_MS within SLOW_WINDOW_MS: a pattern just under the budget,
//   requested in a flood, would otherwise cost the event loop milliseconds per request;
// - one of its requests runs slow while the process-wide budget for slow regex time is used up.
//   The per-key quota alone lets 20 costly keys spend their 50 ms each at the same time, and a
//   verification then queues behind hundreds of milliseconds of other keys' matching. The shared
//   budget is a token bucket (SHARED_SLOW_BURST_MS, refilled at SHARED_SLOW_MS_PER_S): slow time
//   is admitted while it lasts; a slow request that would overdraw it suspends its key at once.
// Requests at or under SLOW_MATCH_MS are never charged to either, so keys with cheap regexes are
// not affected however many costly keys there are. While suspended, a key's requests are refused
// at once. Each key with a regex problem is logged once per process (by public id, never a secret
// or a path).
import { REGEX_BUDGET_MS, REGEX_SUSPEND_MS } from "@/lib/keys/constraint-regex";
import type { RegexProblem } from "@/lib/keys/constraints";

/** A request whose regex matches took longer than this counts towards the key's quota and the shared budget. */
export const SLOW_MATCH_MS = 2;
const SLOW_WINDOW_MS = 10_000;
/** Slow regex time one key may take within the window before its regex rules are suspended. */
export const SLOW_QUOTA_MS = 50;
/** Slow regex time the whole process admits per second of wall clock, across all keys: 2% of the event loop. */
export const SHARED_SLOW_MS_PER_S = 20;
/**
 * What the shared budget holds when full. Above one key's quota, so a single costly key meets
 * its own quota first and the shared budget only decides when several are slow at once.
 */
export const SHARED_SLOW_BURST_MS = 60;
const MAX_SUSPEND_MS = 10 * 60_000;
const MAX_TRACKED_KEYS = 10_000;

/** What one verification spent on regex rules (the meter evaluateConstraints fills). */
export interface RegexSpent {
  /** Matching. */
  ms: number;
  /** Compiling patterns not yet cached. */
  compileMs: number;
}

export class RegexSuspension {
  /** Per key: when its current window started and the slow regex time spent in it. */
  private readonly slowSpent = new Map<string, { since: number; ms: number }>();
  /** Keys whose regex rules ran over a budget, until when they stay suspended. */
  private readonly suspendedUntil = new Map<string, number>();
  /**
   * Suspensions in a row per key: each one lasts twice as long as the last (up to
   * MAX_SUSPEND_MS), so that costly keys do not all come back at once every REGEX_SUSPEND_MS.
   * Forgotten after MAX_SUSPEND_MS without trouble.
   */
  private readonly strikes = new Map<string, { count: number; at: number }>();
  /** Keys already logged for a regex problem: once per key and process, not once per request. */
  private readonly logged = new Set<string>();
  /** The shared budget: milliseconds of slow regex time available as of `refilledAt`. */
  private tokens = SHARED_SLOW_BURST_MS;
  private refilledAt: number | null = null;

  /**
   * What the next request's regex rules may take: REGEX_BUDGET_MS while the shared budget holds
   * that much, down to SLOW_MATCH_MS (what any request may take uncharged) as it runs out. A key
   * that is slow while the shared budget is used up is suspended anyway; this stops its request
   * after 2 ms of matching instead of 5. A key whose regex rules were suspended before (and came
   * back less than MAX_SUSPEND_MS ago) gets SLOW_MATCH_MS too: costly keys suspended together
   * come back together, and 20 of them each taking 5 ms again is what the requests queued behind
   * them would wait for.
   */
  budgetMs(keyId: string, now: number): number {
    if (this.strikes.size > 0 && this.struckRecently(keyId, now)) return SLOW_MATCH_MS;
    // Nearly always: tokens only grow by refilling, so a full enough budget needs no clock work.
    if (this.tokens >= REGEX_BUDGET_MS) return REGEX_BUDGET_MS;
    this.refill(now);
    return Math.min(REGEX_BUDGET_MS, Math.max(SLOW_MATCH_MS, this.tokens));
  }

  suspended(keyId: string, now: number): boolean {
    // Nearly always empty: verifications of keys without trouble pay one size check.
    if (this.suspendedUntil.size === 0) return false;
    const until = this.suspendedUntil.get(keyId);
    if (until === undefined) return false;
    if (until > now) return true;
    this.suspendedUntil.delete(keyId);
    return false;
  }

  /**
   * Charges a request's regex time to its key and to the shared budget; true when its key's
   * regex rules must be suspended (the caller then notes the problem). The request's own answer
   * stands: its time is already spent, and the point is the requests after it.
   */
  charge(keyId: string, spent: RegexSpent, now: number): boolean {
    if (spent.compileMs > 0) {
      // Compiling is loop time, so it drains the shared budget, but it never counts against the
      // key: a realistic key's first verification after a start compiles all its patterns (2–25 ms
      // for twenty), and refusing it for that would punish cheap keys. Compiling happens once per
      // pattern and process (the cache), within the cost limits.
      this.refill(now);
      this.tokens = Math.max(0, this.tokens - spent.compileMs);
    }
    if (spent.ms <= SLOW_MATCH_MS) return false;
    this.refill(now);
    if (spent.ms > this.tokens) {
      // Not admitted: costly keys together have used up what the event loop may give them.
      this.tokens = 0;
      this.slowSpent.delete(keyId);
      return true;
    }
    this.tokens -= spent.ms;
    let key = this.slowSpent.get(keyId);
    if (!key || now - key.since > SLOW_WINDOW_MS) {
      if (this.slowSpent.size >= MAX_TRACKED_KEYS) this.slowSpent.clear();
      key = { since: now, ms: 0 };
      this.slowSpent.set(keyId, key);
    }
    key.ms += spent.ms;
    if (key.ms <= SLOW_QUOTA_MS) return false;
    this.slowSpent.delete(keyId);
    return true;
  }

  /** A regex rule that costs too much: suspend the key's regex rules (budget) and log once. */
  note(keyId: string, publicId: string, problem: RegexProblem, now: number): void {
    if (problem === "regex_budget" && !this.suspendedUntil.has(keyId)) {
      if (this.suspendedUntil.size >= MAX_TRACKED_KEYS) this.suspendedUntil.clear();
      if (this.strikes.size >= MAX_TRACKED_KEYS) this.strikes.clear();
      const last = this.strikes.get(keyId);
      const count = last && this.struckRecently(keyId, now) ? last.count + 1 : 0;
      this.strikes.set(keyId, { count, at: now });
      this.suspendedUntil.set(keyId, now + Math.min(MAX_SUSPEND_MS, REGEX_SUSPEND_MS * 2 ** count));
    }
    if (this.logged.has(keyId) || this.logged.size >= MAX_TRACKED_KEYS) return;
    this.logged.add(keyId);
    const why =
      problem === "regex_budget"
        ? `its regex rules took longer than their time budget; they refuse every request for ${REGEX_SUSPEND_MS / 1000} s, twice as long each time it happens again`
        : "a stored regex rule is over the cost limits and matches nothing; edit the key's constraints";
    console.error(`[keydesk] key ${publicId}: ${why} (answering FORBIDDEN)`);
  }

  /** Whether the key's last suspension ended less than MAX_SUSPEND_MS ago (or has not ended). */
  private struckRecently(keyId: string, now: number): boolean {
    const last = this.strikes.get(keyId);
    return last !== undefined && now - last.at < MAX_SUSPEND_MS + REGEX_SUSPEND_MS * 2 ** last.count;
  }

  private refill(now: number): void {
    if (this.refilledAt === null) this.refilledAt = now;
    // A clock that steps back refills nothing (and does not drain either).
    const elapsed = Math.max(0, now - this.refilledAt);
    this.tokens = Math.min(SHARED_SLOW_BURST_MS, this.tokens + (elapsed * SHARED_SLOW_MS_PER_S) / 1000);
    this.refilledAt = Math.max(this.refilledAt, now);
  }
}

/** The process's one instance, used by verification (tests make their own). */
export const regexSuspension = new RegexSuspension();
