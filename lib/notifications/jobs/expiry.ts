// key.expiring (7 days and 1 day before) and key.expired, with reminder mail to the key's creator
// and the administrators. Each event is raised once per key, threshold and expiry time: its
// outbox row carries a unique dedupe key, and its reminders are queued in the same transaction
// with dedupe keys of their own, so overlapping runs, several instances or a restart mid-run
// can neither skip nor repeat one.
//
// Which keys get a threshold: those still live (not revoked, not rolled, project not archived),
// expiring within it, and created before it began — a key made to live 5 days gets the 1-day
// reminder only, not a "7 days" mail the moment it is created. Canary keys are never reminded
// about: nobody rolls a honeytoken.
import { db, type Tx } from "@/lib/db";
import { DAY_MS } from "@/lib/dates";
import { enqueueEvent } from "@/lib/notifications/outbox";
import { mailSettings, publicBaseUrl } from "@/lib/notifications/mail/config";
import { enqueueMail } from "@/lib/notifications/mail/queue";
import { keyRecipients } from "@/lib/notifications/mail/recipients";
import { expiryReminder } from "@/lib/notifications/mail/templates";

const THRESHOLDS = [
  { name: "7d", ms: 7 * DAY_MS, after: DAY_MS },
  { name: "1d", ms: DAY_MS, after: 0 },
] as const;
type Threshold = (typeof THRESHOLDS)[number]["name"];

/** Keys that expired longer ago than this when first seen (e.g. Keydesk was down) stay quiet. */
const EXPIRED_LOOKBACK_MS = 7 * DAY_MS;
const BATCH = 200;
const SYSTEM = { type: "system" as const, label: "Keydesk" };

// The dedupe keys, spelled once for TypeScript and once for SQL (which must agree exactly).
const expiringKey = (threshold: Threshold, keyId: string, expiresAt: Date) => `key.expiring:${threshold}:${keyId}:${expiresAt.getTime()}`;
const expiredKey = (keyId: string, expiresAt: Date) => `key.expired:${keyId}:${expiresAt.getTime()}`;
const EXPIRES_MS_SQL = `(extract(epoch from k."expiresAt") * 1000)::bigint`;

interface Candidate {
  id: string;
  expiresAt: Date;
}

async function expiringCandidates(threshold: (typeof THRESHOLDS)[number], now: Date): Promise<Candidate[]> {
  const from = new Date(now.getTime() + threshold.after);
  const to = new Date(now.getTime() + threshold.ms);
  const prefix = `key.expiring:${threshold.name}:`;
  return db.$queryRawUnsafe<Candidate[]>(
    `SELECT k."id", k."expiresAt" FROM "ApiKey" k JOIN "Project" p ON p."id" = k."projectId"
      WHERE k."revokedAt" IS NULL AND k."replacedById" IS NULL AND NOT k."canary" AND p."archivedAt" IS NULL
        AND k."expiresAt" > $1 AND k."expiresAt" <= $2
        AND k."createdAt" < k."expiresAt" - make_interval(secs => $3::double precision / 1000)
        AND NOT EXISTS (SELECT 1 FROM "OutboxEvent" o WHERE o."dedupeKey" = $4 || k."id" || ':' || ${EXPIRES_MS_SQL})
      ORDER BY k."expiresAt" LIMIT ${BATCH}`,
    from,
    to,
    threshold.ms,
    prefix,
  );
}

async function expiredCandidates(now: Date): Promise<Candidate[]> {
  return db.$queryRawUnsafe<Candidate[]>(
    `SELECT k."id", k."expiresAt" FROM "ApiKey" k
      WHERE k."revokedAt" IS NULL AND NOT k."canary" AND k."expiresAt" <= $1 AND k."expiresAt" > $2
        AND NOT EXISTS (SELECT 1 FROM "OutboxEvent" o WHERE o."dedupeKey" = 'key.expired:' || k."id" || ':' || ${EXPIRES_MS_SQL})
      ORDER BY k."expiresAt" LIMIT ${BATCH}`,
    now,
    new Date(now.getTime() - EXPIRED_LOOKBACK_MS),
  );
}

async function queueReminders(tx: Tx, threshold: Threshold, keyId: string, now: Date): Promise<void> {
  if (!mailSettings().enabled) return;
  const key = await tx.apiKey.findUniqueOrThrow({
    where: { id: keyId },
    select: { publicId: true, name: true, displayPrefix: true, last4: true, expiresAt: true, createdById: true, project: { select: { name: true } } },
  });
  if (!key.expiresAt) return;
  const expiresAt = key.expiresAt;
  const baseUrl = publicBaseUrl();
  const recipients = await keyRecipients(tx, key.createdById, "emailReminders");
  const mailKey = { publicId: key.publicId, name: key.name, maskedKey: `${key.displayPrefix}\u2026${key.last4}`, projectName: key.project.name, expiresAt };
  await enqueueMail(
    tx,
    recipients.map((to) => ({
      dedupeKey: `reminder:${threshold}:${keyId}:${expiresAt.getTime()}:${to.id}`,
      kind: "reminder" as const,
      to,
      content: expiryReminder({ name: to.name, key: mailKey, threshold, baseUrl }),
      at: now,
    })),
  );
}

/**
 * Handles candidates batch by batch until none is left. A key seen twice means its event could
 * not be recorded (a concurrent run got there first, or the SQL and TypeScript dedupe keys
 * disagree): stop rather than loop.
 */
async function drain(fetch: () => Promise<Candidate[]>, handle: (key: Candidate) => Promise<void>): Promise<void> {
  const seen = new Set<string>();
  for (;;) {
    const fresh = (await fetch()).filter((key) => !seen.has(key.id));
    if (fresh.length === 0) return;
    for (const key of fresh) {
      seen.add(key.id);
      await handle(key);
    }
  }
}

export interface ExpiryRunResult {
  expiring: number;
  expired: number;
}

/** One pass: raises every due expiring/expired event (in batches) and queues its reminders. */
export async function raiseExpiryEvents(now: Date = new Date()): Promise<ExpiryRunResult> {
  const result = { expiring: 0, expired: 0 };
  for (const threshold of THRESHOLDS) {
    await drain(
      () => expiringCandidates(threshold, now),
      (key) =>
        db.$transaction(async (tx) => {
          const raised = await enqueueEvent(tx, {
            type: "key.expiring",
            keyId: key.id,
            actor: SYSTEM,
            extra: { threshold: threshold.name, expiresAt: key.expiresAt.toISOString() },
            at: now,
            dedupeKey: expiringKey(threshold.name, key.id, key.expiresAt),
          });
          if (!raised) return;
          result.expiring += 1;
          await queueReminders(tx, threshold.name, key.id, now);
        }),
    );
  }
  await drain(
    () => expiredCandidates(now),
    (key) =>
      db.$transaction(async (tx) => {
        const raised = await enqueueEvent(tx, {
          type: "key.expired",
          keyId: key.id,
          actor: SYSTEM,
          extra: { expiredAt: key.expiresAt.toISOString() },
          at: now,
          dedupeKey: expiredKey(key.id, key.expiresAt),
        });
        if (raised) result.expired += 1;
      }),
  );
  return result;
}
