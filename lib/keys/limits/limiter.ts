// The usage limiter of one process: rate limits and credits enforced exactly across processes,
// without a database round trip per request for keys with high limits.
//
// The database decides how much exists (lib/keys/limits/store.ts). This process leases budget
// from it in blocks sized to the key's recent demand (Google Doorman's idea), spends it in memory
// and hands back what it does not use: a window's tokens simply lapse when the window ends;
// credits and tokens of a key that went idle go back after `idleReturnMs`, and all of them at
// close(). A block is never more than half of what the database has left beyond the request's
// need, so other processes always find some; a key with a small limit or little traffic leases
// one request's worth at a time (one statement per request, which its traffic can afford).
//
// Exactness: a request is admitted only with tokens this process holds, and every token was
// granted by the database out of a window's limit or a credit pool exactly once. Tokens are lost,
// never duplicated: a lease or hand-back that fails is not retried (its outcome is unknown), and a
// crash forgets what the process held. So processes together admit at most the limit, and fewer
// only by what a crash or a lost hand-back took with it.
//
// A denied request consumes nothing: the request is admitted when every limit has at least
// max(cost, 1) and then takes `cost` from each, all at once, in one synchronous step.
import { randomUUID } from "node:crypto";
import {
  covered,
  fresh,
  holds,
  knownDenial,
  newKeyState,
  report,
  roll,
  shortfall,
  spend,
  type KeyState,
} from "@/lib/keys/limits/key-state";
import type { LeaseRequest, LimitStore, PeekResponse, ReleaseRequest } from "@/lib/keys/limits/store";
import type { KeyLimits, LimitResult, LimitsState } from "@/lib/keys/limits/types";

export interface LimiterOptions {
  store: LimitStore;
  /** Epoch milliseconds; injected by tests. */
  now?: () => number;
  instanceId?: string;
  /** Leases cover about this much of the key's recent demand. */
  horizonMs?: number;
  /** A key unused this long hands back what this process holds for it. */
  idleReturnMs?: number;
  /** Lifetime of a credit lease in the database; this process stops using it a little earlier. */
  creditLeaseTtlMs?: number;
  /** After the database said "not enough", deny locally for this long before asking again. */
  recheckMs?: number;
  /** State seen this recently answers a denial's limits without asking the database. */
  peekTtlMs?: number;
  /** Forget keys unused this long (once nothing is held for them). */
  evictMs?: number;
  /** After a failed lease, fail requests that need the database for this long without trying. */
  failFastMs?: number;
}

export interface LimiterStats {
  keys: number;
  leases: number;
  releases: number;
  peeks: number;
  failures: number;
  /** Statements this limiter's store sent (leases, hand-backs, peeks). */
  statements: number;
}

/** "empty": the database could not cover the need, nothing was granted. */
type LeaseOutcome = "ok" | "empty" | "rolled" | "stale" | "error";

export class Limiter {
  readonly instanceId: string;
  private readonly store: LimitStore;
  private readonly now: () => number;
  private readonly horizonMs: number;
  private readonly idleReturnMs: number;
  private readonly ttlMs: number;
  private readonly recheckMs: number;
  private readonly peekTtlMs: number;
  private readonly evictMs: number;
  private readonly failFastMs: number;
  private readonly states = new Map<string, KeyState>();
  private readonly pendingReleases = new Set<Promise<void>>();
  private readonly counts = { leases: 0, releases: 0, peeks: 0, failures: 0 };
  private timer: ReturnType<typeof setInterval> | null = null;
  private closed = false;

  constructor(options: LimiterOptions) {
    this.store = options.store;
    this.now = options.now ?? Date.now;
    this.instanceId = options.instanceId ?? randomUUID();
    this.horizonMs = options.horizonMs ?? 1_000;
    this.idleReturnMs = options.idleReturnMs ?? 2_000;
    this.ttlMs = options.creditLeaseTtlMs ?? 30_000;
    this.recheckMs = options.recheckMs ?? 250;
    this.peekTtlMs = options.peekTtlMs ?? 2_000;
    this.evictMs = options.evictMs ?? 60_000;
    this.failFastMs = options.failFastMs ?? 500;
  }

