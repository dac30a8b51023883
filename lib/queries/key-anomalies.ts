import "server-only";
// The inputs of the anomaly rules (lib/trail/anomalies.ts) for a page of keys: two small queries
// for all of them (recent client addresses, the last two hours' counts), nothing per key.
import { db } from "@/lib/db";
import { keyAnomalies, NEW_IP_WINDOW_MS, type KeyAnomaly } from "@/lib/trail/anomalies";

const HOUR_MS = 3_600_000;

export interface AnomalyKey {
  id: string;
  createdAt: Date | string;
  lastUsedAt: Date | string | null;
  revokedAt: Date | string | null;
  expiresAt: Date | string | null;
}

const ms = (value: Date | string | null): number | null => (value === null ? null : new Date(value).getTime());

/** Anomalies per key id; keys without any are absent. `canSeeIps`: whether new_ip names the address. */
export async function keyAnomaliesFor(keys: AnomalyKey[], options: { canSeeIps: boolean; now?: Date }): Promise<Map<string, KeyAnomaly[]>> {
  const result = new Map<string, KeyAnomaly[]>();
  if (keys.length === 0) return result;
  const now = (options.now ?? new Date()).getTime();
  const ids = keys.map((key) => key.id);
  const previousHour = new Date(now - (now % HOUR_MS) - HOUR_MS);
  const [ips, hours] = await Promise.all([
    db.$queryRaw<{ keyId: string; ip: string; newAt: Date; keyFirstSeenAt: Date }[]>`
      SELECT c."keyId", host(c."ip") AS "ip", c."newAt",
             (SELECT min(o."firstSeenAt") FROM "KeyClientIp" o WHERE o."keyId" = c."keyId") AS "keyFirstSeenAt"
        FROM "KeyClientIp" c
       WHERE c."keyId" = ANY(${ids}::uuid[]) AND c."newAt" >= ${new Date(now - NEW_IP_WINDOW_MS)}`,
    db.$queryRaw<{ keyId: string; hour: Date; valid: bigint; denied: bigint }[]>`
      SELECT h."keyId", h."hour",
             coalesce(sum(h."count") FILTER (WHERE h."outcome" = 'VALID'), 0)::bigint AS "valid",
             coalesce(sum(h."count") FILTER (WHERE h."outcome" <> 'VALID'), 0)::bigint AS "denied"
        FROM "KeyRequestHourly" h
       WHERE h."keyId" = ANY(${ids}::uuid[]) AND h."hour" >= ${previousHour}
       GROUP BY h."keyId", h."hour"`,
  ]);
  for (const key of keys) {
    const keyIps = ips.filter((row) => row.keyId === key.id);
    const anomalies = keyAnomalies(
      {
        createdAt: ms(key.createdAt) as number,
        lastUsedAt: ms(key.lastUsedAt),
        revokedAt: ms(key.revokedAt),
        expiresAt: ms(key.expiresAt),
        newIps: keyIps.map((row) => ({ ip: options.canSeeIps ? row.ip : null, newAt: row.newAt.getTime() })),
        firstSeenAt: keyIps[0]?.keyFirstSeenAt.getTime() ?? null,
        hours: hours.filter((row) => row.keyId === key.id).map((row) => ({ hour: row.hour.getTime(), valid: Number(row.valid), denied: Number(row.denied) })),
      },
      now,
    );
    if (anomalies.length > 0) result.set(key.id, anomalies);
  }
  return result;
}
