// Regex rules that cost too much at verification (constraint-regex.ts). A key has its regex rules
// suspended for REGEX_SUSPEND_MS (doubling while it keeps happening, up to 10 minutes) when they ran over the per-request budget, or when its slow
// requests (regex time over SLOW_MATCH_MS; realistic patterns take microseconds) add up to more
// than SLOW_QUOTA_MS within SLOW_WINDOW_MS: a pattern just under the budget, requested in a
// flood, would otherwise cost the event loop tens of milliseconds per request. While suspended,
// its requests are refused at once. Each key with a regex problem is logged once per process (by
// public id, never a secret or a path).
import { REGEX_SUSPEND_MS } from "@/lib/keys/constraint-regex";
import type { RegexProblem } from "@/lib/keys/constraints";

/** A request whose regex matches took longer than this counts towards the key's quota. */
export const SLOW_MATCH_MS = 2;
const SLOW_WINDOW_MS = 10_000;
/** Slow regex time one key may take within the window before its regex rules are suspended. */
export const SLOW_QUOTA_MS = 50;
/** Per key: when its current window started and the slow regex time spent in it. */
const slowSpent = new Map<string, { since: number; ms: number }>();

/** Keys whose regex rules ran over the time budget, until when they stay suspended. */
const suspendedRegex = new Map<string, number>();
/**
 * Suspensions in a row per key: each one lasts twice as long as the last (up to MAX_SUSPEND_MS),
 * so that costly keys do not all come back at once every REGEX_SUSPEND_MS. Forgotten after
 * MAX_SUSPEND_MS without trouble.
 */
const strikes = new Map<string, { count: number; at: number }>();
const MAX_SUSPEND_MS = 10 * 60_000;
/** Keys already logged for a regex problem: once per key and process, not once per request. */
const loggedRegex = new Set<string>();
const MAX_TRACKED_KEYS = 10_000;

export function regexSuspended(keyId: string, now: number): boolean {
  // Nearly always empty: verifications of keys without trouble pay one size check.
  if (suspendedRegex.size === 0) return false;
  const until = suspendedRegex.get(keyId);
  if (until === undefined) return false;
  if (until > now) return true;
  suspendedRegex.delete(keyId);
  return false;
}

/**
 * Charges a request's regex time to its key; true when that used up the key's quota for slow
 * matches (its regex rules are then suspended, and the caller should note the problem).
 */
export function chargeRegexTime(keyId: string, ms: number, now: number): boolean {
  if (ms <= SLOW_MATCH_MS) return false;
  let spent = slowSpent.get(keyId);
  if (!spent || now - spent.since > SLOW_WINDOW_MS) {
    if (slowSpent.size >= MAX_TRACKED_KEYS) slowSpent.clear();
    spent = { since: now, ms: 0 };
    slowSpent.set(keyId, spent);
  }
  spent.ms += ms;
  if (spent.ms <= SLOW_QUOTA_MS) return false;
  slowSpent.delete(keyId);
  return true;
}

/** A regex rule that costs too much: suspend the key's regex rules (budget) and log once. */
export function noteRegexProblem(keyId: string, publicId: string, problem: RegexProblem, now: number): void {
  if (problem === "regex_budget" && !suspendedRegex.has(keyId)) {
    if (suspendedRegex.size >= MAX_TRACKED_KEYS) suspendedRegex.clear();
    if (strikes.size >= MAX_TRACKED_KEYS) strikes.clear();
    const last = strikes.get(keyId);
    const count = last && now - last.at < MAX_SUSPEND_MS + REGEX_SUSPEND_MS * 2 ** last.count ? last.count + 1 : 0;
    strikes.set(keyId, { count, at: now });
    suspendedRegex.set(keyId, now + Math.min(MAX_SUSPEND_MS, REGEX_SUSPEND_MS * 2 ** count));
  }
  if (loggedRegex.has(keyId) || loggedRegex.size >= MAX_TRACKED_KEYS) return;
  loggedRegex.add(keyId);
  const why =
    problem === "regex_budget"
      ? `its regex rules took longer than their time budget; they refuse every request for ${REGEX_SUSPEND_MS / 1000} s, twice as long each time it happens again`
      : "a stored regex rule is over the cost limits and matches nothing; edit the key's constraints";
  console.error(`[keydesk] key ${publicId}: ${why} (answering FORBIDDEN)`);
}
