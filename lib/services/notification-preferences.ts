// A person's own email opt-outs (Profile page). Everyone may change their own, whatever their
// role; the change is audited like other profile changes.
import { recordAudit, type RequestContext } from "@/lib/audit";
import { db } from "@/lib/db";
import { auditActorOf, type Actor } from "@/lib/services/actor";
import { invalid } from "@/lib/services/errors";
import { notificationPreferencesSchema } from "@/lib/validations/notification-preferences";

export async function updateNotificationPreferences(actor: Actor, raw: unknown, context: RequestContext | null) {
  const parsed = notificationPreferencesSchema.safeParse(raw);
  if (!parsed.success) throw invalid(parsed.error);
  const next = parsed.data;
  return db.$transaction(async (tx) => {
    const current = await tx.user.findUniqueOrThrow({ where: { id: actor.user.id }, select: { emailReminders: true, emailAlerts: true } });
    const changed = (Object.keys(next) as (keyof typeof next)[]).filter((field) => next[field] !== current[field]);
    if (changed.length === 0) return { ...current, changed };
    await tx.user.update({ where: { id: actor.user.id }, data: next });
    await recordAudit(tx, {
      actor: auditActorOf(actor),
      action: "user.notifications_updated",
      summary: `Email ${changed.map((field) => `${field === "emailReminders" ? "reminders and digest" : "security alerts"} ${next[field] ? "on" : "off"}`).join(", ")}`,
      targetType: "user",
      targetId: actor.user.id,
      metadata: { changes: Object.fromEntries(changed.map((field) => [field, { from: current[field], to: next[field] }])) },
      context,
    });
    return { ...next, changed };
  });
}
