import "server-only";
// Stripe's idempotency for POST and DELETE: the first request with an `Idempotency-Key` executes
// and its answer (status and body) is stored; a retry of the same request with the same key gets
// that answer again; the same key with a different request is refused (422); while the first is
// still executing, others get 409. Keys are scoped to the management key and expire after 24 h.
//
// The stored body is encrypted (AES-256-GCM, bound to its row) because a create's answer holds
// the new secret. Nothing here logs a body.
//
// Crash safety: the executing request holds a lease. The write's own transaction marks the row
// executed (through RequestContext.onWrite, which recordAudit runs) and fails when the lease was
// lost, so a retry that takes over an abandoned row never repeats a committed write.
import { createCipheriv, createDecipheriv, randomBytes, randomUUID } from "node:crypto";
import type { RequestContext } from "@/lib/audit";
import { db, type Tx } from "@/lib/db";
import { ApiError } from "@/lib/api/errors";
import { idempotencyKeyBytes } from "@/lib/api/idempotency-secret";
import { IDEMPOTENCY_LEASE_MS, IDEMPOTENCY_TTL_MS } from "@/lib/api/idempotency-rules";

const FORMAT_VERSION = 1;
const SWEEP_INTERVAL_MS = 60_000;
let lastSweep = 0;

export interface StoredAnswer {
  status: number;
  body: unknown;
}

export type IdempotencyClaim =
  | { kind: "execute"; id: string; token: string }
  | { kind: "replay"; answer: StoredAnswer };

interface Row {
  id: string;
  fingerprint: string;
  lockedUntil: Date | null;
  executed: boolean;
  responseStatus: number | null;
  responseBody: Uint8Array | null;
  expiresAt: Date;
  now: Date;
}

function encrypt(rowId: string, body: unknown): Buffer {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", idempotencyKeyBytes(), iv);
  cipher.setAAD(Buffer.from(rowId));
  const ciphertext = Buffer.concat([cipher.update(JSON.stringify(body), "utf8"), cipher.final()]);
  return Buffer.concat([Buffer.from([FORMAT_VERSION]), iv, cipher.getAuthTag(), ciphertext]);
}

function decrypt(rowId: string, stored: Uint8Array): unknown {
  const data = Buffer.from(stored);
  if (data[0] !== FORMAT_VERSION) throw new Error("unknown format");
  const decipher = createDecipheriv("aes-256-gcm", idempotencyKeyBytes(), data.subarray(1, 13));
  decipher.setAAD(Buffer.from(rowId));
  decipher.setAuthTag(data.subarray(13, 29));
  return JSON.parse(Buffer.concat([decipher.update(data.subarray(29)), decipher.final()]).toString("utf8"));
}

const inUse = () =>
  new ApiError(409, "idempotency_key_in_use", "A request with this Idempotency-Key is still being processed. Retry after it has finished.");
const unavailable = () =>
  new ApiError(
    409,
    "idempotency_key_in_use",
    "The first request with this Idempotency-Key completed, but its answer could not be stored or read back. Look the result up instead of retrying, or use a new key.",
  );

/** Deletes expired rows now and then; expired rows are ignored (and replaced) anyway. */
async function sweep(): Promise<void> {
  if (Date.now() - lastSweep < SWEEP_INTERVAL_MS) return;
  lastSweep = Date.now();
  await db.$executeRaw`
    DELETE FROM "IdempotencyKey" WHERE "id" IN (
      SELECT "id" FROM "IdempotencyKey" WHERE "expiresAt" <= now() LIMIT 1000)`;
}

