import "server-only";
// The rate limit of management keys: each key may make `limit` REST calls per fixed window,
// counted in the database (one upsert per call), so that every Keydesk process behind a load
// balancer spends the same budget and a restart forgets nothing. Answers carry the IETF
// RateLimit-Limit / -Remaining / -Reset headers; a refused call gets 429 with Retry-After.
//
// The limit is the key's own first rate limit (its usage limits, set like any key's in the
// dashboard or with PATCH /api/v1/keys/{id}; new keys get the Keydesk API project's defaults),
// else KEYDESK_API_RATE_LIMIT. So an administrator changes it per key, and the default for new
// keys in Admin → Projects.
import { db } from "@/lib/db";

export interface RateLimitConfig {
  limit: number;
  windowSeconds: number;
}

export interface RateLimitState extends RateLimitConfig {
  allowed: boolean;
  remaining: number;
  /** Seconds until the window ends (at least 1). */
  resetSeconds: number;
}

/** `KEYDESK_API_RATE_LIMIT`, e.g. `600/60s` (the default) or `100/10s`: calls per window per management key. */
function defaultRateLimit(env: Record<string, string | undefined> = process.env): RateLimitConfig {
  const match = /^\s*(\d{1,9})\s*\/\s*(\d{1,5})\s*s\s*$/.exec(env.KEYDESK_API_RATE_LIMIT ?? "");
  const limit = Number(match?.[1]);
  const windowSeconds = Number(match?.[2]);
  if (match && limit >= 1 && windowSeconds >= 1 && windowSeconds <= 86_400) return { limit, windowSeconds };
  return { limit: 600, windowSeconds: 60 };
}

/** The limit of one management key: its first rate limit, else the installation's default. */
export async function rateLimitOf(keyId: string): Promise<RateLimitConfig> {
  const own = await db.apiKeyRateLimit.findFirst({ where: { keyId }, orderBy: { position: "asc" }, select: { limit: true, durationMs: true } });
  if (own) return { limit: own.limit, windowSeconds: Math.max(1, Math.ceil(own.durationMs / 1000)) };
  return defaultRateLimit();
}

const SWEEP_INTERVAL_MS = 60_000;
let lastSweep = 0;

/** Counts one call of `keyId` and says whether it is within the limit. */
export async function takeRateLimit(keyId: string, config: RateLimitConfig): Promise<RateLimitState> {
  const windowMs = config.windowSeconds * 1000;
  const now = Date.now();
  const windowStart = new Date(Math.floor(now / windowMs) * windowMs);
  const [row] = await db.$queryRaw<{ count: number }[]>`
    INSERT INTO "ApiRateWindow" ("keyId", "windowStart", "count") VALUES (${keyId}::uuid, ${windowStart}, 1)
    ON CONFLICT ("keyId", "windowStart") DO UPDATE SET "count" = "ApiRateWindow"."count" + 1
    RETURNING "count"`;
  const count = row?.count ?? 1;
  if (now - lastSweep > SWEEP_INTERVAL_MS) {
    lastSweep = now;
    // Windows end within a day; older rows only take space.
    await db.$executeRaw`DELETE FROM "ApiRateWindow" WHERE "windowStart" < ${new Date(now - 2 * 86_400_000)}`.catch(() => undefined);
  }
  return {
    ...config,
    allowed: count <= config.limit,
    remaining: Math.max(0, config.limit - count),
    resetSeconds: Math.max(1, Math.ceil((windowStart.getTime() + windowMs - now) / 1000)),
  };
}
