// Email + password sign-in, behind next-auth's Credentials provider (lib/auth/options.ts). Checks
// the password under the throttle, records success and failure in the audit log, starts a
// server-side session, and upgrades old password hashes.
import { recordAudit, type RequestContext } from "@/lib/audit";
import { deviceCookieAfterSignIn, deviceIdFor } from "@/lib/auth/device-cookie";
import { hashPassword, needsRehash, verifyAgainstDummy, verifyPassword } from "@/lib/auth/password";
import { db } from "@/lib/db";
import { flushRefusalSummaries, recordRefusedSignIn } from "@/lib/services/sign-in-refusals";
import { claimSignInAttempt, clearSignInThrottle, signInThrottleKeys, throttleMessage } from "@/lib/services/sign-in-throttle";
import { startUserSession } from "@/lib/services/user-sessions";
import { signInSchema } from "@/lib/validations/user";

export interface SignInContext extends RequestContext {
  /** The browser's device cookie, if it sent one (lib/auth/device-cookie.ts). */
  deviceCookie?: string | null;
}

export interface SignedIn {
  id: string;
  email: string;
  name: string;
  /** The UserSession row the session cookie will name. */
  sessionId: string;
  /** Sign-in time, epoch ms: the session's absolute maximum counts from here. */
  authAt: number;
  /** The device cookie to set (null when no secret is configured to sign it). */
  deviceCookie: string | null;
}

export const TEMPORARY_PASSWORD_EXPIRED =
  "This temporary password has expired. Ask an administrator to reset your password.";

/**
 * Checks email + password. Failures answer null (one answer for unknown emails and wrong
 * passwords); a throttled attempt, or an expired temporary password, throws its message, which
 * next-auth hands to `signIn()` as `result.error`.
 */
export async function authorizeCredentials(
  credentials: Record<string, string> | undefined,
  context: SignInContext,
): Promise<SignedIn | null> {
  const parsed = signInSchema.safeParse(credentials ?? {});
  if (!parsed.success) return null;
  const { email, password } = parsed.data;
  const audit = { ip: context.ip, userAgent: context.userAgent };

  const throttleKeys = signInThrottleKeys({ email, ip: context.ip, deviceId: deviceIdFor(context.deviceCookie, email) });
  const claim = await claimSignInAttempt(throttleKeys);
  if (!claim.allowed) {
    await recordRefusedSignIn(email, audit, claim.retryAfterMs);
    throw new Error(throttleMessage(claim.retryAfterMs));
  }

  const user = await db.user.findUnique({
    where: { email },
    select: { id: true, email: true, name: true, passwordHash: true, active: true, mustChangePassword: true, passwordExpiresAt: true },
  });
  const ok = user?.passwordHash && user.active
    ? await verifyPassword(password, user.passwordHash)
    : await verifyAgainstDummy(password);

  const now = new Date();
  // Only someone who knows the temporary password learns that it expired.
  const expired = ok && !!user?.mustChangePassword && !!user.passwordExpiresAt && user.passwordExpiresAt <= now;
  if (!ok || !user || expired) {
    await db.$transaction((tx) =>
      recordAudit(tx, {
        actor: { type: "anonymous", label: email },
        action: "auth.sign_in_failed",
        summary: expired ? `Failed sign-in for ${email}: the temporary password has expired` : `Failed sign-in for ${email}`,
        targetType: "user",
        targetId: user?.id,
        metadata: expired ? { reason: "temporary_password_expired" } : undefined,
        context: audit,
      }),
    );
    if (expired) throw new Error(TEMPORARY_PASSWORD_EXPIRED);
    // The same answer for unknown emails: a lock must not tell which accounts exist.
    if (claim.lockedUntil) throw new Error(throttleMessage(claim.lockedUntil.getTime() - Date.now()));
    return null;
  }

  // Hashes from before the parameters were raised are replaced now that we know the password.
  const upgradedHash = user.passwordHash && needsRehash(user.passwordHash) ? await hashPassword(password) : null;
  const session = await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { lastSignInAt: now } });
    if (upgradedHash) {
      // Only if the password did not change meanwhile.
      await tx.user.updateMany({ where: { id: user.id, passwordHash: user.passwordHash }, data: { passwordHash: upgradedHash } });
    }
    await clearSignInThrottle(tx, throttleKeys, now);
    const started = await startUserSession(tx, user.id, audit, now);
    await recordAudit(tx, {
      actor: { type: "user", id: user.id, email: user.email },
      action: "auth.signed_in",
      summary: `${user.email} signed in`,
      targetType: "user",
      targetId: user.id,
      context: audit,
    });
    await flushRefusalSummaries(tx, now);
    return started;
  });
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    sessionId: session.id,
    authAt: session.createdAt.getTime(),
    deviceCookie: deviceCookieAfterSignIn(context.deviceCookie, email),
  };
}
