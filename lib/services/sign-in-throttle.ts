// Back-off for failed sign-ins, kept in the SignInThrottle table so every server process sees the
// same counters. Who is counted follows OWASP's "device cookies" scheme, so that strangers cannot
// lock a person out:
//
// - A browser that signed in to the account before (it presents a valid device cookie for that
//   email, lib/auth/device-cookie.ts) is counted alone, as `device:<id>`; nothing anyone else
//   does locks it.
// - Any other attempt counts for the (account, client) pair `pair:<email>|<ip>`, for the client
//   `client:<ip>` (many accounts from one address), and for `account:<email>`, the account's
//   attempts from unknown browsers: a guessing campaign from many addresses locks unknown browsers
//   out of that account for a while, never the browsers it was used from before.
// - `reauth:<userId>` counts wrong current passwords of a signed-in person (Profile and the
//   confirm-password dialog).
//
// Each kind has its own number of free attempts; every failure past it doubles the lock, from
// 30 seconds up to 15 minutes.
//
// An attempt is counted *before* the password is checked, under row locks, and cleared again when
// it succeeds. Counting afterwards would let a burst of parallel guesses all pass the "not locked"
// check before the first failure is written; this way at most FREE_ATTEMPTS guesses get through.
// Unknown emails get counters too, so a lockout says nothing about whether an account exists.
import { db, type Tx } from "@/lib/db";

/** Attempts allowed before the first lock; the attempt that reaches it sets the lock. */
export const FREE_ATTEMPTS = 5;
const FREE_ATTEMPTS_BY_KIND: Record<string, number> = {
  device: FREE_ATTEMPTS,
  pair: FREE_ATTEMPTS,
  reauth: FREE_ATTEMPTS,
  // Unknown browsers together, per account: a campaign from many addresses.
  account: 10,
  // One address, any accounts: offices and untrusted proxies share addresses.
  client: 20,
};
const BASE_LOCK_MS = 30_000;
const MAX_LOCK_MS = 15 * 60_000;
/** A counter that has not moved for this long starts again from zero. */
const FAILURE_MEMORY_MS = 60 * 60_000;
/** Rows untouched for this long are deleted whenever someone signs in successfully. */
const PRUNE_AFTER_MS = 24 * 60 * 60_000;

export type SignInClaim =
  | { allowed: true; /** Set when this attempt reached the limit: if it fails, the key is locked until then. */ lockedUntil: Date | null }
  | { allowed: false; retryAfterMs: number };

interface ThrottleRow {
  key: string;
  failures: number;
  lockedUntil: Date | null;
  updatedAt: Date;
}

export interface SignInScope {
  email: string;
  ip: string | null;
  /** Set when the browser presented a valid device cookie for this email. */
  deviceId: string | null;
}

export function signInThrottleKeys({ email, ip, deviceId }: SignInScope): string[] {
  if (deviceId) return [`device:${deviceId}`];
  const account = email.toLowerCase();
  const client = ip ?? "unknown";
  return [`pair:${account}|${client}`, `client:${client}`, `account:${account}`];
}

export function reauthThrottleKey(userId: string): string {
  return `reauth:${userId}`;
}

function freeAttemptsOf(key: string): number {
  return FREE_ATTEMPTS_BY_KIND[key.slice(0, key.indexOf(":"))] ?? FREE_ATTEMPTS;
}

/** Lock length once `failures` attempts were counted: 30 s at the `free`-th, doubling, at most 15 min. */
export function lockDurationMs(failures: number, free = FREE_ATTEMPTS): number {
  if (failures < free) return 0;
  const doublings = Math.min(failures - free, 20);
  return Math.min(BASE_LOCK_MS * 2 ** doublings, MAX_LOCK_MS);
}

/** "Too many failed attempts. Try again in 2 minutes." */
export function throttleMessage(retryAfterMs: number): string {
  const seconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
  const wait =
    seconds < 60
      ? `${seconds} second${seconds === 1 ? "" : "s"}`
      : `${Math.ceil(seconds / 60)} minute${Math.ceil(seconds / 60) === 1 ? "" : "s"}`;
  return `Too many failed attempts. Try again in ${wait}.`;
}

/**
 * Claims one sign-in attempt for all `keys`. Refused while any of them is locked (nothing is
 * counted then); otherwise every key's counter goes up by one and, at the limit, gets a lock.
 */
export async function claimSignInAttempt(keys: string[], now = new Date()): Promise<SignInClaim> {
  // One order for every caller, so two attempts locking the same rows cannot deadlock.
  const sorted = [...new Set(keys)].sort();
  // A locked key refuses without a transaction or row locks: under a storm of attempts against a
  // locked account this is the common path, and it must stay cheap. (No lock seen here is checked
  // again below, under the row locks.)
  const locked = await db.signInThrottle.aggregate({ where: { key: { in: sorted } }, _max: { lockedUntil: true } });
  const lockedUntilNow = locked._max.lockedUntil?.getTime() ?? 0;
  if (lockedUntilNow > now.getTime()) return { allowed: false, retryAfterMs: lockedUntilNow - now.getTime() };
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`
      INSERT INTO "SignInThrottle" ("key", "updatedAt")
      SELECT k, ${now} FROM unnest(${sorted}::text[]) AS k
      ON CONFLICT ("key") DO NOTHING`;
    const rows = await tx.$queryRaw<ThrottleRow[]>`
      SELECT "key", "failures", "lockedUntil", "updatedAt" FROM "SignInThrottle"
      WHERE "key" = ANY(${sorted}::text[]) ORDER BY "key" FOR UPDATE`;

    const lockedUntil = Math.max(0, ...rows.map((row) => row.lockedUntil?.getTime() ?? 0));
    if (lockedUntil > now.getTime()) return { allowed: false, retryAfterMs: lockedUntil - now.getTime() };

    let newLock: Date | null = null;
    for (const row of rows) {
      const stale = now.getTime() - row.updatedAt.getTime() > FAILURE_MEMORY_MS;
      const failures = (stale ? 0 : row.failures) + 1;
      const lockMs = lockDurationMs(failures, freeAttemptsOf(row.key));
      const until = lockMs > 0 ? new Date(now.getTime() + lockMs) : null;
      if (until && (!newLock || until > newLock)) newLock = until;
      await tx.signInThrottle.update({ where: { key: row.key }, data: { failures, lockedUntil: until, updatedAt: now } });
    }
    return { allowed: true, lockedUntil: newLock };
  });
}

/**
 * After a successful sign-in (or password confirmation) with `keys`: forget their counters, and
 * old rows of anyone else. A client's counter only gets this attempt back rather than being
 * forgotten, so that signing in to one's own account between guesses does not reset an address
 * that is guessing at other accounts.
 */
export async function clearSignInThrottle(tx: Tx, keys: string[], now = new Date()): Promise<void> {
  const clientKeys = keys.filter((key) => key.startsWith("client:"));
  const cleared = keys.filter((key) => !key.startsWith("client:"));
  if (clientKeys.length) {
    await tx.$executeRaw`
      UPDATE "SignInThrottle" SET "failures" = GREATEST("failures" - 1, 0)
      WHERE "key" = ANY(${clientKeys}::text[])`;
  }
  await tx.signInThrottle.deleteMany({
    where: {
      OR: [
        { key: { in: cleared } },
        {
          updatedAt: { lt: new Date(now.getTime() - PRUNE_AFTER_MS) },
          OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }],
        },
      ],
    },
  });
}
