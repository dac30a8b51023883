import { MAX_REGEX_PATH_LENGTH, REGEX_BUDGET_MS, compiledRegex } from "@/lib/keys/constraint-regex";
import { canonicalIpRange, compiledIpRange, ipInRange, parseIpAddress } from "@/lib/keys/ip";

/**
 * Constraint semantics, shared by the verification endpoint, the management API and the UI.
 *
 * - A key with no constraints is unrestricted. Rules come in two groups: path rules (`exact`,
 *   `prefix`, `regex`, `verb`) and address rules (`ip`). Within a group ANY rule may match (OR);
 *   a key with rules in both groups needs a match in each (AND): `ip 10.0.0.0/8` with
 *   `prefix /jobs` allows /jobs only from 10.x. A group without rules does not restrict.
 * - `ip`: the request's client address (the `ip` the calling API sends) is the value or inside
 *   its CIDR range (lib/keys/ip.ts). No address, or one that does not parse, matches no ip rule.
 * - `exact`: normalized path equals the value. `prefix`: equals the value or continues it at a
 *   segment boundary (`/` allows everything). `regex`: RE2 full match of the normalized path, for
 *   paths of at most MAX_REGEX_PATH_LENGTH characters, within a time budget per request (see
 *   constraint-regex.ts: a key whose regex rules run over it is refused).
 *   These three may also carry a method set; both must then match (empty set = any method).
 * - `verb`: the request method is in the set; the path is not consulted, so a verb-only key
 *   also works when the caller sends no path.
 * - A path that is given but cannot be normalized (traversal, encoded slash, …) denies the
 *   request for every constraint type, verb included: such a request is suspicious whatever
 *   the key allows.
 * - Methods compare exactly, as HTTP says they are case-sensitive: `get` (or `poſt`, which
 *   JavaScript upper-cases to `POST`) matches no rule. Nothing implies anything else (HEAD is not GET).
 */

export const CONSTRAINT_TYPES = ["exact", "prefix", "regex", "verb", "ip"] as const;
export type ConstraintType = (typeof CONSTRAINT_TYPES)[number];

/** Canonical order, used wherever methods are listed. */
export const HTTP_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export interface KeyConstraint {
  type: ConstraintType;
  value: string;
  methods: string[];
}

export interface ConstraintRequest {
  method?: string;
  path?: string;
  /** The client's address, for ip rules. */
  ip?: string;
}

/**
 * Why a refusal came from a regex rule's cost rather than its answer: `regex_unusable`, a stored
 * pattern over the cost limits (it matches nothing); `regex_budget`, the key's regex rules ran out
 * of time. Worth a log line; the caller only ever sees FORBIDDEN.
 */
export type RegexProblem = "regex_unusable" | "regex_budget";

/** Where evaluateConstraints adds the milliseconds its regex rules took (callers reset it). */
export interface RegexMeter {
  /** Matching: what the per-request budget and the key's quota judge. */
  ms: number;
  /** Compiling patterns on first use (then cached). */
  compileMs: number;
}

export type ConstraintDecision = { allowed: true; matched: KeyConstraint | null } | { allowed: false; problem?: RegexProblem };

/**
 * Longest path (query and fragment excluded) that can match anything. Generous for real routes,
 * and it bounds the work a single verification can cost.
 */
export const MAX_PATH_LENGTH = 8192;

// C0 controls and DEL, as the spec requires; C1 (U+0080–U+009F) is included because those are
// never legitimate in a request target either.
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;
// Encoded slash or backslash, encoded percent (`%252e` is a dot after a second decoding) and
// encoded control characters (`..%00`).
const UNSAFE_ESCAPE = /%(?:2f|5c|25|[01][0-9a-f]|7f)/i;
const PLAIN_SEGMENT = /^[\x21-\x24\x26-\x7e]*$/;
// Full stops NFKC leaves alone (ideographic, halfwidth ideographic).
const OTHER_FULL_STOPS = /[\u3002\uff61]/g;
// Only dots and spaces: `.`, `..`, and what Windows servers trim into them (`...`, `.. `).
const DOT_SEGMENT = /^[. ]+$/;

export function isHttpMethod(value: string): value is HttpMethod {
  return (HTTP_METHODS as readonly string[]).includes(value);
}

