import { z } from "zod";

/** A checkbox submits "on" when ticked and nothing otherwise; JSON sends booleans. */
const flag = z.preprocess((raw) => raw === true || raw === "on" || raw === "true", z.boolean());

/** The Profile page's email opt-outs. */
export const notificationPreferencesSchema = z.object({
  /** Expiry reminders and the weekly stale-key digest. */
  emailReminders: flag,
  /** Leaked-key and canary alerts. */
  emailAlerts: flag,
});