/** Claims `key` for this request, or says why not: replay, mismatch (422), in use (409). */
export async function claimIdempotencyKey(managementKeyId: string, key: string, fingerprint: string): Promise<IdempotencyClaim> {
  await sweep().catch(() => undefined);
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const token = randomUUID();
    const inserted = await db.$queryRaw<{ id: string }[]>`
      INSERT INTO "IdempotencyKey" ("managementKeyId", "key", "fingerprint", "lockToken", "lockedUntil", "expiresAt")
      VALUES (${managementKeyId}::uuid, ${key}, ${fingerprint}, ${token}::uuid,
              now() + ${IDEMPOTENCY_LEASE_MS} * interval '1 millisecond', now() + ${IDEMPOTENCY_TTL_MS} * interval '1 millisecond')
      ON CONFLICT ("managementKeyId", "key") DO NOTHING
      RETURNING "id"`;
    if (inserted[0]) return { kind: "execute", id: inserted[0].id, token };

    const [row] = await db.$queryRaw<Row[]>`
      SELECT "id", "fingerprint", "lockedUntil", "executed", "responseStatus", "responseBody", "expiresAt", now() AS "now"
      FROM "IdempotencyKey" WHERE "managementKeyId" = ${managementKeyId}::uuid AND "key" = ${key}`;
    if (!row) continue; // expired and swept in between: claim it afresh
    if (row.expiresAt <= row.now) {
      await db.$executeRaw`DELETE FROM "IdempotencyKey" WHERE "id" = ${row.id}::uuid AND "expiresAt" <= now()`;
      continue;
    }
    if (row.fingerprint !== fingerprint) {
      throw new ApiError(
        422,
        "idempotency_key_mismatch",
        "This Idempotency-Key was already used for a different request (another method, path or body). Use a new key for a new request.",
        { "Idempotency-Key": ["already used for a different request"] },
      );
    }
    if (row.responseStatus !== null && row.responseBody !== null) {
      try {
        return { kind: "replay", answer: { status: row.responseStatus, body: decrypt(row.id, row.responseBody) } };
      } catch {
        throw unavailable();
      }
    }
    if (row.lockedUntil && row.lockedUntil > row.now) throw inUse();
    if (row.executed) throw unavailable();
    // The holder's lease ran out before anything committed: take the row over.
    const taken = await db.$queryRaw<{ id: string }[]>`
      UPDATE "IdempotencyKey" SET "lockToken" = ${token}::uuid, "lockedUntil" = now() + ${IDEMPOTENCY_LEASE_MS} * interval '1 millisecond'
      WHERE "id" = ${row.id}::uuid AND "responseStatus" IS NULL AND NOT "executed" AND ("lockedUntil" IS NULL OR "lockedUntil" <= now())
      RETURNING "id"`;
    if (taken[0]) return { kind: "execute", id: row.id, token };
  }
  throw inUse();
}

/**
 * The hook that marks the claim executed inside the write's transaction. It fails that
 * transaction (so nothing commits) when this request no longer holds the key.
 */
export function claimGuard(claim: { id: string; token: string }): NonNullable<RequestContext["onWrite"]> {
  return async (tx: Tx) => {
    const marked = await tx.$executeRaw`
      UPDATE "IdempotencyKey" SET "executed" = true
      WHERE "id" = ${claim.id}::uuid AND "lockToken" = ${claim.token}::uuid AND "responseStatus" IS NULL`;
    if (marked !== 1) throw inUse();
  };
}

/**
 * Ends the claim with the answer sent. Answers that should be replayed are stored; a 5xx before
 * anything committed frees the key instead, so the client's retry executes afresh.
 */
export async function settleIdempotencyKey(claim: { id: string; token: string }, answer: StoredAnswer): Promise<void> {
  if (answer.status >= 500) {
    const freed = await db.$executeRaw`
      DELETE FROM "IdempotencyKey" WHERE "id" = ${claim.id}::uuid AND "lockToken" = ${claim.token}::uuid AND NOT "executed"`;
    if (freed === 1) return;
  }
  await db.$executeRaw`
    UPDATE "IdempotencyKey"
    SET "responseStatus" = ${answer.status}, "responseBody" = ${encrypt(claim.id, answer.body)}, "lockToken" = NULL, "lockedUntil" = NULL
    WHERE "id" = ${claim.id}::uuid AND "lockToken" = ${claim.token}::uuid`;
}
