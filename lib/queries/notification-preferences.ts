import "server-only";
import { db } from "@/lib/db";

/** The signed-in user's email opt-outs, for the Profile page. */
export async function getNotificationPreferences(userId: string) {
  return db.user.findUniqueOrThrow({ where: { id: userId }, select: { emailReminders: true, emailAlerts: true } });
}
