import { describe, expect, it } from "vitest";
import {
  MAX_PATH_LENGTH,
  canonicalConstraint,
  evaluateConstraints,
  normalizeConstraintPath,
  normalizeMethods,
  normalizePath,
  sameConstraintSet,
  type KeyConstraint,
} from "./constraints";
import { regexCacheSize, regexError } from "./constraint-regex";
import { describeConstraint, describeConstraintLogic } from "./constraint-text";

const exact = (value: string, methods: string[] = []): KeyConstraint => ({ type: "exact", value, methods });
const prefix = (value: string, methods: string[] = []): KeyConstraint => ({ type: "prefix", value, methods });
const regex = (value: string, methods: string[] = []): KeyConstraint => ({ type: "regex", value, methods });
const verb = (...methods: string[]): KeyConstraint => ({ type: "verb", value: "", methods });

interface Vector {
  name: string;
  constraints: KeyConstraint[];
  method?: string;
  path?: string;
  expected: boolean;
}

// Regexes see paths up to 1 KiB (constraint-regex.ts); linear time is checked near that bound.
const longA = "a".repeat(1020);

const vectors: Vector[] = [
  // Unrestricted keys and missing request data.
  { name: "no constraints allows anything", constraints: [], method: "DELETE", path: "/admin", expected: true },
  { name: "no constraints allows an empty request", constraints: [], expected: true },
  { name: "constrained key, no method or path", constraints: [prefix("/")], expected: false },
  { name: "constrained key, empty strings", constraints: [prefix("/")], method: "", path: "", expected: false },
  { name: "path rule, method only", constraints: [exact("jobs")], method: "GET", expected: false },
  { name: "verb rule, path only", constraints: [verb("GET")], path: "/jobs", expected: false },
  { name: "verb rule, method only", constraints: [verb("GET")], method: "GET", expected: true },

  // Civis reference: "jobs" exact allows only /jobs.
  { name: "exact jobs: /jobs", constraints: [exact("jobs")], method: "GET", path: "/jobs", expected: true },
  { name: "exact jobs: /jobs/1", constraints: [exact("jobs")], method: "GET", path: "/jobs/1", expected: false },
  { name: "exact jobs: /job", constraints: [exact("jobs")], method: "GET", path: "/job", expected: false },
  { name: "exact jobs: /jobsx", constraints: [exact("jobs")], method: "GET", path: "/jobsx", expected: false },
  { name: "exact /jobs/ value", constraints: [exact("/jobs/")], method: "GET", path: "/jobs", expected: true },
  { name: "exact is case-sensitive", constraints: [exact("jobs")], method: "GET", path: "/JOBS", expected: false },
  { name: "exact /", constraints: [exact("/")], method: "GET", path: "/", expected: true },
  { name: "exact / vs /a", constraints: [exact("/")], method: "GET", path: "/a", expected: false },

  // Civis reference: "jobs" prefix allows /jobs, /jobs/:id, /jobs/:id/runs.
  { name: "prefix jobs: /jobs", constraints: [prefix("jobs")], method: "GET", path: "/jobs", expected: true },
  { name: "prefix jobs: /jobs/1", constraints: [prefix("jobs")], method: "GET", path: "/jobs/1", expected: true },
  { name: "prefix jobs: /jobs/1/runs", constraints: [prefix("jobs")], method: "GET", path: "/jobs/1/runs", expected: true },
  { name: "prefix jobs: /jobsx", constraints: [prefix("jobs")], method: "GET", path: "/jobsx", expected: false },
  { name: "prefix jobs: /job", constraints: [prefix("jobs")], method: "GET", path: "/job", expected: false },
  { name: "prefix jobs: /", constraints: [prefix("jobs")], method: "GET", path: "/", expected: false },
  { name: "prefix /jobs/1: /jobs/10", constraints: [prefix("/jobs/1")], method: "GET", path: "/jobs/10", expected: false },
  { name: "prefix /: anything", constraints: [prefix("/")], method: "PATCH", path: "/x/y/z", expected: true },
  { name: "prefix /: root", constraints: [prefix("/")], method: "GET", path: "/", expected: true },

  // Civis reference: regex is implicitly anchored.
  { name: "regex full match", constraints: [regex("/jobs/[0-9]+")], method: "GET", path: "/jobs/42", expected: true },
  { name: "regex no trailing extra", constraints: [regex("/jobs/[0-9]+")], method: "GET", path: "/jobs/42/runs", expected: false },
  { name: "regex no leading extra", constraints: [regex("/jobs/[0-9]+")], method: "GET", path: "/v1/jobs/42", expected: false },
  { name: "regex unanchored substring fails", constraints: [regex("jobs")], method: "GET", path: "/jobs", expected: false },
  { name: "regex alternation anchored as a group", constraints: [regex("/a|/b")], method: "GET", path: "/a/x", expected: false },
  { name: "regex alternation second branch", constraints: [regex("/a|/b")], method: "GET", path: "/b", expected: true },
  { name: "regex explicit anchors are fine", constraints: [regex("^/jobs$")], method: "GET", path: "/jobs", expected: true },
  { name: "regex sees normalized path", constraints: [regex("/jobs")], method: "GET", path: "//jobs/?page=2", expected: true },
  { name: "regex invalid matches nothing", constraints: [regex("(")], method: "GET", path: "/(", expected: false },
  { name: "regex break-out attempt", constraints: [regex("/a)|(.*")], method: "GET", path: "/zzz", expected: false },

  // Civis reference: verb GET only.
  { name: "verb GET: GET", constraints: [verb("GET")], method: "GET", path: "/anything", expected: true },
  { name: "verb GET: POST", constraints: [verb("GET")], method: "POST", path: "/anything", expected: false },
  { name: "verb GET: HEAD is not GET", constraints: [verb("GET")], method: "HEAD", path: "/", expected: false },
  { name: "verb HEAD: GET is not HEAD", constraints: [verb("HEAD")], method: "GET", path: "/", expected: false },
  // HTTP methods are case-sensitive: a lower-case or non-ASCII method is not the stored one.
  { name: "verb lowercase request method", constraints: [verb("GET")], method: "get", path: "/", expected: false },
  { name: "verb, long s upper-cases to POST", constraints: [verb("POST")], method: "poſt", path: "/", expected: false },
  { name: "verb lowercase stored method", constraints: [verb("get")], method: "GET", path: "/", expected: true },
  { name: "verb empty set matches nothing", constraints: [verb()], method: "GET", path: "/", expected: false },
  { name: "verb rejects bad path", constraints: [verb("GET")], method: "GET", path: "/a/../b", expected: false },

  // Method sets on path rules.
  { name: "exact with methods, allowed", constraints: [exact("jobs", ["GET", "POST"])], method: "POST", path: "/jobs", expected: true },
  { name: "exact with methods, wrong method", constraints: [exact("jobs", ["GET"])], method: "DELETE", path: "/jobs", expected: false },
  { name: "exact with methods, no method", constraints: [exact("jobs", ["GET"])], path: "/jobs", expected: false },
  { name: "exact no methods, no method", constraints: [exact("jobs")], path: "/jobs", expected: true },
  { name: "prefix with methods, HEAD vs GET", constraints: [prefix("jobs", ["GET"])], method: "HEAD", path: "/jobs/1", expected: false },
  { name: "prefix with methods, lowercase", constraints: [prefix("jobs", ["GET"])], method: "get", path: "/jobs/1", expected: false },
  { name: "prefix with methods, dotless i", constraints: [prefix("jobs", ["OPTIONS"])], method: "optıons", path: "/jobs/1", expected: false },
  // Dot segments a server behind us could still resolve: double-encoded, NUL-suffixed, Unicode dots.
  { name: "prefix, double-encoded dots", constraints: [prefix("jobs")], method: "GET", path: "/jobs/%252e%252e/admin", expected: false },
  { name: "prefix, dots and encoded NUL", constraints: [prefix("jobs")], method: "GET", path: "/jobs/..%00/admin", expected: false },
  { name: "prefix, full-width dots", constraints: [prefix("jobs")], method: "GET", path: "/jobs/．．/admin", expected: false },
  { name: "prefix, encoded full-width dots", constraints: [prefix("jobs")], method: "GET", path: "/jobs/%EF%BC%8E%EF%BC%8E/admin", expected: false },
  { name: "prefix, one-dot leaders", constraints: [prefix("jobs")], method: "GET", path: "/jobs/․․/admin", expected: false },
  { name: "prefix, two-dot leader", constraints: [prefix("jobs")], method: "GET", path: "/jobs/‥/admin", expected: false },
  { name: "prefix, full-width solidus", constraints: [prefix("jobs")], method: "GET", path: "/jobs/a／..", expected: false },
  { name: "prefix, triple dots", constraints: [prefix("jobs")], method: "GET", path: "/jobs/.../admin", expected: false },
  { name: "prefix, ordinary Unicode segment", constraints: [prefix("jobs")], method: "GET", path: "/jobs/café", expected: true },
  { name: "prefix, dotted file name", constraints: [prefix("jobs")], method: "GET", path: "/jobs/report..v2.pdf", expected: true },
  { name: "regex with methods", constraints: [regex("/jobs/[0-9]+", ["PUT"])], method: "PUT", path: "/jobs/7", expected: true },
  { name: "regex with methods, wrong", constraints: [regex("/jobs/[0-9]+", ["PUT"])], method: "GET", path: "/jobs/7", expected: false },
  { name: "any method includes unlisted verbs", constraints: [exact("jobs")], method: "TRACE", path: "/jobs", expected: true },

  // OR semantics.
  { name: "OR: first matches", constraints: [exact("a"), exact("b")], method: "GET", path: "/a", expected: true },
  { name: "OR: second matches", constraints: [exact("a"), exact("b")], method: "GET", path: "/b", expected: true },
  { name: "OR: none matches", constraints: [exact("a"), exact("b")], method: "GET", path: "/c", expected: false },
  { name: "OR: verb or path", constraints: [exact("a", ["POST"]), verb("GET")], method: "GET", path: "/z", expected: true },
  { name: "OR: path rule with method", constraints: [exact("a", ["POST"]), verb("GET")], method: "POST", path: "/a", expected: true },
  { name: "OR: neither", constraints: [exact("a", ["POST"]), verb("GET")], method: "POST", path: "/z", expected: false },

  // Normalization of the request path.
  { name: "trailing slash", constraints: [exact("jobs")], method: "GET", path: "/jobs/", expected: true },
  { name: "double slashes", constraints: [exact("jobs/1")], method: "GET", path: "//jobs//1//", expected: true },
  { name: "no leading slash", constraints: [exact("jobs")], method: "GET", path: "jobs", expected: true },
  { name: "query string", constraints: [exact("jobs")], method: "GET", path: "/jobs?x=1&y=/..", expected: true },
  { name: "fragment", constraints: [exact("jobs")], method: "GET", path: "/jobs#top", expected: true },
  { name: "encoded slash in query is fine", constraints: [exact("jobs")], method: "GET", path: "/jobs?next=%2Fadmin", expected: true },
  { name: "dot-dot segment", constraints: [prefix("jobs")], method: "GET", path: "/jobs/../admin", expected: false },
  { name: "dot-dot at end", constraints: [prefix("jobs")], method: "GET", path: "/jobs/1/..", expected: false },
  { name: "dot segment", constraints: [prefix("jobs")], method: "GET", path: "/jobs/./1", expected: false },
  { name: "encoded dot-dot", constraints: [prefix("jobs")], method: "GET", path: "/jobs/%2e%2E/admin", expected: false },
  { name: "dot-dot with ;param", constraints: [prefix("jobs")], method: "GET", path: "/jobs/..;/admin", expected: false },
  { name: "dots inside a name are fine", constraints: [prefix("jobs")], method: "GET", path: "/jobs/a..b/.well", expected: true },
  { name: "encoded slash %2F", constraints: [prefix("jobs")], method: "GET", path: "/jobs%2F..%2Fadmin", expected: false },
  { name: "encoded slash %2f", constraints: [prefix("jobs")], method: "GET", path: "/jobs/a%2fb", expected: false },
  { name: "encoded backslash %5C", constraints: [prefix("jobs")], method: "GET", path: "/jobs/a%5Cb", expected: false },
  { name: "encoded backslash %5c", constraints: [prefix("jobs")], method: "GET", path: "/jobs/a%5cb", expected: false },
  { name: "literal backslash", constraints: [prefix("jobs")], method: "GET", path: "/jobs\\..\\admin", expected: false },
  { name: "NUL", constraints: [prefix("jobs")], method: "GET", path: "/jobs/\u0000", expected: false },
  { name: "newline", constraints: [prefix("jobs")], method: "GET", path: "/jobs/1\n", expected: false },
  { name: "tab", constraints: [prefix("jobs")], method: "GET", path: "/jobs/\t1", expected: false },
  { name: "DEL", constraints: [prefix("jobs")], method: "GET", path: "/jobs/\u007f", expected: false },
  { name: "control char in query", constraints: [prefix("jobs")], method: "GET", path: "/jobs?a=\r\nX: y", expected: false },
  { name: "bad path fails even with prefix /", constraints: [prefix("/")], method: "GET", path: "/../etc/passwd", expected: false },
  { name: "too long path", constraints: [prefix("/")], method: "GET", path: `/${"a".repeat(MAX_PATH_LENGTH)}`, expected: false },
  { name: "longest allowed path", constraints: [prefix("/")], method: "GET", path: `/${"a".repeat(MAX_PATH_LENGTH - 1)}`, expected: true },

  // Hostile patterns: RE2 runs in linear time, so these simply answer.
  { name: "(a+)+$ on 1 KiB, no match", constraints: [regex("/(a+)+$")], method: "GET", path: `/${longA}!`, expected: false },
  { name: "(a+)+$ on 1 KiB, match", constraints: [regex("/(a+)+$")], method: "GET", path: `/${longA}`, expected: true },
  { name: "(a|aa)*b on 1 KiB, no match", constraints: [regex("/(a|aa)*b")], method: "GET", path: `/${longA}`, expected: false },
  { name: "(a|aa)*b on 1 KiB, match", constraints: [regex("/(a|aa)*b")], method: "GET", path: `/${longA}b`, expected: true },
  { name: "(.*a){20} on 1 KiB", constraints: [regex("(.*a){20}")], method: "GET", path: `/${longA}`, expected: true },
];

