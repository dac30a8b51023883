// Password hashing with scrypt (memory-hard, in Node's crypto: no native addon to build).
// Stored as `scrypt$<N>$<r>$<p>$<salt b64>$<hash b64>` so parameters can be raised later
// without invalidating existing hashes.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

// OWASP's minimum for scrypt: N = 2^17, r = 8, p = 1, i.e. 128 MiB and a few hundred ms per hash.
// Node runs scrypt on libuv's thread pool (4 threads by default), which bounds how many hashes —
// and so how much memory — run at once. Hashes made with older, weaker parameters still verify
// and are replaced at the next successful sign-in (needsRehash).
const N = 2 ** 17;

/**
 * The work factor for new hashes. Vitest only (NODE_ENV=test, never in a build or `npm start`):
 * KEYDESK_TEST_SCRYPT_N lowers it, because the database tests sign in hundreds of times on
 * shared CI cores. lib/auth/password.test.ts checks the real parameters without it.
 */
function workFactor(): number {
  const lowered = process.env.NODE_ENV === "test" ? Number(process.env.KEYDESK_TEST_SCRYPT_N) : Number.NaN;
  return Number.isInteger(lowered) && lowered >= 1024 && lowered < N ? lowered : N;
}
const R = 8;
const P = 1;
const KEY_LENGTH = 32;

function derive(password: string, salt: Buffer, n: number, r: number, p: number): Promise<Buffer> {
  const options: ScryptOptions = { N: n, r, p, maxmem: 256 * n * r + 1024 * 1024 };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize("NFKC"), salt, KEY_LENGTH, options, (error, key) =>
      error ? reject(error) : resolve(key),
    );
  });
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const n = workFactor();
  const key = await derive(password, salt, n, R, P);
  return ["scrypt", n, R, P, salt.toString("base64"), key.toString("base64")].join("$");
}

/** True when `stored` was made with weaker parameters than hashPassword uses today. */
export function needsRehash(stored: string): boolean {
  const [scheme, n, r, p] = stored.split("$");
  return scheme !== "scrypt" || Number(n) < workFactor() || Number(r) < R || Number(p) < P;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return false;
  const [n, r, p] = parts.slice(1, 4).map(Number);
  if (!n || !r || !p || n > 2 ** 20 || r > 32 || p > 16) return false;
  const salt = Buffer.from(parts[4] ?? "", "base64");
  const expected = Buffer.from(parts[5] ?? "", "base64");
  if (expected.length !== KEY_LENGTH) return false;
  const actual = await derive(password, salt, n, r, p);
  return timingSafeEqual(actual, expected);
}

// Hash of a random password, computed once: checking an unknown email against it costs the
// same time as checking a real account, so response times do not reveal which emails exist.
let dummyHash: Promise<string> | undefined;
export async function verifyAgainstDummy(password: string): Promise<false> {
  dummyHash ??= hashPassword(randomBytes(16).toString("hex"));
  await verifyPassword(password, await dummyHash);
  return false;
}
