import "server-only";
// OWASP's "device cookies" against lockout attacks: after a successful sign-in the browser gets a
// cookie that proves it signed in to that account before. Sign-in attempts that present one are
// throttled on their own (lib/services/sign-in-throttle.ts), so strangers guessing at an account
// cannot lock out the browsers its owner uses.
//
// The cookie holds up to MAX_ENTRIES "<id>.<signature>" entries, one per account signed in from
// this browser, joined by "~". The signature is an HMAC over the account's email and the id,
// keyed from NEXTAUTH_SECRET; the email itself is not in the cookie. A cookie is only worth
// something for the account it was issued for, and only throttles differently: it never signs
// anyone in.
import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";

const MAX_ENTRIES = 5;
const ENTRY = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;

let derived: { secret: string; key: Buffer } | undefined;

function hmacKey(): Buffer | null {
  const secret = process.env.NEXTAUTH_SECRET;
  if (!secret) return null;
  if (derived?.secret !== secret) {
    derived = { secret, key: Buffer.from(hkdfSync("sha256", secret, "", "keydesk device cookie v1", 32)) };
  }
  return derived.key;
}

function signature(key: Buffer, email: string, id: string): Buffer {
  return createHmac("sha256", key).update(`${email.toLowerCase()}\n${id}`).digest();
}

function entries(cookie: string | null | undefined): Array<{ id: string; sig: string }> {
  if (!cookie || cookie.length > 1024) return [];
  return cookie
    .split("~")
    .map((entry) => ENTRY.exec(entry))
    .filter((match): match is RegExpExecArray => match !== null)
    .map((match) => ({ id: match[1] ?? "", sig: match[2] ?? "" }))
    .slice(0, MAX_ENTRIES);
}

/** The device id the cookie proves for `email`, or null. */
export function deviceIdFor(cookie: string | null | undefined, email: string): string | null {
  const key = hmacKey();
  if (!key) return null;
  for (const { id, sig } of entries(cookie)) {
    const expected = signature(key, email, id);
    const given = Buffer.from(sig, "base64url");
    if (given.length === expected.length && timingSafeEqual(given, expected)) return id;
  }
  return null;
}

/**
 * The cookie value after a successful sign-in to `email`: its entry first (kept if it had one,
 * else new), then up to four entries for other accounts. Null when there is no secret to sign with.
 */
export function deviceCookieAfterSignIn(cookie: string | null | undefined, email: string): string | null {
  const key = hmacKey();
  if (!key) return null;
  const id = deviceIdFor(cookie, email) ?? randomBytes(16).toString("base64url");
  const own = `${id}.${signature(key, email, id).toString("base64url")}`;
  const others = entries(cookie)
    .filter((entry) => entry.id !== id)
    .map((entry) => `${entry.id}.${entry.sig}`);
  return [own, ...others].slice(0, MAX_ENTRIES).join("~");
}