describe("evaluateConstraints", () => {
  it.each(vectors)("$name", ({ constraints, method, path, expected }) => {
    const request: { method?: string; path?: string } = {};
    if (method !== undefined) request.method = method;
    if (path !== undefined) request.path = path;
    expect(evaluateConstraints(constraints, request).allowed).toBe(expected);
  });

  it("reports the matching constraint, or null when unrestricted", () => {
    const second = exact("b");
    expect(evaluateConstraints([], { method: "GET", path: "/" })).toEqual({ allowed: true, matched: null });
    expect(evaluateConstraints([exact("a"), second], { method: "GET", path: "/b" })).toEqual({
      allowed: true,
      matched: second,
    });
    expect(evaluateConstraints([exact("a")], { method: "GET", path: "/b" })).toEqual({ allowed: false });
  });

  it("keeps the regex cache bounded", () => {
    for (let i = 0; i < 1100; i++) {
      evaluateConstraints([regex(`/n${i}`)], { method: "GET", path: `/n${i}` });
    }
    expect(regexCacheSize()).toBeLessThanOrEqual(1000);
    // Evicted patterns still work after being compiled again.
    expect(evaluateConstraints([regex("/n0")], { method: "GET", path: "/n0" }).allowed).toBe(true);
  });
});

describe("normalizePath", () => {
  it.each([
    ["/", "/"],
    ["", "/"],
    ["jobs", "/jobs"],
    ["/jobs/", "/jobs"],
    ["///jobs///1///", "/jobs/1"],
    ["/jobs?x=1", "/jobs"],
    ["/jobs#f?x", "/jobs"],
    ["?x=1", "/"],
    ["/a%20b/%E2%9C%93", "/a%20b/%E2%9C%93"],
    ["/ünï/çødé", "/ünï/çødé"],
  ])("%j → %j", (input, output) => {
    expect(normalizePath(input)).toBe(output);
  });

  it.each(["/..", "/.", "/a/./b", "..", "/%2E", "/.%2e", "/a/..;x/b", "/a%2Fb", "/a%5cb", "\\a", "/a\u001fb", "/a\u0085b",
    "/a/%252e%252e/b", "/a/%25", "/a/..%00", "/a/%00", "/a/%7f", "/a/%ff", "/a/%zz", "/a/．．/b", "/a/․․", "/a/%E2%80%A4.", "/a/。。", "/a/../b", "/a/.. ", "/a/%EF%BC%8F"])(
    "%j → null",
    (input) => {
      expect(normalizePath(input)).toBeNull();
    },
  );
});

