// Keeps the notification tables small: finished history older than 30 days goes. Outbox rows
// whose deliveries are all finished go with their deliveries and attempts (cascade); their dedupe
// keys are no longer needed by then, because expiry events only consider the last 7 days.
import { db } from "@/lib/db";
import { DAY_MS } from "@/lib/dates";

const RETENTION_DAYS = 30;

export async function pruneNotificationHistory(now: Date = new Date()): Promise<void> {
  const cutoff = new Date(now.getTime() - RETENTION_DAYS * DAY_MS);
  await db.$executeRaw`
    DELETE FROM "OutboxEvent" o
     WHERE o."dispatchedAt" < ${cutoff}
       AND NOT EXISTS (SELECT 1 FROM "WebhookDelivery" d WHERE d."eventId" = o."id" AND d."status" = 'pending')`;
  await db.mailMessage.deleteMany({ where: { status: { not: "pending" }, createdAt: { lt: cutoff } } });
}
