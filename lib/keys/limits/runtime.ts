// The process's one limiter. It lives on globalThis for the same reason as the key cache: the
// custom server (loaded by tsx) and Next's bundled code are two module graphs in one process, and
// the dashboard's figures subtract what this process holds, so both must see the same limiter.
import { limitsPool } from "@/lib/db";
import { Limiter } from "@/lib/keys/limits/limiter";
import { PgLimitStore } from "@/lib/keys/limits/store";

const globalForLimiter = globalThis as unknown as { __keydeskLimiter?: Limiter };

export function limiter(): Limiter {
  if (!globalForLimiter.__keydeskLimiter) {
    const created = new Limiter({ store: new PgLimitStore(limitsPool()) });
    created.start();
    globalForLimiter.__keydeskLimiter = created;
  }
  return globalForLimiter.__keydeskLimiter;
}

/** The limiter if this process has one (nothing verified yet: none), without creating it. */
export function existingLimiter(): Limiter | undefined {
  return globalForLimiter.__keydeskLimiter;
}

/** At shutdown, after the last request and before the database pools close: hands back what is held. */
export async function stopLimiter(): Promise<void> {
  const current = globalForLimiter.__keydeskLimiter;
  globalForLimiter.__keydeskLimiter = undefined;
  await current?.close();
}
