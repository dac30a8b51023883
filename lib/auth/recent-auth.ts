import "server-only";
// Re-authentication before sensitive actions: resetting someone else's password, changing a role
// (and, later, creating management keys). A stolen or unattended session must not be enough for
// them: the person has to have proved their password in this session within RECENT_AUTH_MS, by
// signing in or through the confirm-password dialog (components/auth/confirm-password-dialog.tsx,
// which calls lib/actions/reauth.ts).
//
// Use in a server action, after the permission check:
//   const user = await authorize("users.manage");
//   requireRecentAuth(user);
// runAction turns the error into `{ reauthRequired: true }`, which the dialog's hook
// (useReauthAction) answers by asking for the password and submitting again.
import { RECENT_AUTH_MS } from "@/lib/auth/session-policy";
import type { CurrentUser } from "@/lib/auth/session-user";

export class ReauthRequiredError extends Error {
  constructor() {
    super("Confirm your password to continue: this change needs a recent sign-in.");
    this.name = "ReauthRequiredError";
  }
}

export function hasRecentAuth(user: Pick<CurrentUser, "reauthenticatedAt">, now = Date.now()): boolean {
  return now - user.reauthenticatedAt.getTime() <= RECENT_AUTH_MS;
}

export function requireRecentAuth(user: Pick<CurrentUser, "reauthenticatedAt">, now = Date.now()): void {
  if (!hasRecentAuth(user, now)) throw new ReauthRequiredError();
}
