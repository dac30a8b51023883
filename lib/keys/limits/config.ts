// A key's limits as the key lookup reads them (lib/keys/key-cache.ts): the version and the JSON
// the lookup statement builds from "ApiKeyRateLimit" and "ApiKeyCredits". The tables' CHECKs keep
// the values valid; should anything else arrive anyway, it becomes a limit that admits nothing:
// limits are never silently off.
import { MAX_DURATION_MS, MIN_DURATION_MS, REFILL_INTERVALS, type KeyLimits, type RateLimitConfig, type RefillConfig } from "@/lib/keys/limits/types";

/** The SQL the key lookup adds to its SELECT list (alias k = "ApiKey"). */
export const LIMITS_COLUMNS = `k."limitsVersion" AS "limitsVersion",
                (SELECT json_agg(json_build_object('name', r."name", 'limit', r."limit", 'durationMs', r."durationMs") ORDER BY r."position")
                   FROM "ApiKeyRateLimit" r WHERE r."keyId" = k."id") AS "ratelimits",
                (SELECT json_build_object('interval', c."refillInterval", 'amount', c."refillAmount", 'refillDay', c."refillDay")
                   FROM "ApiKeyCredits" c WHERE c."keyId" = k."id") AS "credits"`;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;
const isInt = (value: unknown, min: number, max: number): value is number => Number.isInteger(value) && (value as number) >= min && (value as number) <= max;

function rateLimit(raw: unknown, index: number): RateLimitConfig {
  if (isRecord(raw) && typeof raw.name === "string" && isInt(raw.limit, 1, Number.MAX_SAFE_INTEGER) && isInt(raw.durationMs, MIN_DURATION_MS, MAX_DURATION_MS)) {
    return { name: raw.name, limit: raw.limit, durationMs: raw.durationMs };
  }
  // Unreadable: a limit of 0 can never be met, so every request is RATE_LIMITED.
  return { name: `invalid-${index}`, limit: 0, durationMs: MAX_DURATION_MS };
}

function refill(raw: Record<string, unknown>): RefillConfig | null {
  if (raw.interval === null || raw.interval === undefined) return null;
  if ((REFILL_INTERVALS as readonly unknown[]).includes(raw.interval) && isInt(raw.amount, 1, Number.MAX_SAFE_INTEGER)) {
    const interval = raw.interval as RefillConfig["interval"];
    return { interval, amount: raw.amount, refillDay: interval === "monthly" ? (isInt(raw.refillDay, 1, 31) ? raw.refillDay : 1) : null };
  }
  return null;
}

/** null when the key has no limits at all (verification then skips the limiter entirely). */
export function limitsFromRow(row: { limitsVersion: unknown; ratelimits: unknown; credits: unknown }): KeyLimits | null {
  const parse = (value: unknown): unknown => (typeof value === "string" ? JSON.parse(value) : value);
  const list = parse(row.ratelimits);
  const credits = parse(row.credits);
  const ratelimits = Array.isArray(list) ? list.map(rateLimit) : [];
  if (ratelimits.length === 0 && !isRecord(credits)) return null;
  return {
    version: typeof row.limitsVersion === "number" ? row.limitsVersion : -1,
    ratelimits,
    credits: isRecord(credits) ? { refill: refill(credits) } : null,
  };
}
