// Regex constraints and what they may cost. RE2 (re2js) never backtracks, but one match still costs
// up to (path length) × (compiled program size) steps, all on the one event loop: a 52-character
// pattern of `[a-z/]{0,999}` four times compiles to ~8,000 instructions and took seconds per
// verification. So the cost is bounded three ways:
//
// 1. At creation (regexError, used by the zod schema the UI, REST and services share): counted
//    repetitions written out may add up to MAX_REGEX_EXPANSION, groups nest at most
//    MAX_REGEX_NESTING deep (both checked on the text, before compiling, since compiling a huge
//    expansion is itself slow), and the compiled program has at most MAX_REGEX_PROGRAM_SIZE
//    instructions.
// 2. At verification, the same check runs before a stored pattern is compiled, so a key stored
//    before these limits (or written to the database by hand) is bounded too: its pattern matches
//    nothing. Regexes see paths of at most MAX_REGEX_PATH_LENGTH characters; a longer path matches
//    no regex rule (prefix and exact rules still judge it, up to MAX_PATH_LENGTH).
// 3. A time budget per verification: the regex rules of one key together may take REGEX_BUDGET_MS;
//    when they take longer the request is refused (FORBIDDEN), whatever a later rule would say.
//    One match cannot be interrupted, but (1) and (2) bound it; the budget bounds their sum. A
//    small program can still be slow (`.*a.{30}` makes RE2's DFA build a state per character, tens
//    of milliseconds on 1 KiB), so a key that ran over the budget has its regex rules suspended for
//    REGEX_SUSPEND_MS (regex-suspension.ts): its requests are refused at once instead of each
//    costing as much. Slow requests under the budget are charged to the key's quota and to a
//    budget shared by all keys, so that many costly keys at once cannot stall the loop together.
// 4. Each program's lazy DFA gets DFA_MEMORY_BYTES instead of re2js's 8 MiB: a pattern whose DFA
//    would need a new state per character then gives up on the DFA within a few states and runs
//    on the bounded backtracker or NFA, which costs ~0.1 ms on 1 KiB where building the DFA cost
//    10–200 ms. Patterns with small DFAs (nearly all real ones) never notice.
//
// This module is also imported by the constraints editor in the browser: no Node APIs here.
import { RE2JS } from "re2js";

/** Counted repetitions (`{n,m}`) written out, nested ones multiplied: `(a{10}){5}` is 55 parts (a group counts one beside its content). */
export const MAX_REGEX_EXPANSION = 400;
export const MAX_REGEX_NESTING = 10;
export const MAX_REGEX_PROGRAM_SIZE = 200;
/** Longest path (in UTF-16 code units, query excluded) a regex rule is matched against. */
export const MAX_REGEX_PATH_LENGTH = 1024;
/**
 * What the regex rules of one key may take per verification, together (matching; compiling is
 * not counted). 20 verifications in parallel queue behind each other on the one event loop, so
 * 20 × 5 ms keeps the last of them near 100 ms; realistic rules take microseconds.
 */
export const REGEX_BUDGET_MS = 5;
/** The lazy DFA's memory per pattern (re2js defaults to 8 MiB, which lets hostile patterns build thousands of states). */
export const DFA_MEMORY_BYTES = 16 * 1024;
/** How long a key's regex rules stay suspended (refusing) after they ran over the budget. */
export const REGEX_SUSPEND_MS = 10_000;

const REPEAT = /^\{(\d{1,4})(,(\d{0,4}))?\}/;

/** Index just past the character class that starts at `start` (a `[`), or the text's end. */
function classEnd(pattern: string, start: number): number {
  let i = start + 1;
  if (pattern[i] === "^") i += 1;
  // A `]` right after `[` or `[^` is a literal.
  if (pattern[i] === "]") i += 1;
  while (i < pattern.length && pattern[i] !== "]") {
    if (pattern[i] === "\\") i += 2;
    else if (pattern.startsWith("[:", i)) {
      const close = pattern.indexOf(":]", i + 2);
      i = close === -1 ? i + 1 : close + 2;
    } else i += 1;
  }
  return i + 1;
}

/** Index just past the escape that starts at `start` (a backslash). */
function escapeEnd(pattern: string, start: number): number {
  const next = pattern[start + 1];
  if ((next === "p" || next === "P" || next === "x") && pattern[start + 2] === "{") {
    const close = pattern.indexOf("}", start + 3);
    return close === -1 ? pattern.length : close + 1;
  }
  if (next === "p" || next === "P") return start + 3;
  if (next === "x") return start + 4;
  return start + 2;
}

export interface RegexShape {
  /** The pattern's size with counted repetitions written out. */
  expansion: number;
  /** Deepest group nesting. */
  nesting: number;
}

/**
 * The size of `pattern` with every `{n,m}` written out, read from the text alone. It errs high
 * (a literal `{1,5}` counts as a repetition, alternatives add up), which can only refuse more.
 * Structure counts too — a group one part beside its content, each `|`, `*`, `+` and `?` one —
 * because it compiles to instructions of its own: `((a)*|){0,13}` is 13 letters but over 120
 * instructions, and counting it as 13 would let nested empty groups grow a program unseen.
 */
