// Security alerts by mail: a leaked key and a used canary reach the key's creator and the
// administrators at once. Queued by the dispatcher, in the transaction that fans the event out,
// one message per event and recipient.
import type { Tx } from "@/lib/db";
import { mailSettings, publicBaseUrl } from "@/lib/notifications/mail/config";
import { enqueueMail } from "@/lib/notifications/mail/queue";
import { keyRecipients } from "@/lib/notifications/mail/recipients";
import { canaryAlert, leakAlert, type MailContent, type MailKey } from "@/lib/notifications/mail/templates";

interface DispatchedEvent {
  id: bigint;
  type: string;
  keyId: string | null;
  body: string;
}

interface AlertBody {
  timestamp: string;
  data: {
    url?: string | null;
    action?: "revoked" | "reported" | "already_revoked";
    request?: { method: string | null; path: string | null; ip: string | null };
  };
}

const ALERT_TYPES = new Set(["key.leaked", "key.canary_used"]);

export async function enqueueAlertMail(tx: Tx, event: DispatchedEvent, now: Date): Promise<void> {
  if (!ALERT_TYPES.has(event.type) || !event.keyId || !mailSettings().enabled) return;
  const key = await tx.apiKey.findUnique({
    where: { id: event.keyId },
    select: { publicId: true, name: true, displayPrefix: true, last4: true, expiresAt: true, createdById: true, project: { select: { name: true } } },
  });
  if (!key) return;
  const body = JSON.parse(event.body) as AlertBody;
  const mailKey: MailKey = {
    publicId: key.publicId,
    name: key.name,
    maskedKey: `${key.displayPrefix}\u2026${key.last4}`,
    projectName: key.project.name,
    expiresAt: key.expiresAt,
  };
  const baseUrl = publicBaseUrl();
  const recipients = await keyRecipients(tx, key.createdById, "emailAlerts");
  await enqueueMail(
    tx,
    recipients.map((to) => {
      const content: MailContent =
        event.type === "key.leaked"
          ? leakAlert({ name: to.name, key: mailKey, url: body.data.url ?? null, action: body.data.action ?? "reported", baseUrl })
          : canaryAlert({
              name: to.name,
              key: mailKey,
              request: body.data.request ?? { method: null, path: null, ip: null },
              at: new Date(body.timestamp),
              baseUrl,
            });
      return { dedupeKey: `alert:${event.id}:${to.id}`, kind: "alert" as const, to, content, at: now };
    }),
  );
}
