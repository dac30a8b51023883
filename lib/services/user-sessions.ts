// Server-side sessions. The session cookie (a next-auth JWT) names a UserSession row, and every
// guard checks the row (lib/auth/session-user.ts): signing out revokes it, so a copied cookie is
// worthless afterwards, and a session ends 12 hours after sign-in whatever the cookie says.
import { recordAudit, type RequestContext } from "@/lib/audit";
import { SESSION_MAX_AGE_MS, isSessionId } from "@/lib/auth/session-policy";
import { db, type Tx } from "@/lib/db";

/** Ended sessions are deleted once they are this old (they are kept a while for forensics). */
const KEEP_ENDED_MS = 30 * 24 * 60 * 60 * 1000;

/** Called in the sign-in transaction. */
export async function startUserSession(
  tx: Tx,
  userId: string,
  context: RequestContext | null,
  now = new Date(),
): Promise<{ id: string; createdAt: Date }> {
  await tx.userSession.deleteMany({ where: { expiresAt: { lt: new Date(now.getTime() - KEEP_ENDED_MS) } } });
  return tx.userSession.create({
    data: {
      userId,
      createdAt: now,
      lastSeenAt: now,
      reauthenticatedAt: now,
      expiresAt: new Date(now.getTime() + SESSION_MAX_AGE_MS),
      ip: context?.ip?.slice(0, 64) ?? null,
      userAgent: context?.userAgent?.slice(0, 512) ?? null,
    },
    select: { id: true, createdAt: true },
  });
}

/**
 * Sign-out: revokes the session and records it. Nothing happens (and nothing is recorded) for a
 * session that had already ended, so replaying a sign-out is harmless.
 */
export async function endUserSession(sessionId: unknown, context: RequestContext | null): Promise<boolean> {
  if (!isSessionId(sessionId)) return false;
  return db.$transaction(async (tx) => {
    const now = new Date();
    const ended = await tx.userSession.updateManyAndReturn({
      where: { id: sessionId, revokedAt: null },
      data: { revokedAt: now },
      select: { userId: true },
    });
    const userId = ended[0]?.userId;
    if (!userId) return false;
    const user = await tx.user.findUniqueOrThrow({ where: { id: userId }, select: { id: true, email: true } });
    await recordAudit(tx, {
      actor: { type: "user", id: user.id, email: user.email },
      action: "auth.signed_out",
      summary: `${user.email} signed out`,
      targetType: "user",
      targetId: user.id,
      context,
    });
    return true;
  });
}

/** Ends every session of a user (password reset, deactivation), or all but `keep`. */
export async function revokeUserSessions(tx: Tx, userId: string, now: Date, keep?: string): Promise<number> {
  const { count } = await tx.userSession.updateMany({
    where: { userId, revokedAt: null, ...(keep ? { NOT: { id: keep } } : {}) },
    data: { revokedAt: now },
  });
  return count;
}

/** The person proved their password again in this session (see lib/auth/recent-auth.ts). */
export async function markReauthenticated(tx: Tx, sessionId: string, now = new Date()): Promise<void> {
  await tx.userSession.updateMany({ where: { id: sessionId, revokedAt: null }, data: { reauthenticatedAt: now } });
}
