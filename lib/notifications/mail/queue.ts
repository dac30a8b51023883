// Queued mail. A message is rendered and inserted (usually inside the transaction that decided
// to send it) with a dedupe key, so each reminder, digest and alert exists once whatever the
// number of instances or restarts; a worker then sends due messages, claiming them with a lease
// like webhook deliveries (lib/notifications/deliveries.ts) and retrying for up to 24 hours.
import { db, type Tx } from "@/lib/db";
import { retryDelayMs, RETRY_WINDOW_MS } from "@/lib/notifications/deliveries";
import type { MailContent } from "@/lib/notifications/mail/templates";
import { sendMail } from "@/lib/notifications/mail/transport";

const LEASE_MS = 2 * 60 * 1000;
const BATCH_SIZE = 10;

export interface MailRecipient {
  id: string;
  email: string;
  name: string;
}

export interface QueuedMail {
  dedupeKey: string;
  kind: "reminder" | "digest" | "alert";
  to: MailRecipient;
  content: MailContent;
  at: Date;
}

/** Queues messages; ones whose dedupe key exists already are skipped. Returns how many were new. */
export async function enqueueMail(tx: Tx, messages: QueuedMail[]): Promise<number> {
  if (messages.length === 0) return 0;
  const { count } = await tx.mailMessage.createMany({
    data: messages.map((m) => ({
      dedupeKey: m.dedupeKey,
      kind: m.kind,
      userId: m.to.id,
      toAddress: m.to.email,
      subject: m.content.subject,
      text: m.content.text,
      html: m.content.html,
      nextAttemptAt: m.at,
      createdAt: m.at,
    })),
    skipDuplicates: true,
  });
  return count;
}

interface ClaimedMail {
  id: string;
  toAddress: string;
  subject: string;
  text: string;
  html: string;
  attempts: number;
  createdAt: Date;
}

/** Sends the messages that are due; returns how many were attempted. */
export async function sendDueMail(options: { now?: () => Date; batchSize?: number } = {}): Promise<number> {
  const now = options.now ?? (() => new Date());
  const claimedAt = now();
  const claimed = await db.$queryRaw<ClaimedMail[]>`
    UPDATE "MailMessage" m
       SET "attempts" = m."attempts" + 1, "nextAttemptAt" = ${new Date(claimedAt.getTime() + LEASE_MS)}
      FROM (SELECT "id" FROM "MailMessage"
             WHERE "status" = 'pending' AND "nextAttemptAt" <= ${claimedAt}
             ORDER BY "nextAttemptAt" LIMIT ${options.batchSize ?? BATCH_SIZE}
             FOR UPDATE SKIP LOCKED) due
     WHERE m."id" = due."id"
    RETURNING m."id", m."toAddress", m."subject", m."text", m."html", m."attempts", m."createdAt"`;
  for (const mail of claimed) {
    try {
      await sendMail({ to: mail.toAddress, subject: mail.subject, text: mail.text, html: mail.html });
      await db.mailMessage.updateMany({ where: { id: mail.id, attempts: mail.attempts }, data: { status: "sent", sentAt: now(), lastError: null } });
    } catch (error) {
      // nodemailer's messages name the server and the SMTP reply, never the credentials.
      const message = (error instanceof Error ? error.message : "Sending failed").split("\n")[0]!.slice(0, 500);
      const retryAt = new Date(now().getTime() + retryDelayMs(mail.attempts));
      const givesUp = retryAt.getTime() > mail.createdAt.getTime() + RETRY_WINDOW_MS;
      await db.mailMessage.updateMany({
        where: { id: mail.id, attempts: mail.attempts },
        data: { status: givesUp ? "failed" : "pending", nextAttemptAt: retryAt, lastError: message },
      });
    }
  }
  return claimed.length;
}
