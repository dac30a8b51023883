import "server-only";
// A key's usage limits as the dashboard and the services see them: the configuration, and the
// state of the current window and of the credits, read from the database. What this process holds
// itself (leased, not yet spent) is taken off the "used" figures, so with one Keydesk process they
// are exact; other processes' reserves (about a second of their traffic) count as used until they
// spend or hand them back.
import { db, type Db, type Tx } from "@/lib/db";
import { isGuid } from "@/lib/ids";
import { isPublicId } from "@/lib/keys/public-id";
import { refillPeriod, windowStart } from "@/lib/keys/limits/periods";
import { existingLimiter } from "@/lib/keys/limits/runtime";
import type { RateLimitConfig, RefillConfig, RefillInterval } from "@/lib/keys/limits/types";

export interface RateLimitView extends RateLimitConfig {
  /** Requests (cost units) admitted or reserved in the current window. */
  used: number;
  remaining: number;
  /** Epoch milliseconds when the current window ends. */
  reset: number;
}

export interface CreditsView {
  remaining: number;
  refill: RefillConfig | null;
  /** Epoch milliseconds of the next refill; null without refill. */
  nextRefillAt: number | null;
}

export interface KeyLimitsView {
  version: number;
  ratelimits: RateLimitView[];
  credits: CreditsView | null;
}

interface Row {
  id: string;
  version: number;
  ratelimits: { name: string; limit: number; durationMs: number; windowStart: string | number | null; granted: number | null }[];
  credits: {
    remaining: string | number;
    period: string | number;
    held: string | number;
    refillInterval: RefillInterval | null;
    refillAmount: number | null;
    refillDay: number | null;
  } | null;
}

const NONE: KeyLimitsView = { version: 0, ratelimits: [], credits: null };

/** The limits of several keys (ApiKey.id) in one statement; keys without limits get empty views. */
export async function getKeysLimits(client: Db | Tx, keyIds: string[], nowMs = Date.now()): Promise<Map<string, KeyLimitsView>> {
  const out = new Map<string, KeyLimitsView>();
  if (keyIds.length === 0) return out;
  const rows = await client.$queryRaw<Row[]>`
    SELECT k."id", k."limitsVersion" AS "version",
           COALESCE((SELECT json_agg(json_build_object('name', r."name", 'limit', r."limit", 'durationMs', r."durationMs",
                                                       'windowStart', w."windowStart", 'granted', w."granted") ORDER BY r."position")
                       FROM "ApiKeyRateLimit" r
                       LEFT JOIN "RateLimitWindow" w ON w."keyId" = r."keyId" AND w."name" = r."name" AND w."durationMs" = r."durationMs"
                      WHERE r."keyId" = k."id"), '[]'::json) AS "ratelimits",
           (SELECT json_build_object('remaining', c."remaining", 'period', c."period",
                                     'held', (SELECT coalesce(sum(l."outstanding"), 0) FROM "CreditLease" l
                                               WHERE l."keyId" = c."keyId" AND l."period" IN (c."period", -1) AND l."expiresAt" > clock_timestamp()),
                                     'refillInterval', c."refillInterval", 'refillAmount', c."refillAmount", 'refillDay', c."refillDay")
              FROM "ApiKeyCredits" c WHERE c."keyId" = k."id") AS "credits"
      FROM "ApiKey" k WHERE k."id" = ANY(${keyIds}::uuid[])`;
  const limiter = existingLimiter();
  for (const row of rows) out.set(row.id, toView(row, limiter?.held(row.id) ?? null, nowMs));
  return out;
}

export async function getKeyLimits(client: Db | Tx, keyId: string, nowMs = Date.now()): Promise<KeyLimitsView> {
  return (await getKeysLimits(client, [keyId], nowMs)).get(keyId) ?? NONE;
}

/** For pages and actions: a key's limits by Sid or row id; null when there is no such key. */
export async function readKeyLimits(keyId: string, nowMs = Date.now()): Promise<KeyLimitsView | null> {
  const where = isPublicId(keyId) ? { publicId: keyId } : isGuid(keyId) ? { id: keyId.toLowerCase() } : null;
  const key = where && (await db.apiKey.findUnique({ where, select: { id: true } }));
  return key ? getKeyLimits(db, key.id, nowMs) : null;
}

type Held = ReturnType<NonNullable<ReturnType<typeof existingLimiter>>["held"]>;

function toView(row: Row, mine: Held, nowMs: number): KeyLimitsView {
  const ratelimits = row.ratelimits.map((r): RateLimitView => {
    const start = windowStart(nowMs, r.durationMs);
    const granted = r.windowStart !== null && Number(r.windowStart) === start ? (r.granted ?? 0) : 0;
    const unspent = mine?.windows.find((w) => w.name === r.name && w.durationMs === r.durationMs && w.start === start)?.tokens ?? 0;
    const used = Math.min(r.limit, Math.max(0, granted - unspent));
    return { name: r.name, limit: r.limit, durationMs: r.durationMs, used, remaining: r.limit - used, reset: start + r.durationMs };
  });

  let credits: CreditsView | null = null;
  if (row.credits) {
    const c = row.credits;
    const refill: RefillConfig | null = c.refillInterval ? { interval: c.refillInterval, amount: c.refillAmount ?? 0, refillDay: c.refillDay } : null;
    const period = refillPeriod(refill, nowMs);
    // A refill that is due has not been applied yet when nobody verified since it came due.
    const due = refill !== null && Number(c.period) < period.index;
    const remaining = due ? refill.amount : Number(c.remaining) + Number(c.held) - (mine ? mine.creditsLeased - mine.credits : 0);
    credits = { remaining: Math.max(0, remaining), refill, nextRefillAt: refill ? period.end : null };
  }
  return { version: row.version, ratelimits, credits };
}