describe("normalizeConstraintPath", () => {
  it("treats values with and without a leading slash alike", () => {
    expect(normalizeConstraintPath("jobs")).toBe("/jobs");
    expect(normalizeConstraintPath("/jobs/")).toBe("/jobs");
    expect(normalizeConstraintPath("  jobs/1 ")).toBe("/jobs/1");
    expect(normalizeConstraintPath("/")).toBe("/");
  });

  it("refuses empty values, queries, fragments and unsafe paths", () => {
    for (const value of ["", "   ", "jobs?x=1", "jobs#x", "jobs/../x", "a%2Fb", "a\\b"]) {
      expect(normalizeConstraintPath(value)).toBeNull();
    }
  });
});

describe("regexError", () => {
  it("returns null for valid patterns and the engine message otherwise", () => {
    expect(regexError("/jobs/[0-9]+")).toBeNull();
    expect(regexError("(")).toMatch(/missing closing \)/);
    expect(regexError("a)|(b")).toMatch(/unexpected \)/);
    expect(regexError("(?=x)")).not.toBeNull();
  });
});

describe("describeConstraint", () => {
  it.each<[KeyConstraint, string]>([
    [exact("jobs", ["post", "GET"]), "Exact path /jobs · GET, POST"],
    [exact("/jobs/"), "Exact path /jobs (any method)"],
    [prefix("jobs"), "Paths under /jobs (any method)"],
    [prefix("jobs", ["DELETE"]), "Paths under /jobs · DELETE"],
    [regex("/jobs/[0-9]+"), "Paths matching ^/jobs/[0-9]+$ (any method)"],
    [regex("/a|/b", ["GET"]), "Paths matching ^(?:/a|/b)$ · GET"],
    [verb("GET"), "Methods GET only"],
    [verb("OPTIONS", "GET", "get"), "Methods GET, OPTIONS only"],
    [verb(), "No methods (matches nothing)"],
  ])("%j → %s", (constraint, text) => {
    expect(describeConstraint(constraint)).toBe(text);
  });
});

