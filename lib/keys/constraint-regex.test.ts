import { describe, expect, it } from "vitest";
import {
  DFA_MEMORY_BYTES,
  MAX_REGEX_EXPANSION,
  MAX_REGEX_NESTING,
  MAX_REGEX_PATH_LENGTH,
  MAX_REGEX_PROGRAM_SIZE,
  compiledRegex,
  regexError,
  regexShape,
} from "./constraint-regex";
import { evaluateConstraints, type KeyConstraint } from "./constraints";
import { parseConstraintsField } from "@/lib/validations/api-key";

const regex = (value: string, methods: string[] = []): KeyConstraint => ({ type: "regex", value, methods });
/** The audit's pattern: 52 characters that compiled to ~8,000 instructions and took seconds per match. */
const AUDIT_PATTERN = `${"[a-z/]{0,999}".repeat(4)}x`;

describe("regexShape", () => {
  it.each<[string, number, number]>([
    ["/jobs/[0-9]+", 8, 0],
    ["[a-z]{3}", 3, 0],
    ["[a-z]{2,5}", 5, 0],
    ["[a-z]{4,}", 5, 0],
    ["(ab){3}", 9, 1],
    ["(a{10}){5}", 55, 1],
    ["((a){2}b){3}", 18, 2],
    ["a|b{4}", 6, 0],
    ["[{]{2}", 2, 0],
    ["\\{3}", 3, 0],
    ["\\Q{9}\\E", 3, 0],
    ["[\\]{]{3}", 3, 0],
    [AUDIT_PATTERN, 3997, 0],
    // Found by the property test: empty alternatives and stars in groups compile to instructions.
    ["((a)*|){0,13}", 65, 2],
  ])("%j expands to %i parts, nesting %i", (pattern, expansion, nesting) => {
    expect(regexShape(pattern)).toEqual({ expansion, nesting });
  });
});

describe("regexError: the cost limits at creation", () => {
  it("refuses the audit's pattern with a message that says why", () => {
    expect(regexError(AUDIT_PATTERN)).toMatch(new RegExp(`repetitions written out make 3997 parts \\(at most ${MAX_REGEX_EXPANSION}\\)`));
  });

  it("refuses patterns that compile to too many instructions", () => {
    // Few repetitions, but many alternatives of classes: small expansion, large program.
    const pattern = Array.from({ length: 40 }, (_, i) => `/r${i}/[a-z]+`).join("|");
    expect(regexShape(pattern).expansion).toBeLessThanOrEqual(MAX_REGEX_EXPANSION);
    expect(regexError(pattern)).toMatch(new RegExp(`compiles to \\d+ instructions \\(at most ${MAX_REGEX_PROGRAM_SIZE}\\)`));
  });

  it("refuses deep nesting", () => {
    const pattern = `${"(".repeat(MAX_REGEX_NESTING + 1)}a${")".repeat(MAX_REGEX_NESTING + 1)}`;
    expect(regexError(pattern)).toMatch(/nests groups 11 deep/);
    expect(regexError(`${"(".repeat(MAX_REGEX_NESTING)}a${")".repeat(MAX_REGEX_NESTING)}`)).toBeNull();
  });

  it("accepts realistic patterns", () => {
    for (const pattern of [
      "/jobs/[0-9]+",
      "/v1/(users|projects)/[a-z0-9-]{1,64}(/keys)?",
      "/files/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
      "/(a|b|c)*x",
      "/api/v[12]/.*",
    ]) {
      expect(regexError(pattern), pattern).toBeNull();
    }
  });

  it("is what the shared schema reports as the value's field error", () => {
    const result = parseConstraintsField([{ type: "regex", value: AUDIT_PATTERN }]);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual([0, "value"]);
    expect(result.error?.issues[0]?.message).toMatch(/too costly to match/);
  });
});

describe("regex rules at verification", () => {
  it("run with a small lazy DFA, so patterns whose DFA explodes fall back to the bounded matchers", () => {
    const compiled = compiledRegex(".*a.{30}");
    expect(compiled?.re2Input.dfa.maxMem).toBe(DFA_MEMORY_BYTES);
    // Still correct after the DFA gives up.
    const path = `/${"ab".repeat(400)}a${"b".repeat(30)}`;
    expect(compiled?.testExact(path)).toBe(true);
    expect(compiled?.testExact(`${path}!`)).toBe(false);
  });

  it("a stored pattern over the limits matches nothing and says why", () => {
    // As if written before the limits existed: verification must not compile or run it.
    expect(compiledRegex(AUDIT_PATTERN)).toBeNull();
    expect(evaluateConstraints([regex(AUDIT_PATTERN)], { method: "GET", path: "/abcx" })).toEqual({ allowed: false, problem: "regex_unusable" });
  });

  it("regexes see paths up to MAX_REGEX_PATH_LENGTH; longer ones match no regex rule, prefix rules still judge them", () => {
    const fits = `/${"a".repeat(MAX_REGEX_PATH_LENGTH - 1)}`;
    const tooLong = `/${"a".repeat(MAX_REGEX_PATH_LENGTH)}`;
    expect(evaluateConstraints([regex("/a+")], { method: "GET", path: fits }).allowed).toBe(true);
    expect(evaluateConstraints([regex("/a+")], { method: "GET", path: tooLong }).allowed).toBe(false);
    expect(evaluateConstraints([regex("/a+"), { type: "prefix", value: "/", methods: [] }], { method: "GET", path: tooLong }).allowed).toBe(true);
  });

  it("refuses a key whose regex rules run over the time budget instead of trying them all", () => {
    // Timings do not belong in unit tests: a clock that advances 15 ms per reading stands in for
    // slow matches. Only the last of twenty rules matches; the budget runs out before it.
    const rules = Array.from({ length: 20 }, (_, i) => regex(`/b${i}/${"[a-z/]{0,10}".repeat(4)}x`));
    const realNow = performance.now.bind(performance);
    const clock = (step: number) => {
      let now = 0;
      performance.now = () => (now += step);
    };
    try {
      clock(15);
      expect(evaluateConstraints(rules, { method: "GET", path: "/b19/ax" })).toEqual({ allowed: false, problem: "regex_budget" });
      // The same rules within the budget: the last one matches.
      clock(0);
      expect(evaluateConstraints(rules, { method: "GET", path: "/b19/ax" })).toEqual({ allowed: true, matched: rules[19] });
    } finally {
      performance.now = realNow;
    }
  });

  it("does not count compiling against the budget: a realistic key's first request after a start is judged on its matches", () => {
    const rules = Array.from({ length: 20 }, (_, i) => regex(`/first${i}/[a-z]+`));
    // Per rule the clock is read before compiling, after compiling and after matching: here each
    // compile "takes" 10 ms (200 ms for the key) and each match 0.01 ms.
    const realNow = performance.now.bind(performance);
    let reading = 0;
    let now = 0;
    performance.now = () => (now += reading++ % 3 === 1 ? 10 : 0.01);
    try {
      const meter = { ms: 0, compileMs: 0 };
      expect(evaluateConstraints(rules, { method: "GET", path: "/first19/abc" }, { meter })).toEqual({ allowed: true, matched: rules[19] });
      expect(meter.compileMs).toBeCloseTo(200);
      expect(meter.ms).toBeLessThan(1);
    } finally {
      performance.now = realNow;
    }
  });
});
