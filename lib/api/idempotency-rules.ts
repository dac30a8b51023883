// What an `Idempotency-Key` header may be and how long it counts (Stripe's rules). Framework-free:
// the document generator shares these numbers with the store (lib/api/idempotency.ts).
import { createHash } from "node:crypto";
import { canonicalJson } from "@/lib/audit";

export const IDEMPOTENCY_HEADER = "idempotency-key";
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;
/** A key and its stored answer are kept this long after the first request. */
export const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;
/**
 * How long an executing request holds its key. A holder that crashed loses it after this; one
 * that is merely slow cannot commit once another took over (the write's transaction checks).
 */
export const IDEMPOTENCY_LEASE_MS = 60_000;

const VISIBLE_ASCII = /^[\x21-\x7e]+$/;

export type IdempotencyKeyHeader = { ok: true; key: string | null } | { ok: false; message: string };

export function parseIdempotencyKey(value: string | null): IdempotencyKeyHeader {
  if (value === null) return { ok: true, key: null };
  if (value.length === 0 || value.length > IDEMPOTENCY_KEY_MAX_LENGTH || !VISIBLE_ASCII.test(value)) {
    return { ok: false, message: `Idempotency-Key must be 1–${IDEMPOTENCY_KEY_MAX_LENGTH} visible ASCII characters (a UUID, say).` };
  }
  return { ok: true, key: value };
}

/** The same request: the same method, path and body (key order and whitespace aside). */
export function requestFingerprint(method: string, pathname: string, body: unknown): string {
  return createHash("sha256").update(canonicalJson([method.toUpperCase(), pathname, body ?? null])).digest("hex");
}