  /**
   * Admits or denies one request of `cost` (0…1000) for the key, consuming `cost` from every
   * limit when admitted. Synchronous when what this process holds decides it.
   */
  consume(keyId: string, limits: KeyLimits, cost: number): LimitResult | Promise<LimitResult> {
    const now = this.now();
    const state = this.stateFor(keyId, limits, now);
    if (state === null) return { outcome: "STALE" };
    const need = Math.max(cost, 1);
    roll(state, now);
    this.observe(state, need, now);
    if (covered(state, need)) return this.admit(state, cost, now);
    const denial = knownDenial(state, need, now, this.recheckMs);
    if (denial) return { outcome: denial, ...report(state) };
    return this.acquire(state, need, cost);
  }

  /** The limits' state for an answer that is not about them (a revoked or forbidden request). */
  peek(keyId: string, limits: KeyLimits): LimitsState | Promise<LimitsState | null> {
    const now = this.now();
    const state = this.stateFor(keyId, limits, now);
    if (state === null) return Promise.resolve(null);
    roll(state, now);
    if (fresh(state, now, this.peekTtlMs)) return report(state);
    if (!state.peeking) {
      this.counts.peeks += 1;
      state.peeking = this.store
        .peek(keyId, this.instanceId)
        .then((seen) => this.applyPeek(state, seen))
        .finally(() => {
          state.peeking = null;
        });
    }
    return state.peeking.then(
      () => report(state),
      () => null,
    );
  }

  /**
   * What this process holds for a key (for the dashboard's figures): unspent tokens per window,
   * unspent credits, and what its credit lease in the database says it holds.
   */
  held(keyId: string): { windows: { name: string; durationMs: number; start: number; tokens: number }[]; credits: number; creditsLeased: number } | null {
    const state = this.states.get(keyId);
    if (!state) return null;
    roll(state, this.now());
    return {
      windows: state.windows.map((w) => ({ name: w.config.name, durationMs: w.config.durationMs, start: w.start, tokens: w.tokens })),
      credits: state.credits?.tokens ?? 0,
      creditsLeased: state.credits?.leased ?? 0,
    };
  }

  /** Resolves once no lease (prefetches included) or hand-back is running. */
  async settled(): Promise<void> {
    for (;;) {
      const running: Promise<unknown>[] = [...this.pendingReleases];
      for (const s of this.states.values()) if (s.inflight) running.push(s.inflight);
      if (running.length === 0) return;
      await Promise.allSettled(running);
    }
  }

  /** Hands back what idle keys hold and forgets keys unused for long. Runs on a timer after start(). */
  sweep(): void {
    const now = this.now();
    for (const state of this.states.values()) {
      if (state.inflight) continue;
      roll(state, now);
      const idleFor = now - state.lastActivity;
      if (idleFor >= this.idleReturnMs && holds(state)) this.releaseAll(state);
      else if (idleFor >= this.evictMs && !holds(state) && !state.peeking && !state.inflight) this.states.delete(state.keyId);
    }
  }

  start(sweepIntervalMs = 500): void {
    if (this.timer || this.closed) return;
    this.timer = setInterval(() => this.sweep(), sweepIntervalMs);
    this.timer.unref();
  }

