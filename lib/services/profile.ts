// Self-service: anyone signed in, for their own account — their name, their password (also the
// forced change after signing in with a temporary password), and confirming their password before
// a sensitive action. Wrong current passwords are throttled like sign-ins (`reauth:<userId>`).
import { recordAudit, type RequestContext } from "@/lib/audit";
import { COMMON_PASSWORD_MESSAGE, isCommonPassword } from "@/lib/auth/common-passwords";
import { hashPassword, verifyPassword } from "@/lib/auth/password";
import { db, type Tx } from "@/lib/db";
import { auditActorOf, type Actor } from "@/lib/services/actor";
import { ServiceError, fieldError, invalid } from "@/lib/services/errors";
import { claimSignInAttempt, clearSignInThrottle, reauthThrottleKey, throttleMessage } from "@/lib/services/sign-in-throttle";
import { markReauthenticated, revokeUserSessions } from "@/lib/services/user-sessions";
import { changePasswordSchema, confirmPasswordSchema, updateProfileSchema } from "@/lib/validations/admin-user";

interface SelfRow {
  id: string;
  name: string;
  email: string;
  active: boolean;
  passwordHash: string | null;
}

/** The caller's own row, locked: two tabs saving at once apply one after the other. */
async function lockSelf(tx: Tx, actor: Actor): Promise<SelfRow> {
  const rows = await tx.$queryRaw<SelfRow[]>`
    SELECT "id", "name", "email", "active", "passwordHash" FROM "User" WHERE "id" = ${actor.user.id}::uuid FOR UPDATE`;
  const user = rows[0];
  if (!user?.active) throw new ServiceError("forbidden", "Your account has been deactivated. Ask an administrator.");
  return user;
}

export async function updateOwnProfile(actor: Actor, raw: unknown, context: RequestContext | null) {
  const parsed = updateProfileSchema.safeParse(raw);
  if (!parsed.success) throw invalid(parsed.error);
  return db.$transaction(async (tx) => {
    const user = await lockSelf(tx, actor);
    if (user.name === parsed.data.name) return { id: user.id, name: user.name, changed: false };
    const updated = await tx.user.update({ where: { id: user.id }, data: { name: parsed.data.name }, select: { id: true, name: true } });
    await recordAudit(tx, {
      actor: auditActorOf(actor),
      action: "user.profile_updated",
      summary: `${user.email} changed their name from "${user.name}" to "${updated.name}"`,
      targetType: "user",
      targetId: user.id,
      metadata: { changes: { name: { from: user.name, to: updated.name } } },
      context,
    });
    return { ...updated, changed: true };
  });
}

/**
 * Checks the actor's current password under the `reauth:<userId>` throttle; answers the stored
 * hash it matched. Throws a field error on `field` when it is wrong or the check is locked.
 */
async function checkCurrentPassword(actor: Actor, password: string, field: string): Promise<string> {
  const key = reauthThrottleKey(actor.user.id);
  const claim = await claimSignInAttempt([key]);
  if (!claim.allowed) throw fieldError(field, throttleMessage(claim.retryAfterMs), "limit");
  const current = await db.user.findUnique({ where: { id: actor.user.id }, select: { passwordHash: true } });
  const ok = current?.passwordHash ? await verifyPassword(password, current.passwordHash) : false;
  if (!ok || !current?.passwordHash) {
    if (claim.lockedUntil) throw fieldError(field, throttleMessage(claim.lockedUntil.getTime() - Date.now()), "limit");
    throw fieldError(field, "Your current password is not correct.");
  }
  await db.$transaction((tx) => clearSignInThrottle(tx, [key]));
  return current.passwordHash;
}

/**
 * Changes the actor's own password (also the forced change after a temporary password) and ends
 * every other session of the account: they are revoked, and sessions that last proved the
 * password before the returned instant are refused (User.sessionsValidFrom). The actor's own
 * session (actor.user.sessionId) carries on, marked as having just proved the password.
 */
export async function changeOwnPassword(actor: Actor, raw: unknown, context: RequestContext | null): Promise<{ sessionsValidFrom: Date }> {
  const parsed = changePasswordSchema.safeParse(raw);
  if (!parsed.success) throw invalid(parsed.error);
  if (isCommonPassword(parsed.data.password, { email: actor.user.email })) throw fieldError("password", COMMON_PASSWORD_MESSAGE);
  const checkedHash = await checkCurrentPassword(actor, parsed.data.currentPassword, "currentPassword");
  const passwordHash = await hashPassword(parsed.data.password);

  return db.$transaction(async (tx) => {
    const user = await lockSelf(tx, actor);
    // Changed by another tab since we checked: the check above no longer proves anything.
    if (user.passwordHash !== checkedHash) throw fieldError("currentPassword", "Your password was just changed elsewhere. Try again.");
    const sessionsValidFrom = new Date();
    await tx.user.update({
      where: { id: user.id },
      data: { passwordHash, sessionsValidFrom, mustChangePassword: false, passwordExpiresAt: null },
    });
    const ended = await revokeUserSessions(tx, user.id, sessionsValidFrom, actor.user.sessionId);
    if (actor.user.sessionId) await markReauthenticated(tx, actor.user.sessionId, sessionsValidFrom);
    await recordAudit(tx, {
      actor: auditActorOf(actor),
      action: "user.password_changed",
      summary: `${user.email} changed their password; their other sessions were ended`,
      targetType: "user",
      targetId: user.id,
      metadata: { sessionsEnded: ended },
      context,
    });
    return { sessionsValidFrom };
  });
}

/**
 * The confirm-password dialog: proves the password again in the actor's session, so actions
 * guarded by requireRecentAuth() (lib/auth/recent-auth.ts) go through for the next few minutes.
 */
export async function confirmOwnPassword(actor: Actor, raw: unknown): Promise<void> {
  const parsed = confirmPasswordSchema.safeParse(raw);
  if (!parsed.success) throw invalid(parsed.error);
  const sessionId = actor.user.sessionId;
  if (!sessionId) throw new ServiceError("forbidden", "Only a signed-in session can confirm a password.");
  await checkCurrentPassword(actor, parsed.data.password, "password");
  await db.$transaction((tx) => markReauthenticated(tx, sessionId));
}
