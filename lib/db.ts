// The one PrismaClient of this process. The custom server (server/index.ts, loaded by tsx) and
// Next's bundled server code are two module graphs in one process, so the instance lives on
// globalThis: both graphs, and dev-mode hot reloads, share one client and one pool.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/lib/generated/prisma/client";

type Db = InstanceType<typeof PrismaClient>;
const globalForDb = globalThis as unknown as { __keydeskDb?: Db };

function createClient(): Db {
  const connectionString = process.env.DATABASE_URL;
  if (!connectionString) {
    throw new Error("DATABASE_URL is not set: start Keydesk with `npm start`, which provides one.");
  }
  const adapter = new PrismaPg({
    connectionString,
    max: Number(process.env.KEYDESK_DB_POOL_SIZE ?? 10),
    connectionTimeoutMillis: 5_000,
  });
  return new PrismaClient({ adapter });
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

export async function disconnectDb(): Promise<void> {
  const client = globalForDb.__keydeskDb;
  globalForDb.__keydeskDb = undefined;
  await client?.$disconnect();
}

export type { Db };
export type Tx = Parameters<Parameters<Db["$transaction"]>[0]>[0];