describe("normalizeMethods", () => {
  it("upper-cases, de-duplicates and orders", () => {
    expect(normalizeMethods(["delete", "GET", "get", "HEAD"])).toEqual(["GET", "HEAD", "DELETE"]);
    expect(normalizeMethods([])).toEqual([]);
  });
});

describe("canonicalConstraint", () => {
  it("normalizes values and methods", () => {
    expect(canonicalConstraint(exact(" jobs/ ", ["post", "get"]))).toEqual(exact("/jobs", ["GET", "POST"]));
    expect(canonicalConstraint({ type: "verb", value: "ignored", methods: ["get"] })).toEqual(verb("GET"));
    expect(canonicalConstraint(regex(" /a+ "))).toEqual(regex("/a+"));
  });
});

describe("sameConstraintSet", () => {
  it("ignores order, duplicates and equivalent spellings", () => {
    expect(sameConstraintSet([], [])).toBe(true);
    expect(
      sameConstraintSet(
        [exact("jobs", ["GET", "POST"]), verb("GET")],
        [verb("get"), exact("/jobs/", ["post", "GET"]), verb("GET")],
      ),
    ).toBe(true);
  });

  it("detects any difference", () => {
    expect(sameConstraintSet([exact("jobs")], [])).toBe(false);
    expect(sameConstraintSet([exact("jobs")], [prefix("jobs")])).toBe(false);
    expect(sameConstraintSet([exact("jobs")], [exact("jobs", ["GET"])])).toBe(false);
    expect(sameConstraintSet([exact("jobs")], [exact("jobs"), exact("runs")])).toBe(false);
    expect(sameConstraintSet([verb("GET")], [verb("GET", "HEAD")])).toBe(false);
    expect(sameConstraintSet([regex("/a")], [regex("/A")])).toBe(false);
  });
});

