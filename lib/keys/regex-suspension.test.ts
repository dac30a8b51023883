import { afterEach, describe, expect, it, vi } from "vitest";
import { REGEX_SUSPEND_MS } from "./constraint-regex";
import { SLOW_MATCH_MS, SLOW_QUOTA_MS, chargeRegexTime, noteRegexProblem, regexSuspended } from "./regex-suspension";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("regex suspension", () => {
  it("suspends a key for 10 s, then twice as long each time it runs over again", () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const t0 = 1_000_000;
    noteRegexProblem("k-escalate", "key_escalate", "regex_budget", t0);
    expect(regexSuspended("k-escalate", t0 + REGEX_SUSPEND_MS - 1)).toBe(true);
    expect(regexSuspended("k-escalate", t0 + REGEX_SUSPEND_MS)).toBe(false);

    const t1 = t0 + REGEX_SUSPEND_MS + 5;
    noteRegexProblem("k-escalate", "key_escalate", "regex_budget", t1);
    expect(regexSuspended("k-escalate", t1 + 2 * REGEX_SUSPEND_MS - 1)).toBe(true);
    expect(regexSuspended("k-escalate", t1 + 2 * REGEX_SUSPEND_MS)).toBe(false);
    // Other keys are not affected.
    expect(regexSuspended("k-other", t1)).toBe(false);
  });

  it("logs a key once, by public id", () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    for (let i = 0; i < 3; i++) noteRegexProblem("k-log", "key_log", "regex_unusable", i);
    expect(log).toHaveBeenCalledTimes(1);
    expect(String(log.mock.calls[0]?.[0])).toContain("key_log");
  });

  it("charges only slow requests, and says when a key's slow time exceeds the quota", () => {
    expect(chargeRegexTime("k-fast", SLOW_MATCH_MS, 0)).toBe(false);
    for (let i = 0; i < 1000; i++) expect(chargeRegexTime("k-fast", 0.01, i)).toBe(false);
    const each = SLOW_QUOTA_MS / 4;
    expect([1, 2, 3, 4, 5].map((i) => chargeRegexTime("k-slow", each + 0.1, i))).toEqual([false, false, false, true, false]);
  });
});
