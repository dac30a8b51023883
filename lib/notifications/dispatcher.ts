// Fans committed outbox events out: one WebhookDelivery per enabled endpoint that subscribes to
// the event's type and covers its project, plus alert mail for the events that warrant it. Rows
// are taken with FOR UPDATE SKIP LOCKED and marked dispatched in the same transaction, so with N
// instances polling, each event is fanned out exactly once.
import { db } from "@/lib/db";
import { enqueueAlertMail } from "@/lib/notifications/mail/alerts";

const BATCH_SIZE = 100;

interface PendingEvent {
  id: bigint;
  type: string;
  keyId: string | null;
  body: string;
}

export async function dispatchOutbox(options: { now?: Date; batchSize?: number } = {}): Promise<number> {
  const now = options.now ?? new Date();
  const limit = options.batchSize ?? BATCH_SIZE;
  // Every instance polls every second: when nothing waits (nearly always), one index probe and
  // no transaction.
  const waiting = await db.$queryRaw<unknown[]>`SELECT 1 FROM "OutboxEvent" WHERE "dispatchedAt" IS NULL LIMIT 1`;
  if (waiting.length === 0) return 0;
  return db.$transaction(async (tx) => {
    const events = await tx.$queryRaw<PendingEvent[]>`
      SELECT "id", "type", "keyId", "body" FROM "OutboxEvent"
       WHERE "dispatchedAt" IS NULL ORDER BY "id" LIMIT ${limit} FOR UPDATE SKIP LOCKED`;
    if (events.length === 0) return 0;
    const ids = events.map((event) => event.id.toString());
    await tx.$executeRaw`
      INSERT INTO "WebhookDelivery" ("endpointId", "eventId", "nextAttemptAt", "createdAt")
      SELECT e."id", o."id", ${now}, ${now}
        FROM "OutboxEvent" o
        JOIN "WebhookEndpoint" e
          ON e."enabled" AND o."type" = ANY(e."eventTypes") AND (e."projectId" IS NULL OR e."projectId" = o."projectId")
       WHERE o."id" = ANY(${ids}::bigint[])`;
    for (const event of events) await enqueueAlertMail(tx, event, now);
    await tx.$executeRaw`UPDATE "OutboxEvent" SET "dispatchedAt" = ${now} WHERE "id" = ANY(${ids}::bigint[])`;
    return events.length;
  });
}