/** Upper-cases, de-duplicates and sorts into HTTP_METHODS order; unknown methods sort last. */
export function normalizeMethods(methods: readonly string[]): string[] {
  const unique = [...new Set(methods.map((m) => m.toUpperCase()))];
  const rank = (m: string): number => {
    const index = (HTTP_METHODS as readonly string[]).indexOf(m);
    return index === -1 ? HTTP_METHODS.length : index;
  };
  return unique.sort((a, b) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * Reduces a request path to the one form constraints are matched against, or null when the
 * path must not match anything.
 *
 * Kept: percent-encoding other than the cases below (`/a%20b` stays as is), non-ASCII text.
 * Removed: query and fragment, repeated slashes, trailing slash (except for `/`).
 * Rejected (null), because a server behind us may decode, fold or resolve them into a different
 * route than the one we checked: dot segments (`.`, `..`, only dots and spaces) also when
 * percent-encoded, written with Unicode dots that NFKC folds to `.` (`．．`, `․․`) or with a
 * `;param` suffix as Tomcat-style servers strip those; `%2F`, `%5C` and what NFKC folds into a
 * slash (`／`); an encoded percent (`%25`, double encoding) or control character (`%00`);
 * escapes that do not decode to UTF-8; a literal backslash; control characters anywhere in the
 * input (even in the query, as they are never valid in a request target); and paths longer
 * than MAX_PATH_LENGTH.
 */
export function normalizePath(raw: string): string | null {
  if (CONTROL_CHARS.test(raw)) return null;
  const end = raw.search(/[?#]/);
  const path = end === -1 ? raw : raw.slice(0, end);
  if (path.length > MAX_PATH_LENGTH) return null;
  if (path.includes("\\") || UNSAFE_ESCAPE.test(path)) return null;

  const segments = path.split("/").filter((segment) => segment !== "");
  for (const segment of segments) {
    if (!segmentIsSafe(segment)) return null;
  }
  return `/${segments.join("/")}`;
}

/** Whether a segment stays one ordinary segment however a server behind us decodes and folds it. */
function segmentIsSafe(segment: string): boolean {
  // The common case, printable ASCII without escapes, needs neither decoding nor folding.
  let text = segment;
  if (!PLAIN_SEGMENT.test(segment)) {
    try {
      text = decodeURIComponent(segment);
    } catch {
      return false;
    }
    text = text.normalize("NFKC").replace(OTHER_FULL_STOPS, ".");
    if (text.includes("/") || text.includes("\\") || CONTROL_CHARS.test(text)) return false;
  }
  return !DOT_SEGMENT.test(text.split(";", 1)[0] as string);
}

/**
 * Constraint values are written with or without a leading slash (`jobs` = `/jobs`). Unlike a
 * request path, a value with `?` or `#` is refused rather than truncated, so that what the
 * user typed is what gets enforced; an empty value is refused so that a blank form field can
 * never turn into "everything".
 */
export function normalizeConstraintPath(value: string): string | null {
  const trimmed = value.trim();
  if (trimmed === "" || /[?#]/.test(trimmed)) return null;
  return normalizePath(trimmed);
}

function methodAllowed(constraint: KeyConstraint, method: string | undefined): boolean {
  if (constraint.methods.length === 0) return true;
  return method !== undefined && constraint.methods.some((m) => m.toUpperCase() === method);
}

/** Exact and prefix rules (regex rules are matched in evaluateConstraints, within the budget). */
function literalPathMatches(constraint: KeyConstraint, path: string): boolean {
  const value = normalizeConstraintPath(constraint.value);
  if (value === null) return false;
  if (constraint.type === "exact") return path === value;
  return value === "/" || path === value || path.startsWith(`${value}/`);
}

/** Whether the client address is inside at least one of the key's ip rules. */
function addressAllowed(constraints: readonly KeyConstraint[], ip: string | undefined): boolean {
  const address = ip ? parseIpAddress(ip) : null;
  if (!address) return false;
  for (const constraint of constraints) {
    if (constraint.type !== "ip") continue;
    const range = compiledIpRange(constraint.value);
    if (range && ipInRange(address, range)) return true;
  }
  return false;
}

/**
 * Decides a request against a key's constraints: the ip group (if any) must admit the client
 * address AND the path group (if any) must admit method and path. `matched` is the first path rule
 * that matched, or null when the key has no path rules. An empty string counts as "not given"
 * for method, path and ip, so a constrained key with none of them is refused. `regexSuspended`
 * makes every regex rule match nothing (a key whose rules recently ran over the time budget);
 * `meter` receives the time regex matches took; `regexBudgetMs` replaces REGEX_BUDGET_MS (the
 * process-wide budget lowers it while it is short, regex-suspension.ts).
 */
export function evaluateConstraints(
  constraints: readonly KeyConstraint[],
  request: ConstraintRequest,
  options: { regexSuspended?: boolean; meter?: RegexMeter; regexBudgetMs?: number } = {},
): ConstraintDecision {
  if (constraints.length === 0) return { allowed: true, matched: null };

  let hasIpRules = false;
  let hasPathRules = false;
  for (const constraint of constraints) {
    if (constraint.type === "ip") hasIpRules = true;
    else hasPathRules = true;
  }
  if (hasIpRules && !addressAllowed(constraints, request.ip)) return { allowed: false };
  if (!hasPathRules) return { allowed: true, matched: null };

  // Not upper-cased: HTTP methods are case-sensitive, and stored rules hold the canonical names.
  const method = request.method || undefined;
  let path: string | undefined;
  if (request.path) {
    const normalized = normalizePath(request.path);
    if (normalized === null) return { allowed: false };
    path = normalized;
  }

  let problem: RegexProblem | undefined;
  let regexSpent = 0;
  for (const constraint of constraints) {
    if (constraint.type === "ip") continue;
    if (constraint.type === "verb") {
      // An empty set would otherwise mean "any method", and a verb rule exists only to restrict.
      if (constraint.methods.length > 0 && methodAllowed(constraint, method)) return { allowed: true, matched: constraint };
      continue;
    }
    if (path === undefined || !methodAllowed(constraint, method)) continue;
    if (constraint.type !== "regex") {
      if (literalPathMatches(constraint, path)) return { allowed: true, matched: constraint };
      continue;
    }
    if (path.length > MAX_REGEX_PATH_LENGTH) continue;
    if (options.regexSuspended) {
      problem = "regex_budget";
      continue;
    }
    // Compiling (once per pattern, then cached) and matching are timed apart: the budget judges
    // matching only, since a realistic key's first verification after a start compiles all its
    // patterns and would otherwise be refused (compile time goes to the process-wide budget,
    // regex-suspension.ts). One match cannot be interrupted, but the limits on patterns and paths
    // bound it, and the budget bounds the sum over a key's rules.
    const started = performance.now();
    const regex = compiledRegex(constraint.value.trim());
    const compiled = performance.now();
    const hit = regex !== null && regex.testExact(path);
    const took = performance.now() - compiled;
    if (options.meter) {
      options.meter.compileMs += compiled - started;
      options.meter.ms += took;
    }
    if (hit) return { allowed: true, matched: constraint };
    if (regex === null) problem = "regex_unusable";
    regexSpent += took;
    if (regexSpent > (options.regexBudgetMs ?? REGEX_BUDGET_MS)) return { allowed: false, problem: "regex_budget" };
  }
  return problem ? { allowed: false, problem } : { allowed: false };
}

/**
 * The canonical form stored and compared: path values normalized (falling back to the trimmed
 * text when they do not normalize, so invalid values never compare equal to valid ones),
 * regex trimmed, verb value emptied, ip ranges in canonical text (`::ffff:10.0.0.0/104` →
 * `10.0.0.0/8`) without methods, methods upper-cased/de-duplicated/ordered.
 */
export function canonicalConstraint(constraint: KeyConstraint): KeyConstraint {
  const methods = normalizeMethods(constraint.methods);
  switch (constraint.type) {
    case "exact":
    case "prefix":
      return {
        type: constraint.type,
        value: normalizeConstraintPath(constraint.value) ?? constraint.value.trim(),
        methods,
      };
    case "regex":
      return { type: "regex", value: constraint.value.trim(), methods };
    case "verb":
      return { type: "verb", value: "", methods };
    case "ip":
      // Address rules take no methods; an invalid value keeps its text, as for paths above.
      return { type: "ip", value: canonicalIpRange(constraint.value) ?? constraint.value.trim(), methods: [] };
  }
}

function constraintKey(constraint: KeyConstraint): string {
  const canonical = canonicalConstraint(constraint);
  return JSON.stringify([canonical.type, canonical.value, canonical.methods]);
}

/**
 * Set equality after canonicalization: order-insensitive, duplicates collapse. Comparison is
 * syntactic, so `exact /a` and `regex /a` differ even though they admit the same requests;
 * that only ever errs towards refusing.
 */
export function sameConstraintSet(a: readonly KeyConstraint[], b: readonly KeyConstraint[]): boolean {
  const left = new Set(a.map(constraintKey));
  const right = new Set(b.map(constraintKey));
  if (left.size !== right.size) return false;
  for (const key of left) {
    if (!right.has(key)) return false;
  }
  return true;
}
