// The one PrismaClient of this process. The custom server (server/index.ts, loaded by tsx) and
// Next's bundled server code are two module graphs in one process, so the instance lives on
// globalThis: both graphs, and dev-mode hot reloads, share one client and one pool.
//
// Key verification's cache misses use a small pool of their own (lookupPool): one prepared
// statement through plain `pg` costs a fraction of the CPU of the same query through Prisma, and
// misses must not queue behind dashboard queries for connections. Recording the audit chain's
// head (lib/audit-head.ts) waits for writers to commit, so it has one connection of its own too,
// rather than holding one of the pool's while writers queue for them.
//
// All of them connect with DATABASE_URL: the application's role, keydesk_app (docs/database.md).
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "@/lib/generated/prisma/client";

type Db = InstanceType<typeof PrismaClient>;
const globalForDb = globalThis as unknown as { __keydeskDb?: Db; __keydeskLookupPool?: pg.Pool; __keydeskAuditHeadPool?: pg.Pool; __keydeskLimitsPool?: pg.Pool };

function connectionString(): string {
  const url = process.env.DATABASE_URL;
  if (!url) {
    throw new Error("DATABASE_URL is not set: start Keydesk with `npm start`, which provides one.");
  }
  return url;
}

function createClient(): Db {
  const adapter = new PrismaPg({
    connectionString: connectionString(),
    max: Number(process.env.KEYDESK_DB_POOL_SIZE ?? 10),
    // As long as Prisma's maxWait below: waiting for a pooled connection is the same wait.
    connectionTimeoutMillis: 10_000,
  });
  // Writes to one project queue on its row lock (the active-key limit, name uniqueness), each
  // holding a pooled connection meanwhile. A burst of creates must wait its turn rather than fail
  // after Prisma's defaults (2 s to get a connection, 5 s per transaction); a request that cannot
  // get a connection within 10 s still fails, and nothing half-written survives a timeout.
  return new PrismaClient({ adapter, transactionOptions: { maxWait: 10_000, timeout: 15_000 } });
}

export function getDb(): Db {
  globalForDb.__keydeskDb ??= createClient();
  return globalForDb.__keydeskDb;
}

/** Lazily created so that importing this module never needs a database (e.g. `next build`). */
export const db: Db = new Proxy({} as Db, {
  get(_target, prop) {
    const client = getDb();
    const value = Reflect.get(client, prop, client);
    return typeof value === "function" ? value.bind(client) : value;
  },
});

/** The pool verification reads keys through (lib/keys/key-cache.ts); see the note at the top. */
export function lookupPool(): pg.Pool {
  if (!globalForDb.__keydeskLookupPool) {
    const pool = new pg.Pool({
      connectionString: connectionString(),
      max: Number(process.env.KEYDESK_LOOKUP_POOL_SIZE ?? 4),
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
    });
    // An idle connection that dies (database restarted) is dropped by the pool and replaced on
    // the next query; without a listener the error event would end the process.
    pool.on("error", () => undefined);
    globalForDb.__keydeskLookupPool = pool;
  }
  return globalForDb.__keydeskLookupPool;
}

/** The one connection the audit head recorder uses (lib/audit-head.ts); see the note at the top. */
export function auditHeadPool(): pg.Pool {
  if (!globalForDb.__keydeskAuditHeadPool) {
    const pool = new pg.Pool({ connectionString: connectionString(), max: 1, connectionTimeoutMillis: 5_000, idleTimeoutMillis: 30_000 });
    pool.on("error", () => undefined); // as above: a dead idle connection is replaced on next use
    globalForDb.__keydeskAuditHeadPool = pool;
  }
  return globalForDb.__keydeskAuditHeadPool;
}

/**
 * The pool usage limits lease through (lib/keys/limits/runtime.ts): its own, so that a storm of
 * cache misses cannot delay the leases that keep high-traffic keys answering from memory.
 */
export function limitsPool(): pg.Pool {
  if (!globalForDb.__keydeskLimitsPool) {
    const pool = new pg.Pool({
      connectionString: connectionString(),
      max: Number(process.env.KEYDESK_LIMITS_POOL_SIZE ?? 4),
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
      application_name: "keydesk-limits",
    });
    pool.on("error", () => undefined);
    globalForDb.__keydeskLimitsPool = pool;
  }
  return globalForDb.__keydeskLimitsPool;
}

export async function disconnectDb(): Promise<void> {
  const client = globalForDb.__keydeskDb;
  const pools = [globalForDb.__keydeskLookupPool, globalForDb.__keydeskAuditHeadPool, globalForDb.__keydeskLimitsPool];
  globalForDb.__keydeskDb = undefined;
  globalForDb.__keydeskLookupPool = undefined;
  globalForDb.__keydeskAuditHeadPool = undefined;
  globalForDb.__keydeskLimitsPool = undefined;
  await Promise.all([client?.$disconnect(), ...pools.map((pool) => pool?.end())]);
}

export type { Db };
export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];
