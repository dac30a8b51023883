// Verification of a presented secret for a project: the request's fields (verify-request.ts), the
// project from the in-memory project table (project-table.ts), format and checksum (no database),
// the key's state through the cache (key-cache.ts), then expiry against the clock, the enabled
// flag and the key's constraints. A hash the membership index (key-index.ts) does not hold is
// NOT_FOUND without the database, so made-up keys never reach it. Framework-free, so the lean
// HTTP handler in server/ can use it outside Next.
//
// Decisions:
// - Verification is scoped to the project that asks. A key of another project answers exactly
//   what an unknown key does, `{ valid: false, code: "NOT_FOUND" }` with no key details, after
//   the same lookup: whether a secret exists elsewhere must not leak across projects. This holds
//   for the built-in Keydesk API project too: its management keys verify only when `project`
//   names it.
// - `project` naming no project is a 422 `unknown_project` (the integration is misconfigured,
//   every request would fail); an archived project answers NOT_FOUND for every key (its keys are
//   withdrawn; nothing about them is told).
// - Order: request shape (422) → project (422 unknown_project, or NOT_FOUND if archived) →
//   secret format (MALFORMED) → key state. So a misconfigured project shows up at once, even
//   while testing with made-up keys.
// - Precedence among known keys of the project: REVOKED > EXPIRED > DISABLED > FORBIDDEN >
//   RATE_LIMITED > USAGE_EXCEEDED. Usage limits (lib/keys/limits) are consulted only for a request
//   that passes everything else, and a denied request takes nothing from them.
// - Every answer about a key with limits carries their state (`ratelimits`, `credits`), denials
//   for other reasons too, so the calling API can send RateLimit headers whatever happened.
// - lastUsedAt means the last successful use (VALID only); every known-key outcome is counted
//   per day (lib/keys/usage.ts). MALFORMED and NOT_FOUND (also another project's key) are not
//   counted: for the asking project there is no key.
// - Every answer about a key of the asking project is pushed into the request trail's buffer
//   (lib/trail/buffer.ts: a few array stores, no I/O, never blocks); MALFORMED and NOT_FOUND
//   are counted for the asking project, and logged without a key if the project asks for it.
// - The secret is not trimmed: surrounding whitespace is MALFORMED, so integrations learn about
//   it instead of having it silently fixed in one place and failing elsewhere.
// - Known keys of the asking project report { id, name, projectId, externalId, metadata,
//   expiresAt } also when denied: the caller holds the secret, so this reveals nothing they could
//   not see in the dashboard's key list. `externalId` is null and `metadata` is {} when unset.
// - A canary key answers exactly what an unknown key answers (the same object), counts no usage,
//   and has its use noted for the alert without waiting for anything (lib/keys/canary.ts). It is
//   checked before the project: a canary presented anywhere means it was read where it lay.
import { noteCanaryUse } from "@/lib/keys/canary";
import { evaluateConstraints, type KeyConstraint } from "@/lib/keys/constraints";
import { invalidateKeyHash, lookupKey, peekKey, type CachedKey } from "@/lib/keys/key-cache";
import { keyMembership } from "@/lib/keys/key-index";
import { limiter } from "@/lib/keys/limits/runtime";
import type { LimitResult, LimitsState } from "@/lib/keys/limits/types";
import { resolveProjectNowOrLater, type ProjectEntry, type ProjectResolution } from "@/lib/keys/project-table";
import { hashSecret, parseSecret } from "@/lib/keys/secret";
import { regexSuspension } from "@/lib/keys/regex-suspension";
import { recordUsage, type UsageOutcome } from "@/lib/keys/usage";
import { parseVerifyRequest, type VerifyInput, type VerifyRequest } from "@/lib/keys/verify-request";
import { countTrailOutcome, pushTrailEvent } from "@/lib/trail/buffer";

export type { VerifyInput, VerifyRequest };

export type VerifyCode =
  | "VALID"
  | "MALFORMED"
  | "NOT_FOUND"
  | "REVOKED"
  | "EXPIRED"
  | "DISABLED"
  | "FORBIDDEN"
  | "RATE_LIMITED"
  | "USAGE_EXCEEDED";

export interface VerifiedKey {
  /** The key's public id ("Sid", key_…). */
  id: string;
  name: string;
  projectId: string;
  /** The owner the key was issued to, or null. */
  externalId: string | null;
  /** The key's JSON object, {} when none was set. */
  metadata: Readonly<Record<string, unknown>>;
  /** ISO 8601, or null for a key that never expires. */
  expiresAt: string | null;
}

export interface VerifyResponse extends LimitsState {
  valid: boolean;
  code: VerifyCode;
  key?: VerifiedKey;
  /** On VALID only: the path/verb constraint that allowed the request, null when none applies. */
  matchedConstraint?: KeyConstraint | null;
}

export interface VerifyErrorBody {
  error: { code: string; message: string };
}

