// Property tests for what verification makes of hostile constraints and requests (issue 12):
// regex patterns built to be costly, paths built from every spelling of a dot that some server
// decodes or folds, and methods in every case.
import path from "node:path";
import fc from "fast-check";
import { RE2JS } from "re2js";
import { describe, expect, it } from "vitest";
import { MAX_REGEX_EXPANSION, MAX_REGEX_NESTING, MAX_REGEX_PROGRAM_SIZE, compiledRegex, regexError, regexShape } from "@/lib/keys/constraint-regex";
import { evaluateConstraints, normalizePath, type KeyConstraint } from "@/lib/keys/constraints";
import { hostileString } from "./support/hostile";

const RUNS = Number(process.env.KEYDESK_PROPERTY_RUNS ?? 300);

// ---- regex cost ---------------------------------------------------------------------------------

const atom = fc.constantFrom("a", "/", "x", ".", "[a-z]", "[a-z/]", "[^/]", "\\d", "\\{", "[{]");
const repeat = fc.oneof(
  fc.constantFrom("", "*", "+", "?", "*?"),
  fc.tuple(fc.integer({ min: 0, max: 999 }), fc.option(fc.integer({ min: 0, max: 999 }), { nil: undefined })).map(([n, m]) =>
    m === undefined ? `{${n}}` : `{${Math.min(n, m)},${Math.max(n, m)}}`,
  ),
);
/** Patterns of atoms, groups and alternatives with random counted repetitions: the costly kind. */
const costlyPattern: fc.Arbitrary<string> = fc.letrec<{ pattern: string; item: string }>((tie) => ({
  item: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.tuple(atom, repeat).map(([a, r]) => a + r),
    fc.tuple(tie("pattern"), repeat).map(([p, r]) => `(${p})${r}`),
  ),
  pattern: fc.array(fc.oneof(tie("item"), fc.constant("|")), { minLength: 1, maxLength: 6 }).map((items) => items.join("")),
})).pattern;

const hostilePath = fc.oneof(
  fc.string({ unit: fc.constantFrom("a", "/", "x", "b", "-"), maxLength: 1100 }).map((s) => `/${s}`),
  hostileString,
);

describe("regex cost (property)", () => {
  it("every pattern regexError accepts compiles within the limits; every other one matches nothing at verification", () => {
    fc.assert(
      fc.property(costlyPattern, (pattern) => {
        const shape = regexShape(pattern);
        const accepted = regexError(pattern) === null;
        const compiled = compiledRegex(pattern);
        expect(compiled !== null).toBe(accepted);
        if (accepted) {
          expect(shape.expansion).toBeLessThanOrEqual(MAX_REGEX_EXPANSION);
          expect(shape.nesting).toBeLessThanOrEqual(MAX_REGEX_NESTING);
          expect(compiled?.programSize()).toBeLessThanOrEqual(MAX_REGEX_PROGRAM_SIZE);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("regexShape never underestimates a pattern's compiled size by more than a constant factor", () => {
    // The text check runs before compiling, so that a pattern like the audit's is never compiled;
    // it only helps if a small expansion really means a small program.
    fc.assert(
      fc.property(costlyPattern, (pattern) => {
        const shape = regexShape(pattern);
        fc.pre(shape.expansion <= MAX_REGEX_EXPANSION);
        let size: number;
        try {
          size = RE2JS.compile(`^(?:${pattern})$`).programSize();
        } catch {
          return; // not a valid pattern
        }
        expect(size).toBeLessThanOrEqual(8 * shape.expansion + 16);
      }),
      { numRuns: RUNS },
    );
  });

  it("regexError and evaluation never throw, whatever the pattern and the path", () => {
    fc.assert(
      fc.property(fc.oneof(costlyPattern, hostileString), hostilePath, (pattern, requestPath) => {
        expect(typeof (regexError(pattern) ?? "")).toBe("string");
        const decision = evaluateConstraints([{ type: "regex", value: pattern, methods: [] }], { method: "GET", path: requestPath });
        expect(typeof decision.allowed).toBe("boolean");
      }),
      { numRuns: RUNS },
    );
  });
});

// ---- path normalisation -------------------------------------------------------------------------

/** Every spelling of a dot, slash or terminator that some server decodes, folds or strips. */
const trickySegment = fc.constantFrom(
  ".", "..", "...", "%2e", "%2E", "%2e%2e", ".%2e", "%252e", "%252e%252e", "%25", "%00", "..%00", "%2f", "%5c",
  "．", "．．", "%EF%BC%8E%EF%BC%8E", "․", "․․", "%E2%80%A4%E2%80%A4", "‥", "。。", "﹒﹒", "／", "..;x", "%2e%2e;y",
  ".. ", "a", "jobs", "admin", "café", "%20", "a.b", "..a", "%E2%9C%93",
);
const trickyPath = fc.array(trickySegment, { minLength: 1, maxLength: 6 }).map((segments) => `/${segments.join("/")}`);

/** What a lenient server behind us might make of a path: decode until stable, fold, resolve. */
function resolvedByLenientServer(raw: string): string {
  let text = raw;
  for (let i = 0; i < 4; i++) {
    let next: string;
    try {
      next = decodeURIComponent(text);
    } catch {
      next = text.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    }
    if (next === text) break;
    text = next;
  }
  text = text.normalize("NFKC").replace(/[\u3002\uff61]/g, ".").replace(/\\/g, "/");
  // C servers stop at a NUL; Tomcat drops `;params`; Windows trims dots and spaces.
  const segments = text.replace(/\u0000.*$/s, "").split("/").map((segment) => {
    const bare = segment.split(";", 1)[0] ?? "";
    if (/^[. ]+$/.test(bare)) return bare.replace(/ /g, "").length >= 2 ? ".." : ".";
    return bare;
  });
  return path.posix.normalize(segments.join("/"));
}

describe("path normalisation (property)", () => {
  const jobs: KeyConstraint = { type: "prefix", value: "/jobs", methods: [] };

  it("a path a prefix /jobs rule admits stays under /jobs however a lenient server decodes and resolves it", () => {
    fc.assert(
      fc.property(trickyPath, (tail) => {
        const requestPath = `/jobs${tail}`;
        if (!evaluateConstraints([jobs], { method: "GET", path: requestPath }).allowed) return;
        const resolved = resolvedByLenientServer(requestPath);
        expect(resolved === "/jobs" || resolved.startsWith("/jobs/"), `${requestPath} → ${resolved}`).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it("an accepted path has no segment that decodes or folds to a dot segment", () => {
    fc.assert(
      fc.property(trickyPath, (requestPath) => {
        const normalized = normalizePath(requestPath);
        if (normalized === null) return;
        for (const segment of normalized.split("/").slice(1)) {
          const folded = decodeURIComponent(segment).normalize("NFKC").split(";", 1)[0] ?? "";
          expect(/^[. ]+$/.test(folded), `${requestPath}: ${segment}`).toBe(false);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe("methods (property)", () => {
  it("a verb rule admits exactly its methods, byte for byte", () => {
    const rule: KeyConstraint = { type: "verb", value: "", methods: ["GET", "POST"] };
    const method = fc.oneof(fc.constantFrom("GET", "POST", "get", "Get", "poſt", "PoSt", "GET ", "ＧＥＴ", "gEt"), hostileString);
    fc.assert(
      fc.property(method, (m) => {
        expect(evaluateConstraints([rule], { method: m }).allowed).toBe(m === "GET" || m === "POST");
      }),
      { numRuns: RUNS },
    );
  });
});
