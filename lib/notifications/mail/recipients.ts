// Who hears about a key: its creator and the administrators (Keydesk's administrators administer
// every project), each only while active and not opted out on their Profile page.
import type { Tx } from "@/lib/db";
import type { MailRecipient } from "@/lib/notifications/mail/queue";

export type MailPreference = "emailReminders" | "emailAlerts";

export async function keyRecipients(tx: Tx, createdById: string | null, preference: MailPreference): Promise<MailRecipient[]> {
  return tx.user.findMany({
    where: {
      active: true,
      [preference]: true,
      OR: [{ role: "admin" }, ...(createdById ? [{ id: createdById }] : [])],
    },
    select: { id: true, email: true, name: true },
    orderBy: { createdAt: "asc" },
  });
}