export type VerifyResult =
  | { status: 200; body: VerifyResponse }
  /** The database could not be asked and the key (or the project table) was not cached: fail closed. */
  | { status: 503; body: { valid: false; code: "UNAVAILABLE" } }
  | { status: 422; body: VerifyErrorBody };

/** Who is asking, for canary alerts only: the verifying service's address. */
export interface VerifyCaller {
  remoteAddress?: string | null;
}

function invalidRequest(message: string): VerifyResult {
  return { status: 422, body: { error: { code: "invalid_request", message } } };
}

/** Shared answers are frozen: code that wants to add to an answer must copy it, not change all of them. */
function constant<T extends VerifyResult>(result: T): T {
  Object.freeze(result.body);
  return Object.freeze(result);
}

const UNKNOWN_PROJECT = constant({
  status: 422,
  body: {
    error: Object.freeze({
      code: "unknown_project",
      message: 'No project has the slug or id given in "project". Use a slug from Admin → Projects (e.g. "default") or a project id.',
    }),
  },
});
/** One body for every "no such key here": unknown key, another project's key, archived project. */
const NOT_FOUND = constant({ status: 200, body: { valid: false, code: "NOT_FOUND" } });
const MALFORMED = constant({ status: 200, body: { valid: false, code: "MALFORMED" } });
// Deliberately no details: the caller only needs to know to retry; the cause is the database,
// which the server's own logs and health checks report.
const UNAVAILABLE = constant({ status: 503, body: { valid: false, code: "UNAVAILABLE" } });
const unavailable = (): VerifyResult => UNAVAILABLE;

/** Built once per cached key (entries are immutable; a change replaces the entry). */
const publicKeys = new WeakMap<CachedKey, VerifiedKey>();

function publicKey(key: CachedKey): VerifiedKey {
  let view = publicKeys.get(key);
  if (!view) {
    view = {
      id: key.publicId,
      name: key.name,
      projectId: key.projectId,
      externalId: key.externalId,
      metadata: key.metadata,
      expiresAt: key.expiresAt === null ? null : new Date(key.expiresAt).toISOString(),
    };
    publicKeys.set(key, view);
  }
  return view;
}

/** One verification of a key of the asking project, into the request trail. */
function trail(key: CachedKey, code: VerifyCode, request: VerifyRequest, now: Date, matched: KeyConstraint | null): void {
  pushTrailEvent(now.getTime(), key.projectId, key.id, code, request.method, request.path, request.ip, request.userAgent, request.requestId, matched);
}

/** A verification with no key of the asking project: counted, and logged if the project wants it. */
function unknown(result: typeof NOT_FOUND | typeof MALFORMED, project: ProjectEntry, request: VerifyRequest, now: Date): VerifyResult {
  const code = result.body.code;
  countTrailOutcome(project.id, code, now.getTime());
  if (project.logUnknownKeys) pushTrailEvent(now.getTime(), project.id, null, code, request.method, request.path, request.ip, request.userAgent, request.requestId, null);
  return result;
}

type Denial = Exclude<UsageOutcome, "VALID">;


/** The answer for a known key, with the state of its limits when it has any. */
function answer(body: VerifyResponse, limits: LimitsState | null): VerifyResult {
  return { status: 200, body: limits ? { ...body, ...limits } : body };
}

function deny(code: Denial, key: CachedKey, request: VerifyRequest, now: Date): VerifyResult | Promise<VerifyResult> {
  recordUsage(key.id, code, now);
  trail(key, code, request, now, null);
  const body: VerifyResponse = { valid: false, code, key: publicKey(key) };
  if (key.limits === null) return { status: 200, body };
  // Reading the state may need the database; if it cannot be read, the denial still stands.
  const state = limiter().peek(key.id, key.limits);
  return state instanceof Promise ? state.then((s) => answer(body, s), () => answer(body, null)) : answer(body, state);
}

/**
 * Verifies `input.key` for `input.project` and an optional method, path and client address.
 * `now` is the verification time (expiry is always judged against it, never against the time the
 * key was cached) and the time usage is counted under.
 */
export async function verifyKey(input: VerifyInput, now: Date = new Date(), caller: VerifyCaller = {}): Promise<VerifyResult> {
  return verifyKeyNowOrLater(input, now, caller);
}

/**
 * verifyKey for the hot path: the answer itself when it needs no database (bad request, project
 * from the table, malformed secret, cached key), so the HTTP handler can respond in the same
 * tick; a promise only when the project table or the key must be read.
 */
export function verifyKeyNowOrLater(input: VerifyInput, now: Date = new Date(), caller: VerifyCaller = {}): VerifyResult | Promise<VerifyResult> {
  const parsed = parseVerifyRequest(input);
  if (!parsed.ok) return invalidRequest(parsed.message);
  const request = parsed.request;
  const project = resolveProjectNowOrLater(request.project);
  if (project instanceof Promise) return project.then((resolved) => forProject(resolved, request, now, caller), unavailable);
  return forProject(project, request, now, caller);
}

