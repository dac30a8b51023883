// Verification of a presented secret: format and checksum first (no database), then the key's
// state through the cache (lib/keys/key-cache.ts), then expiry against the clock and the key's
// constraints. Framework-free, so the lean HTTP handler in server/ can use it outside Next.
//
// Decisions:
// - A key whose project is archived answers REVOKED: archiving a project withdraws its keys, and
//   NOT_FOUND would wrongly suggest a typo to whoever debugs the integration.
// - Precedence when several apply: REVOKED (incl. archived project) > EXPIRED > FORBIDDEN.
// - lastUsedAt means the last successful use (VALID only); every known-key outcome is counted
//   per day (lib/keys/usage.ts). MALFORMED and NOT_FOUND are not counted: there is no key.
// - The secret is not trimmed: surrounding whitespace is MALFORMED, so integrations learn about
//   it instead of having it silently fixed in one place and failing elsewhere.
// - Known keys report { id, name, projectId, expiresAt } also when denied: the caller holds the
//   secret, so this reveals nothing they could not see in the dashboard's key list.
import { evaluateConstraints, type KeyConstraint } from "@/lib/keys/constraints";
import { lookupKey, peekKey, type CachedKey, type KeyLookup } from "@/lib/keys/key-cache";
import { hashSecret, parseSecret } from "@/lib/keys/secret";
import { recordUsage } from "@/lib/keys/usage";

export type VerifyCode = "VALID" | "MALFORMED" | "NOT_FOUND" | "REVOKED" | "EXPIRED" | "FORBIDDEN";

export interface VerifiedKey {
  /** The key's public id ("Sid", key_…). */
  id: string;
  name: string;
  projectId: string;
  /** ISO 8601, or null for a key that never expires. */
  expiresAt: string | null;
}

export interface VerifyResponse {
  valid: boolean;
  code: VerifyCode;
  key?: VerifiedKey;
  /** On VALID only: the constraint that allowed the request, null for an unrestricted key. */
  matchedConstraint?: KeyConstraint | null;
}

export interface VerifyErrorBody {
  error: { code: string; message: string };
}

export type VerifyResult =
  | { status: 200; body: VerifyResponse }
  /** The database could not be asked and the key was not cached: fail closed. */
  | { status: 503; body: { valid: false; code: "UNAVAILABLE" } }
  | { status: 422; body: VerifyErrorBody };

export interface VerifyInput {
  key: unknown;
  method?: unknown;
  path?: unknown;
}

function invalidRequest(message: string): VerifyResult {
  return { status: 422, body: { error: { code: "invalid_request", message } } };
}

/** Optional text fields: absent or null means "not given"; anything else must be a string. */
function optionalText(value: unknown): { ok: true; value: string | undefined } | { ok: false } {
  if (value === undefined || value === null) return { ok: true, value: undefined };
  return typeof value === "string" ? { ok: true, value } : { ok: false };
}

/** Built once per cached key (entries are immutable; a change replaces the entry). */
const publicKeys = new WeakMap<CachedKey, VerifiedKey>();

function publicKey(key: CachedKey): VerifiedKey {
  let view = publicKeys.get(key);
  if (!view) {
    view = {
      id: key.publicId,
      name: key.name,
      projectId: key.projectId,
      expiresAt: key.expiresAt === null ? null : new Date(key.expiresAt).toISOString(),
    };
    publicKeys.set(key, view);
  }
  return view;
}

function deny(code: "REVOKED" | "EXPIRED" | "FORBIDDEN", key: CachedKey, now: Date): VerifyResult {
  recordUsage(key.id, code, now);
  return { status: 200, body: { valid: false, code, key: publicKey(key) } };
}

/**
 * Verifies `input.key` for an optional method and path. `now` is the verification time (expiry
 * is always judged against it, never against the time the key was cached) and the time usage is
 * counted under.
 */
export async function verifyKey(input: VerifyInput, now: Date = new Date()): Promise<VerifyResult> {
  return verifyKeyNowOrLater(input, now);
}

/**
 * verifyKey for the hot path: the answer itself when it needs no database (bad request,
 * malformed secret, cached key), so the HTTP handler can respond in the same tick; a promise only
 * for a cache miss.
 */
export function verifyKeyNowOrLater(input: VerifyInput, now: Date = new Date()): VerifyResult | Promise<VerifyResult> {
  if (input.key === undefined || input.key === null) return invalidRequest('"key" is required');
  if (typeof input.key !== "string") return invalidRequest('"key" must be a string');
  const method = optionalText(input.method);
  if (!method.ok) return invalidRequest('"method" must be a string');
  const path = optionalText(input.path);
  if (!path.ok) return invalidRequest('"path" must be a string');

  const parsed = parseSecret(input.key);
  if (!parsed.ok) return { status: 200, body: { valid: false, code: "MALFORMED" } };

  const hash = hashSecret(parsed.secret);
  const cached = peekKey(hash);
  if (cached) return decide(cached, method.value, path.value, now);
  return lookupKey(hash).then(
    (lookup) => decide(lookup, method.value, path.value, now),
    // Deliberately no details: the caller only needs to know to retry; the cause is the
    // database, which the server's own logs and health checks report.
    (): VerifyResult => ({ status: 503, body: { valid: false, code: "UNAVAILABLE" } }),
  );
}

function decide(lookup: KeyLookup, method: string | undefined, path: string | undefined, now: Date): VerifyResult {
  if (!lookup.found) return { status: 200, body: { valid: false, code: "NOT_FOUND" } };

  const key = lookup.key;
  if (key.revokedAt !== null || key.projectArchived) return deny("REVOKED", key, now);
  if (key.expiresAt !== null && key.expiresAt <= now.getTime()) return deny("EXPIRED", key, now);
  const decision = evaluateConstraints(key.constraints, { method, path });
  if (!decision.allowed) return deny("FORBIDDEN", key, now);

  recordUsage(key.id, "VALID", now);
  const matched = decision.matched && {
    type: decision.matched.type,
    value: decision.matched.value,
    methods: [...decision.matched.methods],
  };
  return { status: 200, body: { valid: true, code: "VALID", key: publicKey(key), matchedConstraint: matched } };
}