export function regexShape(pattern: string): RegexShape {
  // One frame per open group: its size so far, and the size of its last atom (what a repeat repeats).
  const frames: { size: number; last: number }[] = [{ size: 0, last: 0 }];
  let nesting = 0;
  let i = 0;
  const atom = (size: number) => {
    const frame = frames[frames.length - 1] as { size: number; last: number };
    frame.size += size;
    frame.last = size;
  };
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === "\\" && pattern[i + 1] === "Q") {
      const close = pattern.indexOf("\\E", i + 2);
      const end = close === -1 ? pattern.length : close;
      for (let j = i + 2; j < end; j++) atom(1);
      i = close === -1 ? end : end + 2;
    } else if (c === "\\") {
      atom(1);
      i = escapeEnd(pattern, i);
    } else if (c === "[") {
      atom(1);
      i = classEnd(pattern, i);
    } else if (c === "(") {
      frames.push({ size: 0, last: 0 });
      nesting = Math.max(nesting, frames.length - 1);
      i += 1;
    } else if (c === ")") {
      const closed = frames.length > 1 ? (frames.pop() as { size: number }) : { size: 0 };
      atom(closed.size + 1);
      i += 1;
    } else if (c === "|") {
      const frame = frames[frames.length - 1] as { size: number; last: number };
      frame.size += 1;
      frame.last = 0;
      i += 1;
    } else if (c === "{" && REPEAT.test(pattern.slice(i, i + 12))) {
      const [text, min, comma, max] = REPEAT.exec(pattern.slice(i, i + 12)) as RegExpExecArray;
      const n = Number(min);
      const count = comma === undefined ? n : max === "" || max === undefined ? n + 1 : Math.max(n, Number(max));
      const frame = frames[frames.length - 1] as { size: number; last: number };
      frame.size += frame.last * (Math.max(1, count) - 1);
      frame.last *= Math.max(1, count);
      i += text.length;
    } else if (c === "*" || c === "+" || c === "?") {
      const frame = frames[frames.length - 1] as { size: number; last: number };
      frame.size += 1;
      frame.last += 1;
      i += 1;
    } else {
      atom(1);
      i += 1;
    }
  }
  let expansion = 0;
  for (const frame of frames) expansion += frame.size;
  return { expansion, nesting };
}

type Re2 = RE2JS["re2Input"];
type DfaConstructor = new (prog: Re2["prog"], maxMem: number) => Re2["lazyDFA"];

/**
 * Replaces the program's lazy DFA with one of DFA_MEMORY_BYTES. re2js does not expose the DFA's
 * memory as an option; its class is reached through the instance the program creates. Checked by
 * constraint-regex.test.ts, so an re2js upgrade that moves it is noticed.
 */
function limitDfaMemory(regex: RE2JS): void {
  const re2 = regex.re2Input;
  const Dfa = Object.getPrototypeOf(re2.dfa).constructor as DfaConstructor;
  re2.lazyDFA = new Dfa(re2.prog, DFA_MEMORY_BYTES);
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

type Checked = { ok: true; regex: RE2JS } | { ok: false; message: string };

/** Syntax and cost of a pattern; on success the anchored program verification runs. */
function checkPattern(pattern: string): Checked {
  const shape = regexShape(pattern);
  if (shape.nesting > MAX_REGEX_NESTING) {
    return { ok: false, message: `Pattern nests groups ${shape.nesting} deep; at most ${MAX_REGEX_NESTING} levels are allowed` };
  }
  if (shape.expansion > MAX_REGEX_EXPANSION) {
    return {
      ok: false,
      message: `Pattern is too costly to match: its {n,m} repetitions written out make ${shape.expansion} parts (at most ${MAX_REGEX_EXPANSION}). Use + or * instead of large counts`,
    };
  }
  try {
    // Checked on its own first so that `a)|(b` cannot slip through as `^(?:a)|(b)$`.
    RE2JS.compile(pattern);
    const regex = RE2JS.compile(`^(?:${pattern})$`);
    const size = regex.programSize();
    if (size > MAX_REGEX_PROGRAM_SIZE) {
      return {
        ok: false,
        message: `Pattern is too costly to match: it compiles to ${size} instructions (at most ${MAX_REGEX_PROGRAM_SIZE}). Use fewer alternatives, smaller {n,m} counts, or a prefix rule`,
      };
    }
    limitDfaMemory(regex);
    return { ok: true, regex };
  } catch (error) {
    return { ok: false, message: `Invalid regular expression: ${errorMessage(error)}` };
  }
}

/** Null when `pattern` is a valid RE2 expression within the cost limits, otherwise why not. */
export function regexError(pattern: string): string | null {
  const checked = checkPattern(pattern);
  return checked.ok ? null : checked.message;
}

/** Bounded cache of compiled patterns; null records a pattern that is invalid or too costly. */
const REGEX_CACHE_LIMIT = 1000;
const regexCache = new Map<string, RE2JS | null>();

/** The anchored program for a stored pattern, or null when it must match nothing. */
export function compiledRegex(pattern: string): RE2JS | null {
  const cached = regexCache.get(pattern);
  if (cached !== undefined) {
    // Re-inserting moves the entry to the end of the Map's iteration order (most recent).
    regexCache.delete(pattern);
    regexCache.set(pattern, cached);
    return cached;
  }
  const checked = checkPattern(pattern);
  const compiled = checked.ok ? checked.regex : null;
  if (regexCache.size >= REGEX_CACHE_LIMIT) {
    const oldest = regexCache.keys().next();
    if (!oldest.done) regexCache.delete(oldest.value);
  }
  regexCache.set(pattern, compiled);
  return compiled;
}

/** Exposed for tests of the cache bound. */
export function regexCacheSize(): number {
  return regexCache.size;
}
