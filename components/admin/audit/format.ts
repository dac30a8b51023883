// Audit times are shown in UTC, like the date filters and the export: one clock for everyone
// reading the log together, and no server/browser time-zone mismatch while hydrating.

/** "2026-11-22 14:03:05 UTC". */
export function formatAuditTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

/** "key" → "Key", "audit_log" → "Audit log". */
export function humanize(text: string): string {
  const spaced = text.replace(/_/g, " ");
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

/** "key.revoked" → "Key revoked", "auth.sign_in_failed" → "Sign in failed", "api.denied" → "API denied". */
export function actionLabel(action: string): string {
  const [family = "", verb = ""] = action.split(".", 2);
  if (!verb) return humanize(family);
  // "auth.signed_in" reads as "Signed in": the family adds nothing to sign-in events.
  if (family === "auth") return humanize(verb);
  const subject = family === "api" ? "API" : humanize(family);
  return `${subject} ${verb.replace(/_/g, " ")}`;
}
