// Every PostgreSQL advisory lock Keydesk takes, in one registry. Advisory lock ids share one
// namespace per database: two features that picked the same number would serialise each other's
// writes (user and project writes once did, through a shared 7_301_003), and a lock-ordering
// deadlock between them would be invisible in the code. So ids live here only, each with why it
// exists, and `pg_advisory_*` appears in no other file (tests/advisory-locks.test.ts checks).
//
// Adding a lock: a new entry with the next free 7_301_xxx id and a comment saying what it
// serialises; then call lockForTransaction (lockForClientTransaction, withSessionLock for plain pg).
import type pg from "pg";
import type { Tx } from "@/lib/db";

export const ADVISORY_LOCKS = {
  /** lib/audit.ts: audit writers, so ids grow in chain order and no two events claim one predecessor; also held while the chain head is recorded outside the database (lib/audit-head.ts). */
  auditChain: 7_301_001,
  /** lib/services/setup.ts: first-run setup, so two concurrent attempts create one administrator. */
  setup: 7_301_002,
  /** lib/services/users.ts: role and `active` changes, so the last-administrator rule holds under concurrency. */
  userAdmin: 7_301_003,
  /** lib/services/projects.ts: project writes, so the slug and key-prefix uniqueness checks cannot race. */
  projectWrite: 7_301_004,
  /**
   * The request trail's partition functions (prisma/migrations/20261202000200_request_trail), so
   * two processes never create or drop the same partition at once. SQL cannot import this file:
   * the migration spells the number, and tests/advisory-locks.test.ts checks it is registered.
   */
  trailPartitions: 7_301_005,
  /** lib/db/migrator.ts: Prisma Migrate's own key (72707369), so `prisma migrate` and our migrator never run at once. */
  migrate: 72_707_369,
} as const;

export type AdvisoryLock = keyof typeof ADVISORY_LOCKS;

/** Takes `lock` until the transaction ends (commit or rollback). */
export async function lockForTransaction(tx: Tx, lock: AdvisoryLock): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ADVISORY_LOCKS[lock]})`;
}

/** The same on a plain pg connection inside an open transaction (BEGIN … COMMIT). */
export async function lockForClientTransaction(client: pg.ClientBase, lock: AdvisoryLock): Promise<void> {
  await client.query("SELECT pg_advisory_xact_lock($1)", [ADVISORY_LOCKS[lock]]);
}

/** Runs `fn` holding a session-level `lock` on `client`, released afterwards (also on failure). */
export async function withSessionLock<T>(client: pg.Client, lock: AdvisoryLock, fn: () => Promise<T>): Promise<T> {
  await client.query("SELECT pg_advisory_lock($1)", [ADVISORY_LOCKS[lock]]);
  try {
    return await fn();
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [ADVISORY_LOCKS[lock]]).catch(() => undefined);
  }
}
