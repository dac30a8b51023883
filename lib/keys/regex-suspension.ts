// Regex rules that cost too much at verification (constraint-regex.ts): a key whose rules ran over
// the time budget has them suspended for REGEX_SUSPEND_MS, so that a flood of requests to it is
// refused at once instead of each one costing the budget again; and each key with a regex problem
// is logged once per process (by public id, never a secret or a path).
import { REGEX_SUSPEND_MS } from "@/lib/keys/constraint-regex";
import type { RegexProblem } from "@/lib/keys/constraints";

/** Keys whose regex rules ran over the time budget, until when they stay suspended. */
const suspendedRegex = new Map<string, number>();
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

/** A regex rule that costs too much: suspend the key's regex rules (budget) and log once. */
export function noteRegexProblem(keyId: string, publicId: string, problem: RegexProblem, now: number): void {
  if (problem === "regex_budget" && !suspendedRegex.has(keyId)) {
    if (suspendedRegex.size >= MAX_TRACKED_KEYS) suspendedRegex.clear();
    suspendedRegex.set(keyId, now + REGEX_SUSPEND_MS);
  }
  if (loggedRegex.has(keyId) || loggedRegex.size >= MAX_TRACKED_KEYS) return;
  loggedRegex.add(keyId);
  const why =
    problem === "regex_budget"
      ? `its regex rules took longer than the time budget; they refuse every request for ${REGEX_SUSPEND_MS / 1000} s at a time`
      : "a stored regex rule is over the cost limits and matches nothing; edit the key's constraints";
  console.error(`[keydesk] key ${publicId}: ${why} (answering FORBIDDEN)`);
}