  /** Stops leasing and hands back everything held (waits at most `timeoutMs`). */
  async close(timeoutMs = 3_000): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    const deadline = new Promise((resolve) => setTimeout(resolve, timeoutMs).unref());
    const running = [...this.states.values()].map((s) => s.inflight).filter((p): p is Promise<unknown> => p !== null);
    await Promise.race([Promise.allSettled(running), deadline]);
    for (const state of this.states.values()) this.releaseAll(state);
    await Promise.race([Promise.allSettled([...this.pendingReleases]), deadline]);
    this.states.clear();
  }

  stats(): LimiterStats {
    return { keys: this.states.size, ...this.counts, statements: this.store.statements() };
  }

  /**
   * The key's state for `limits`, replaced (and what it held handed back) when the limits have a
   * newer version. null when the caller's limits are older than what this process already uses.
   */
  private stateFor(keyId: string, limits: KeyLimits, now: number): KeyState | null {
    const current = this.states.get(keyId);
    if (current && current.limits.version === limits.version) return current;
    if (current && current.limits.version > limits.version) return null;
    if (current) this.releaseAll(current);
    const state = newKeyState(keyId, limits, now);
    this.states.set(keyId, state);
    return state;
  }

  private admit(state: KeyState, cost: number, now: number): LimitResult {
    spend(state, cost);
    state.lastActivity = now;
    this.maybePrefetch(state, now);
    return { outcome: "VALID", ...report(state) };
  }

  /** Recent demand: a sum that halves about every horizon × ln 2, so it tracks units per horizon. */
  private observe(state: KeyState, units: number, now: number): void {
    state.demand = this.expected(state, now) + units;
    state.demandAt = now;
    state.lastActivity = now;
  }

  private expected(state: KeyState, now: number): number {
    const elapsed = Math.max(0, now - state.demandAt);
    return state.demand * Math.exp(-elapsed / this.horizonMs);
  }

  private async acquire(state: KeyState, need: number, cost: number): Promise<LimitResult> {
    // Leases of other requests are waited for (they are sized for the waiters too). A request is
    // denied only on evidence: the database said recently that it cannot cover it, or a lease of
    // its own came back empty. Each lease of its own that grants something is progress out of a
    // finite budget, so the loop ends.
    for (;;) {
      let outcome: LeaseOutcome | null = null;
      if (state.inflight) {
        state.queued += need;
        await state.inflight.catch(() => undefined);
        state.queued -= need;
      } else {
        if (this.closed || this.now() - state.failedAt < this.failFastMs) return { outcome: "UNAVAILABLE" };
        outcome = await this.lease(state, need);
        if (outcome === "stale") return { outcome: "STALE" };
      }
      const now = this.now();
      // Another request brought newer limits while this one waited: it must reload the key too.
      if (this.states.get(state.keyId) !== state) return { outcome: "STALE" };
      roll(state, now);
      if (covered(state, need)) return this.admit(state, cost, now);
      if (outcome === "error") return { outcome: "UNAVAILABLE" };
      const denial = knownDenial(state, need, now, this.recheckMs);
      if (denial) return { outcome: denial, ...report(state) };
      if (outcome === "empty") return { outcome: shortfall(state, need), ...report(state) };
    }
  }

  private maybePrefetch(state: KeyState, now: number): void {
    if (state.inflight || this.closed || now - state.failedAt < this.failFastMs) return;
    const low = (tokens: number, lastGrant: number) => lastGrant >= 8 && tokens < lastGrant / 4;
    const c = state.credits;
    const renew = c !== null && c.tokens > 0 && c.expiresAt - now < this.ttlMs / 3;
    if (state.windows.some((w) => low(w.tokens, w.lastGrant)) || (c !== null && low(c.tokens, c.lastGrant)) || renew) {
      void this.lease(state, 0);
    }
  }

  /**
   * One lease statement for everything the key is short of, sized to recent demand: at least
   * `need` more of each limit the request cannot cover (or nothing at all), up to the expected
   * demand over the horizon or over what is left of the window, whichever is shorter.
   */
  private lease(state: KeyState, need: number): Promise<LeaseOutcome> {
    const sentAt = this.now();
    const demand = this.expected(state, sentAt) + state.queued;
    const sizeFor = (tokens: number, remainingMs: number, cap: number) => {
      const lack = Math.max(0, need - tokens);
      const expected = Math.ceil(demand * Math.min(1, remainingMs / this.horizonMs));
      return { need: lack, want: Math.max(lack, Math.min(cap, expected) - tokens) };
    };
    const windows = state.windows.map((w) => ({
      name: w.config.name,
      durationMs: w.config.durationMs,
      limit: w.config.limit,
      windowStart: w.start,
      ...sizeFor(w.tokens, w.start + w.config.durationMs - sentAt, w.config.limit),
    }));
    const c = state.credits;
    let credits: LeaseRequest["credits"] = null;
    if (c) {
      const size = sizeFor(c.tokens, c.period.end - sentAt, Number.MAX_SAFE_INTEGER);
      // Renewing keeps a lease from expiring under a process that still uses it.
      const renew = c.tokens > 0 && c.expiresAt - sentAt < this.ttlMs / 3;
      if (size.want > 0 || renew) credits = { ...size, keep: c.tokens, period: c.period.index };
    }
    if (need === 0 && credits === null && windows.every((w) => w.want === 0)) return Promise.resolve("ok");
    const request: LeaseRequest = {
      keyId: state.keyId,
      version: state.limits.version,
      instanceId: this.instanceId,
      windows,
      credits,
      ttlMs: this.ttlMs,
    };
    this.counts.leases += 1;
    const run = this.store.lease(request).then(
      (response): LeaseOutcome => {
        if (response.stale) return "stale";
        const grantedAny = response.windows.some((x) => x.granted > 0) || (response.credits?.granted ?? 0) > 0;
        let outcome: LeaseOutcome = grantedAny || need === 0 ? "ok" : "empty";
        const at = this.now();
        response.windows.forEach((granted, i) => {
          const w = state.windows[i];
          if (!w || w.start !== windows[i]?.windowStart) {
            outcome = "rolled";
            return;
          }
          w.tokens += granted.granted;
          w.used = granted.used;
          w.seenAt = at;
          if (granted.granted > 0) w.lastGrant = granted.granted;
        });
        if (c && credits && response.credits) {
          if (c.period.index !== credits.period) {
            outcome = "rolled";
          } else {
            c.tokens += response.credits.granted;
            c.leased = credits.keep + response.credits.granted;
            c.pool = response.credits.remaining;
            c.seenAt = at;
            // The database's lease lives ttl from when it ran, which is after sentAt.
            c.expiresAt = sentAt + this.ttlMs - Math.max(1_000, this.ttlMs / 10);
            if (response.credits.granted > 0) c.lastGrant = response.credits.granted;
          }
        }
        return outcome;
      },
      (): LeaseOutcome => {
        this.counts.failures += 1;
        state.failedAt = this.now();
        return "error";
      },
    );
    state.inflight = run;
    void run.finally(() => {
      if (state.inflight === run) state.inflight = null;
    });
    return run;
  }

  private applyPeek(state: KeyState, seen: PeekResponse): void {
    const at = this.now();
    for (const w of state.windows) {
      const row = seen.windows.find((x) => x.name === w.config.name && x.durationMs === w.config.durationMs);
      // No row, or a row of an earlier window: nothing of this window is handed out yet.
      w.used = !row || row.windowStart < w.start ? 0 : row.windowStart > w.start ? w.config.limit : row.granted;
      w.seenAt = at;
    }
    const c = state.credits;
    if (c && seen.credits) {
      const refill = state.limits.credits?.refill ?? null;
      c.pool = refill && seen.credits.period < c.period.index ? refill.amount : Math.max(0, seen.credits.remaining);
      c.seenAt = at;
    }
  }

  /** Forgets what the state holds and hands it back; never retried (see the top of the file). */
  private releaseAll(state: KeyState): void {
    const windows = state.windows.filter((w) => w.tokens > 0).map((w) => ({ name: w.config.name, durationMs: w.config.durationMs, windowStart: w.start, tokens: w.tokens }));
    const c = state.credits;
    // A lease whose credits are all spent is still ended, so that it stops counting as held.
    const credits = c && (c.tokens > 0 || c.leased > 0) ? { tokens: c.tokens, period: c.period.index } : null;
    for (const w of state.windows) w.tokens = 0;
    if (c) {
      c.tokens = 0;
      c.leased = 0;
    }
    if (windows.length === 0 && credits === null) return;
    const request: ReleaseRequest = { keyId: state.keyId, instanceId: this.instanceId, windows, credits };
    this.counts.releases += 1;
    const run = this.store.release(request).catch(() => {
      this.counts.failures += 1;
    });
    this.pendingReleases.add(run);
    void run.finally(() => this.pendingReleases.delete(run));
  }
}
