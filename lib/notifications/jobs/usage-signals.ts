// key.rate_limited, key.usage_exceeded and key.new_ip. They are raised from what the request
// trail already counts (KeyRequestHourly per key, hour and outcome; KeyClientIp's newAt), so the
// verification path gains no I/O and no state for them. The scheduler runs this job on one
// instance at a time, every few seconds; each event carries a dedupe key, so a second look at the
// same hour or the same new address raises nothing.
//
// "At most one per key per hour" (issue 17) is a rolling hour: a key limited at 10:59 and again at
// 11:01 raises one event, not one per clock hour.
//
// With the request trail off (KEYDESK_TRAIL=off) nothing is counted, so these events are not
// raised either; docs/notifications.md says so.
import { db } from "@/lib/db";
import { enqueueEvent } from "@/lib/notifications/outbox";

/** How far back each pass looks: longer than any pause between passes, including a restart. */
const LOOKBACK_MS = 15 * 60 * 1000;
const HOUR_MS = 60 * 60 * 1000;

const SIGNAL_OF_OUTCOME = { RATE_LIMITED: "key.rate_limited", USAGE_EXCEEDED: "key.usage_exceeded" } as const;
type LimitOutcome = keyof typeof SIGNAL_OF_OUTCOME;

const SYSTEM_ACTOR = { type: "system", label: "Keydesk" } as const;

/** Raises the events the trail's recent counts call for; returns how many were raised. */
export async function raiseUsageSignals(now: Date = new Date()): Promise<number> {
  const since = new Date(now.getTime() - LOOKBACK_MS);
  // Both reads are served by partial/plain indexes on "hour" and "newAt" (migration
  // 20261203000900_usage_signal_indexes), so a pass costs what the last minutes produced.
  const limited = await db.$queryRaw<{ keyId: string; outcome: LimitOutcome; hour: Date; count: number }[]>`
    SELECT "keyId", "outcome", "hour", "count"
      FROM "KeyRequestHourly"
     WHERE "outcome" IN ('RATE_LIMITED', 'USAGE_EXCEEDED') AND "count" > 0
       AND "hour" >= date_trunc('hour', ${since}::timestamptz)
     ORDER BY "hour"`;
  const newIps = await db.$queryRaw<{ keyId: string; ip: string; newAt: Date }[]>`
    SELECT "keyId", host("ip") AS "ip", "newAt"
      FROM "KeyClientIp"
     WHERE "newAt" >= ${since}::timestamptz
     ORDER BY "newAt"`;
  if (limited.length === 0 && newIps.length === 0) return 0;

  let raised = 0;
  await db.$transaction(async (tx) => {
    for (const row of limited) {
      const type = SIGNAL_OF_OUTCOME[row.outcome];
      const recent = await tx.outboxEvent.findFirst({
        where: { type, keyId: row.keyId, createdAt: { gt: new Date(now.getTime() - HOUR_MS) } },
        select: { id: true },
      });
      if (recent) continue;
      const hour = row.hour.toISOString();
      const enqueued = await enqueueEvent(tx, {
        type,
        keyId: row.keyId,
        actor: SYSTEM_ACTOR,
        extra: { hour, refused: row.count },
        at: now,
        dedupeKey: `${type}:${row.keyId}:${hour}`,
      });
      if (enqueued) raised += 1;
    }
    for (const row of newIps) {
      const enqueued = await enqueueEvent(tx, {
        type: "key.new_ip",
        keyId: row.keyId,
        actor: SYSTEM_ACTOR,
        extra: { ip: row.ip },
        at: row.newAt,
        dedupeKey: `key.new_ip:${row.keyId}:${row.ip}:${row.newAt.toISOString()}`,
      });
      if (enqueued) raised += 1;
    }
  });
  return raised;
}
