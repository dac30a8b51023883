import { afterEach, describe, expect, it, vi } from "vitest";
import { REGEX_BUDGET_MS, REGEX_SUSPEND_MS } from "./constraint-regex";
import { evaluateConstraints, type KeyConstraint } from "./constraints";
import { RegexSuspension, SHARED_SLOW_BURST_MS, SHARED_SLOW_MS_PER_S, SLOW_MATCH_MS, SLOW_QUOTA_MS } from "./regex-suspension";

afterEach(() => {
  vi.restoreAllMocks();
});

/** A request's regex time: matching only (its patterns already compiled). */
const matching = (ms: number) => ({ ms, compileMs: 0 });

/**
 * What verify.ts does with each request of a key with regex rules: a suspended key runs no regex
 * (its rules refuse at once); otherwise its time is charged, and a true charge suspends it.
 * Returns the match time the request was allowed to spend (0 when its key was suspended).
 */
function request(governor: RegexSuspension, keyId: string, ms: number, now: number): number {
  if (governor.suspended(keyId, now)) return 0;
  if (governor.charge(keyId, matching(ms), now)) governor.note(keyId, `pub_${keyId}`, "regex_budget", now);
  return ms;
}

describe("regex suspension", () => {
  it("suspends a key for 10 s, then twice as long each time it runs over again", () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const governor = new RegexSuspension();
    const t0 = 1_000_000;
    governor.note("k-escalate", "key_escalate", "regex_budget", t0);
    expect(governor.suspended("k-escalate", t0 + REGEX_SUSPEND_MS - 1)).toBe(true);
    expect(governor.suspended("k-escalate", t0 + REGEX_SUSPEND_MS)).toBe(false);

    const t1 = t0 + REGEX_SUSPEND_MS + 5;
    governor.note("k-escalate", "key_escalate", "regex_budget", t1);
    expect(governor.suspended("k-escalate", t1 + 2 * REGEX_SUSPEND_MS - 1)).toBe(true);
    expect(governor.suspended("k-escalate", t1 + 2 * REGEX_SUSPEND_MS)).toBe(false);
    // Other keys are not affected.
    expect(governor.suspended("k-other", t1)).toBe(false);
  });

  it("logs a key once, by public id", () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const governor = new RegexSuspension();
    for (let i = 0; i < 3; i++) governor.note("k-log", "key_log", "regex_unusable", i);
    expect(log).toHaveBeenCalledTimes(1);
    expect(String(log.mock.calls[0]?.[0])).toContain("key_log");
  });

  it("charges only slow requests, and says when a key's slow time exceeds its quota", () => {
    const governor = new RegexSuspension();
    expect(governor.charge("k-fast", matching(SLOW_MATCH_MS), 0)).toBe(false);
    for (let i = 0; i < 1000; i++) expect(governor.charge("k-fast", matching(0.01), i)).toBe(false);
    // A second apart, so the shared budget refills in between and only the key's quota decides.
    const each = SLOW_QUOTA_MS / 4;
    expect([1, 2, 3, 4, 5].map((i) => governor.charge("k-slow", matching(each + 0.1), i * 1000))).toEqual([false, false, false, true, false]);
  });

  it("21 costly keys slow at the same moment: only the shared budget's worth is admitted, the rest are suspended at once", () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const governor = new RegexSuspension();
    const t = 5_000_000;
    // Each request under the per-request budget and far under its key's quota: alone, every one
    // of them would be admitted.
    const each = REGEX_BUDGET_MS - 1;
    let admitted = 0;
    const suspended: string[] = [];
    for (let k = 0; k < 21; k++) {
      if (governor.charge(`k-costly-${k}`, matching(each), t)) {
        governor.note(`k-costly-${k}`, `pub_${k}`, "regex_budget", t);
        suspended.push(`k-costly-${k}`);
      } else admitted += each;
    }
    expect(admitted).toBeLessThanOrEqual(SHARED_SLOW_BURST_MS);
    expect(admitted).toBeGreaterThan(SHARED_SLOW_BURST_MS - each);
    expect(suspended).toHaveLength(21 - admitted / each);
    for (const keyId of suspended) expect(governor.suspended(keyId, t + 1)).toBe(true);
    // A key with cheap regexes, verified in between, is never charged nor suspended.
    expect(governor.charge("k-cheap", matching(0.05), t)).toBe(false);
    expect(governor.suspended("k-cheap", t + 1)).toBe(false);
  });

  it("under a sustained flood of 21 costly keys, regex time stays within the shared rate; a cheap key keeps working", () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const governor = new RegexSuspension();
    const t0 = 9_000_000;
    const seconds = 10;
    let costly = 0;
    let cheapRefused = 0;
    // Every 10 ms, each of the 21 keys is asked again (a slow request just under the budget), and
    // so is a key whose regexes take microseconds.
    for (let at = t0; at < t0 + seconds * 1000; at += 10) {
      for (let k = 0; k < 21; k++) costly += request(governor, `k-flood-${k}`, REGEX_BUDGET_MS - 1, at);
      if (request(governor, "k-cheap-flood", 0.02, at) === 0) cheapRefused += 1;
    }
    // Per-key quotas alone would admit about 21 × 50 ms in the first window.
    expect(costly).toBeLessThanOrEqual(SHARED_SLOW_BURST_MS + SHARED_SLOW_MS_PER_S * seconds);
    expect(cheapRefused).toBe(0);
  });

  it("while the shared budget is used up, a costly key's request stops after 2 ms of matching instead of 5", () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const governor = new RegexSuspension();
    const t = 30_000_000;
    expect(governor.budgetMs("k-back", t)).toBe(REGEX_BUDGET_MS);
    // Other costly keys have just spent the shared budget.
    for (let k = 0; governor.charge(`k-spender-${k}`, matching(REGEX_BUDGET_MS - 1), t) === false; k++);
    expect(governor.budgetMs("k-back", t)).toBe(SLOW_MATCH_MS);
    // A key coming back from its suspension: twenty rules that match nothing, 1.5 ms each (a
    // clock that advances 1.5 ms per reading after a compile reading that takes nothing).
    const rules: KeyConstraint[] = Array.from({ length: 20 }, (_, i) => ({ type: "regex", value: `/back${i}/[a-z]+`, methods: [] }));
    const realNow = performance.now.bind(performance);
    let reading = 0;
    let now = 0;
    performance.now = () => (now += reading++ % 3 === 2 ? 1.5 : 0);
    const meter = { ms: 0, compileMs: 0 };
    try {
      const decision = evaluateConstraints(rules, { method: "GET", path: "/elsewhere" }, { meter, regexBudgetMs: governor.budgetMs("k-back", t) });
      expect(decision).toEqual({ allowed: false, problem: "regex_budget" });
    } finally {
      performance.now = realNow;
    }
    // Over SLOW_MATCH_MS by at most one rule's match, where the full budget would have allowed 5 ms.
    expect(meter.ms).toBeLessThanOrEqual(SLOW_MATCH_MS + 1.5);
    // As the shared budget refills, so does what a request may take.
    expect(governor.budgetMs("k-back", t + 100)).toBe(SLOW_MATCH_MS);
    expect(governor.budgetMs("k-back", t + 200)).toBeCloseTo(4);
    expect(governor.budgetMs("k-back", t + 1000)).toBe(REGEX_BUDGET_MS);
  });

  it("a key whose regex rules were suspended comes back with 2 ms per request, then 5 ms once forgiven", () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const governor = new RegexSuspension();
    const t = 40_000_000;
    governor.note("k-again", "key_again", "regex_budget", t);
    const back = t + REGEX_SUSPEND_MS;
    expect(governor.suspended("k-again", back)).toBe(false);
    expect(governor.budgetMs("k-again", back)).toBe(SLOW_MATCH_MS);
    // Other keys keep the full budget meanwhile.
    expect(governor.budgetMs("k-never", back)).toBe(REGEX_BUDGET_MS);
    // Ten minutes after its suspension ended without trouble, the key is forgiven.
    expect(governor.budgetMs("k-again", back + 10 * 60_000)).toBe(REGEX_BUDGET_MS);
  });

  it("compiling drains the shared budget but never counts against the key", () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const governor = new RegexSuspension();
    const t = 20_000_000;
    // A realistic key's first request after a start: all its patterns compile, matching is cheap.
    expect(governor.charge("k-first", { ms: 0.05, compileMs: SHARED_SLOW_BURST_MS + 25 }, t)).toBe(false);
    expect(governor.suspended("k-first", t + 1)).toBe(false);
    // The loop has just given its shared budget to compiling: a slow request now is suspended at once…
    expect(governor.charge("k-slow-after-compile", matching(SLOW_MATCH_MS + 1), t)).toBe(true);
    // …and admitted again once the budget has refilled.
    const refilled = t + (1000 * SHARED_SLOW_BURST_MS) / SHARED_SLOW_MS_PER_S;
    expect(governor.charge("k-slow-later", matching(SLOW_MATCH_MS + 1), refilled)).toBe(false);
  });
});