const ip = (value: string): KeyConstraint => ({ type: "ip", value, methods: [] });

describe("ip constraints", () => {
  it("allow only clients inside one of the ranges when a key has ip rules alone, any path and method", () => {
    const rules = [ip("10.0.0.0/8"), ip("2001:db8::/32")];
    expect(evaluateConstraints(rules, { ip: "10.9.8.7" })).toEqual({ allowed: true, matched: null });
    expect(evaluateConstraints(rules, { ip: "2001:db8::42", method: "DELETE", path: "/anything" })).toEqual({ allowed: true, matched: null });
    expect(evaluateConstraints(rules, { ip: "::ffff:10.9.8.7" }).allowed).toBe(true);
    expect(evaluateConstraints(rules, { ip: "11.0.0.1" }).allowed).toBe(false);
    // No address, an empty one, or one that does not parse: refused.
    expect(evaluateConstraints(rules, {}).allowed).toBe(false);
    expect(evaluateConstraints(rules, { ip: "" }).allowed).toBe(false);
    for (const garbage of ["10.1", "010.0.0.1", "10.0.0.1:443", "[2001:db8::1]", "fe80::1%eth0", "x".repeat(9000)]) {
      expect(evaluateConstraints(rules, { ip: garbage }).allowed, garbage).toBe(false);
    }
  });

  it("are ANDed with the path rules, which stay ORed among themselves; matched is the path rule", () => {
    const jobs = prefix("jobs", ["GET"]);
    const health = exact("health");
    const rules = [ip("10.0.0.0/8"), jobs, health];
    expect(evaluateConstraints(rules, { ip: "10.1.2.3", method: "GET", path: "/jobs/1" })).toEqual({ allowed: true, matched: jobs });
    expect(evaluateConstraints(rules, { ip: "10.1.2.3", method: "POST", path: "/health" })).toEqual({ allowed: true, matched: health });
    expect(evaluateConstraints(rules, { ip: "11.1.2.3", method: "GET", path: "/jobs/1" }).allowed).toBe(false);
    expect(evaluateConstraints(rules, { method: "GET", path: "/jobs/1" }).allowed).toBe(false);
    expect(evaluateConstraints(rules, { ip: "10.1.2.3", method: "GET", path: "/admin" }).allowed).toBe(false);
    expect(evaluateConstraints(rules, { ip: "10.1.2.3", method: "GET", path: "/jobs/../admin" }).allowed).toBe(false);
  });

  it("are never path rules: an ip rule does not admit a path and a path rule does not admit an address", () => {
    expect(evaluateConstraints([ip("0.0.0.0/0"), verb("GET")], { ip: "1.2.3.4", method: "POST" }).allowed).toBe(false);
    expect(evaluateConstraints([verb("GET")], { ip: "1.2.3.4", method: "GET" }).allowed).toBe(true);
    // A stored value that does not parse matches nothing (a surprise can only deny).
    expect(evaluateConstraints([ip("not-an-ip")], { ip: "1.2.3.4" }).allowed).toBe(false);
  });

  it("are described, canonicalised and compared as sets", () => {
    expect(describeConstraint(ip("10.0.0.0/8"))).toBe("Client IP in 10.0.0.0/8");
    expect(describeConstraint(ip("203.0.113.7/32"))).toBe("Client IP 203.0.113.7");
    expect(canonicalConstraint({ type: "ip", value: " ::ffff:10.0.0.0/104 ", methods: ["get"] })).toEqual(ip("10.0.0.0/8"));
    expect(sameConstraintSet([ip("10.0.0.0/8"), verb("GET")], [verb("get"), ip("::ffff:10.0.0.0/104")])).toBe(true);
    expect(sameConstraintSet([ip("10.0.0.0/8"), verb("GET")], [verb("GET")])).toBe(false);
    expect(sameConstraintSet([ip("10.0.0.0/8")], [ip("10.0.0.0/9")])).toBe(false);
  });
});

describe("describeConstraintLogic", () => {
  it("says how the rule groups combine", () => {
    expect(describeConstraintLogic([exact("a"), verb("GET")])).toBe("Requests are allowed when any rule matches.");
    expect(describeConstraintLogic([ip("10.0.0.0/8")])).toMatch(/listed IP addresses only/);
    expect(describeConstraintLogic([ip("10.0.0.0/8"), exact("a")])).toMatch(/IP addresses AND any path or method rule/);
  });
});
