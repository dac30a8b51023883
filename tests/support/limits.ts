// Keys with usage limits for the limiter's tests: a real key (through the real service), its
// limits written as the migration's tables hold them, and a clock the test moves by hand.
import pg from "pg";
import { refillPeriod } from "@/lib/keys/limits/periods";
import type { KeyLimits, RateLimitConfig, RefillConfig } from "@/lib/keys/limits/types";
import { createApiKey } from "@/lib/services/api-keys";
import { context, seedBase, userActor } from "./fixtures";

export interface LimitsSpec {
  ratelimits?: RateLimitConfig[];
  credits?: { remaining: number; refill?: RefillConfig | null };
}

export interface LimitedKey {
  id: string;
  secret: string;
  limits: KeyLimits;
}

let counter = 0;

/** A key in the default project with `spec`'s limits, the credits' period taken at `nowMs`. */
export async function createLimitedKey(pool: pg.Pool, spec: LimitsSpec, nowMs: number): Promise<LimitedKey> {
  const { admin, project } = await seedBase();
  counter += 1;
  const key = await createApiKey(userActor(admin), { projectId: project.id, name: `Limited ${counter} ${Date.now()}`, expiry: "30d", constraints: [] }, context);
  await configureLimits(pool, key.id, spec, nowMs);
  return { id: key.id, secret: key.secret, limits: await readLimits(pool, key.id) };
}

/** Replaces a key's limits the way an administrative change does (and bumps its version). */
export async function configureLimits(pool: pg.Pool, keyId: string, spec: LimitsSpec, nowMs: number): Promise<KeyLimits> {
  const client = await pool.connect();
  try {
    await client.query("BEGIN");
    await client.query(`SELECT 1 FROM "ApiKey" WHERE "id" = $1 FOR UPDATE`, [keyId]);
    await client.query(`DELETE FROM "ApiKeyRateLimit" WHERE "keyId" = $1`, [keyId]);
    for (const [position, r] of (spec.ratelimits ?? []).entries()) {
      await client.query(`INSERT INTO "ApiKeyRateLimit" ("keyId", "position", "name", "limit", "durationMs") VALUES ($1, $2, $3, $4, $5)`, [
        keyId, position, r.name, r.limit, r.durationMs,
      ]);
    }
    await client.query(`DELETE FROM "ApiKeyCredits" WHERE "keyId" = $1`, [keyId]);
    if (spec.credits) {
      const refill = spec.credits.refill ?? null;
      await client.query(
        `INSERT INTO "ApiKeyCredits" ("keyId", "remaining", "refillInterval", "refillAmount", "refillDay", "period")
         VALUES ($1, $2, $3::"CreditRefillInterval", $4, $5, $6)`,
        [keyId, spec.credits.remaining, refill?.interval ?? null, refill?.amount ?? null, refill?.refillDay ?? null, refillPeriod(refill, nowMs).index],
      );
    }
    await client.query(`UPDATE "ApiKey" SET "limitsVersion" = "limitsVersion" + 1 WHERE "id" = $1`, [keyId]);
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK");
    throw error;
  } finally {
    client.release();
  }
  return readLimits(pool, keyId);
}

export async function readLimits(pool: pg.Pool, keyId: string): Promise<KeyLimits> {
  const { rows } = await pool.query<{ version: number }>(`SELECT "limitsVersion" AS version FROM "ApiKey" WHERE "id" = $1`, [keyId]);
  const rl = await pool.query<RateLimitConfig>(`SELECT "name", "limit", "durationMs" FROM "ApiKeyRateLimit" WHERE "keyId" = $1 ORDER BY "position"`, [keyId]);
  const cr = await pool.query<{ refillInterval: "daily" | "monthly" | null; refillAmount: number | null; refillDay: number | null }>(
    `SELECT "refillInterval", "refillAmount", "refillDay" FROM "ApiKeyCredits" WHERE "keyId" = $1`,
    [keyId],
  );
  const c = cr.rows[0];
  return {
    version: rows[0]?.version ?? 0,
    ratelimits: rl.rows,
    credits: c ? { refill: c.refillInterval ? { interval: c.refillInterval, amount: c.refillAmount ?? 0, refillDay: c.refillDay } : null } : null,
  };
}

/** The database's view of a key's credits: the pool and what live leases hold. */
export async function creditsInDatabase(pool: pg.Pool, keyId: string): Promise<{ pool: number; held: number }> {
  const { rows } = await pool.query<{ pool: string; held: string }>(
    `SELECT c."remaining" AS pool,
            (SELECT coalesce(sum(l."outstanding"), 0) FROM "CreditLease" l
              WHERE l."keyId" = c."keyId" AND l."period" = c."period" AND l."expiresAt" > now()) AS held
       FROM "ApiKeyCredits" c WHERE c."keyId" = $1`,
    [keyId],
  );
  return { pool: Number(rows[0]?.pool), held: Number(rows[0]?.held) };
}

/** A hand-moved clock, in epoch milliseconds. */
export function manualClock(startIso: string) {
  let now = Date.parse(startIso);
  return {
    now: () => now,
    set: (iso: string) => {
      now = Date.parse(iso);
    },
    advance: (ms: number) => {
      now += ms;
    },
  };
}