function forProject(resolution: ProjectResolution, request: VerifyRequest, now: Date, caller: VerifyCaller): VerifyResult | Promise<VerifyResult> {
  if (!resolution.found) return UNKNOWN_PROJECT;
  const project = resolution.project;
  if (project.archived) return unknown(NOT_FOUND, project, request, now);

  const secret = parseSecret(request.key);
  if (!secret.ok) return unknown(MALFORMED, project, request, now);

  const hash = hashSecret(secret.secret);
  const cached = peekKey(hash);
  if (cached) return decide(cached, project, request, now, hash, 0, caller);
  // No key has this hash: answered from memory, whether or not the database is reachable.
  if (keyMembership(hash) === "absent") return unknown(NOT_FOUND, project, request, now);
  return lookupKey(hash).then((lookup) => decide(lookup.found ? lookup.key : null, project, request, now, hash, 0, caller), unavailable);
}

/** One meter for every verification: decisions are synchronous, so no two share it at once. */
const regexMeter = { ms: 0, compileMs: 0 };

/** Reloads a key whose limits changed under the request (the limiter said STALE) and decides again. */
const MAX_RELOADS = 2;

function decide(key: CachedKey | null, project: ProjectEntry, request: VerifyRequest, now: Date, hash: string, reloads: number, caller: VerifyCaller): VerifyResult | Promise<VerifyResult> {
  if (!key) return unknown(NOT_FOUND, project, request, now);
  if (key.canary) {
    noteCanaryUse(key.id, { method: request.method, path: request.path, ip: request.ip ?? caller.remoteAddress }, now);
    return unknown(NOT_FOUND, project, request, now);
  }
  // Another project's key is not a key of this one. The key's own view of its project is checked
  // too, in case the project table has not heard of an archive yet.
  if (key.projectId !== project.id || key.projectArchived) return unknown(NOT_FOUND, project, request, now);

  if (key.revokedAt !== null) return deny("REVOKED", key, request, now);
  if (key.expiresAt !== null && key.expiresAt <= now.getTime()) return deny("EXPIRED", key, request, now);
  if (!key.enabled) return deny("DISABLED", key, request, now);
  regexMeter.ms = 0;
  regexMeter.compileMs = 0;
  const decision = evaluateConstraints(
    key.constraints,
    { method: request.method, path: request.path, ip: request.ip },
    { regexSuspended: regexSuspension.suspended(key.id, now.getTime()), meter: regexMeter, regexBudgetMs: regexSuspension.budgetMs(key.id, now.getTime()) },
  );
  // The answer stands; a key whose slow matches add up (its own, or all keys' together) is
  // suspended for the requests after it.
  if ((regexMeter.ms > 0 || regexMeter.compileMs > 0) && regexSuspension.charge(key.id, regexMeter, now.getTime())) {
    regexSuspension.note(key.id, key.publicId, "regex_budget", now.getTime());
  }
  if (!decision.allowed) {
    if (decision.problem) regexSuspension.note(key.id, key.publicId, decision.problem, now.getTime());
    return deny("FORBIDDEN", key, request, now);
  }

  const matched = decision.matched && {
    type: decision.matched.type,
    value: decision.matched.value,
    methods: [...decision.matched.methods],
  };
  if (key.limits === null) {
    recordUsage(key.id, "VALID", now);
    trail(key, "VALID", request, now, decision.matched);
    return { status: 200, body: { valid: true, code: "VALID", key: publicKey(key), matchedConstraint: matched } };
  }

  const afterLimits = (result: LimitResult): VerifyResult | Promise<VerifyResult> => {
    switch (result.outcome) {
      case "STALE":
        // The database knows newer limits than the cached key: reload it and decide again.
        if (reloads >= MAX_RELOADS) return UNAVAILABLE;
        invalidateKeyHash(hash);
        return lookupKey(hash).then((fresh) => decide(fresh.found ? fresh.key : null, project, request, now, hash, reloads + 1, caller), unavailable);
      case "UNAVAILABLE":
        return UNAVAILABLE;
      case "VALID": {
        recordUsage(key.id, "VALID", now);
        trail(key, "VALID", request, now, decision.matched);
        const { outcome: _valid, ...state } = result;
        return answer({ valid: true, code: "VALID", key: publicKey(key), matchedConstraint: matched }, state);
      }
      default: {
        recordUsage(key.id, result.outcome, now);
        trail(key, result.outcome, request, now, null);
        const { outcome, ...state } = result;
        return answer({ valid: false, code: outcome, key: publicKey(key) }, state);
      }
    }
  };
  const limited = limiter().consume(key.id, key.limits, request.cost);
  return limited instanceof Promise ? limited.then(afterLimits, unavailable) : afterLimits(limited);
}
