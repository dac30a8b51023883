// Back-off for failed sign-ins, per account (`email:<email>`) and per client (`ip:<ip>`), kept in
// the SignInThrottle table so every server process sees the same counters.
//
// An attempt is counted *before* the password is checked, under row locks, and cleared again when
// it succeeds. Counting afterwards would let a burst of parallel guesses all pass the "not locked"
// check before the first failure is written; this way at most FREE_ATTEMPTS guesses get through.
// Unknown emails get counters too, so a lockout says nothing about whether an account exists.
import { db, type Tx } from "@/lib/db";

/** Attempts allowed before the first lock; the attempt that reaches it sets the lock. */
export const FREE_ATTEMPTS = 5;
export const BASE_LOCK_MS = 30_000;
export const MAX_LOCK_MS = 15 * 60_000;
/** A counter that has not moved for this long starts again from zero. */
export const FAILURE_MEMORY_MS = 60 * 60_000;
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

export function signInThrottleKeys(email: string, ip: string | null): string[] {
  const keys = [`email:${email.toLowerCase()}`];
  if (ip) keys.push(`ip:${ip}`);
  return keys;
}

/** Lock length once `failures` attempts have been counted: 30 s at the 5th, doubling, at most 15 min. */
export function lockDurationMs(failures: number): number {
  if (failures < FREE_ATTEMPTS) return 0;
  const doublings = Math.min(failures - FREE_ATTEMPTS, 20);
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
      const lockMs = lockDurationMs(failures);
      const until = lockMs > 0 ? new Date(now.getTime() + lockMs) : null;
      if (until && (!newLock || until > newLock)) newLock = until;
      await tx.signInThrottle.update({ where: { key: row.key }, data: { failures, lockedUntil: until, updatedAt: now } });
    }
    return { allowed: true, lockedUntil: newLock };
  });
}

/** After a successful sign-in: forget the counters, and old rows of anyone else. */
export async function clearSignInThrottle(tx: Tx, keys: string[], now = new Date()): Promise<void> {
  await tx.signInThrottle.deleteMany({
    where: {
      OR: [
        { key: { in: keys } },
        {
          updatedAt: { lt: new Date(now.getTime() - PRUNE_AFTER_MS) },
          OR: [{ lockedUntil: null }, { lockedUntil: { lt: now } }],
        },
      ],
    },
  });
}
