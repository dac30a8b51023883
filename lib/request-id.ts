// Request ids: every response carries `Request-Id`, the server's log lines for the request carry
// it, and so do the audit events the request causes. A client may choose the id by sending a
// well-formed `X-Request-Id` (to follow one call through its own logs and ours); anything else is
// replaced by a fresh `req_…` id. Framework-free: the custom server and Next's handlers share it.
import { randomFillSync } from "node:crypto";

/** The response header, as Stripe and others name it. */
export const REQUEST_ID_HEADER = "request-id";
/** What a client may send to choose the id. */
export const CLIENT_REQUEST_ID_HEADER = "x-request-id";
/** Set by the custom server on the request it hands to Next (a client's own value is overwritten). */
export const INTERNAL_REQUEST_ID_HEADER = "x-keydesk-request-id";

/**
 * Well-formed: 1–128 characters that cannot break a log line, a header or a CSV cell — letters,
 * digits and `-_.:+=/@` (UUIDs, ULIDs, base64 and "trace:span" ids all fit).
 */
const WELL_FORMED = /^[A-Za-z0-9][A-Za-z0-9\-_.:+=/@]{0,127}$/;

export function isWellFormedRequestId(value: unknown): value is string {
  return typeof value === "string" && WELL_FORMED.test(value);
}

const ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const ID_LENGTH = 20; // ~119 bits
// Random bytes are drawn in blocks: one system call per 200 ids, not one per request.
const pool = Buffer.alloc(ID_LENGTH * 200);
let offset = pool.length;

/** A fresh id, e.g. `req_7Qm2…`: 20 base62 characters from the CSPRNG. */
export function newRequestId(): string {
  if (offset + ID_LENGTH > pool.length) {
    randomFillSync(pool);
    offset = 0;
  }
  let id = "req_";
  for (let i = 0; i < ID_LENGTH; i += 1) {
    // The modulo favours 8 of the 62 symbols slightly (5/256 against 4/256): well under one bit
    // of the id's ~119, and ids only need to be unique, not secret.
    id += ALPHABET[pool[offset + i]! % 62];
  }
  offset += ID_LENGTH;
  return id;
}

/** The client's id when well-formed, else a fresh one. */
export function chooseRequestId(clientValue: string | string[] | undefined | null): string {
  const value = Array.isArray(clientValue) ? undefined : clientValue;
  return isWellFormedRequestId(value) ? value : newRequestId();
}
