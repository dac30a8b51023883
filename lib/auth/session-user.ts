import "server-only";
// The user behind a session cookie, re-read on every request: what every guard (lib/auth/session.ts)
// and next-auth's token refresh (lib/auth/options.ts) stand on. It lives beside them, not among
// the pages' queries, so the guards depend on nothing feature-specific.
import { SESSION_MAX_AGE_MS, isSessionId } from "@/lib/auth/session-policy";
import { db } from "@/lib/db";
import type { Role } from "@/lib/generated/prisma/enums";

export interface CurrentUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  active: boolean;
  /** The UserSession row this request runs in. */
  sessionId: string;
  /** Last password proof in this session (sign-in or confirmation); see lib/auth/recent-auth.ts. */
  reauthenticatedAt: Date;
  /** Signed in with a temporary password: nothing but choosing a new one is allowed. */
  mustChangePassword: boolean;
}

/** What the session cookie says (the decoded next-auth JWT). Nothing in it is trusted alone. */
export interface SessionClaims {
  uid?: unknown;
  sid?: unknown;
  authAt?: unknown;
}

/** lastSeenAt is written at most this often per session, not on every request. */
const LAST_SEEN_RESOLUTION_MS = 5 * 60 * 1000;

/**
 * The user behind a session cookie as the database says now, or null. Null when the session row
 * is missing, revoked (sign-out, password reset, deactivation), past its absolute end, or
 * belongs to someone else; when the account is deactivated; when the session proved the password
 * before the account's cut-off (User.sessionsValidFrom); when the sign-in is older than the
 * absolute maximum; and when a temporary password it was opened with has expired unchanged.
 */
export async function loadSessionUser(claims: SessionClaims, now = new Date()): Promise<CurrentUser | null> {
  const { uid, sid, authAt } = claims;
  if (typeof uid !== "string" || !isSessionId(sid) || typeof authAt !== "number") return null;
  if (now.getTime() - authAt >= SESSION_MAX_AGE_MS || authAt > now.getTime() + 60_000) return null;
  const session = await db.userSession.findUnique({
    where: { id: sid },
    select: {
      userId: true,
      expiresAt: true,
      revokedAt: true,
      reauthenticatedAt: true,
      lastSeenAt: true,
      user: {
        select: {
          id: true,
          email: true,
          name: true,
          role: true,
          active: true,
          sessionsValidFrom: true,
          mustChangePassword: true,
          passwordExpiresAt: true,
        },
      },
    },
  });
  if (!session || session.userId !== uid || session.revokedAt || session.expiresAt <= now) return null;
  const { user } = session;
  if (!user.active) return null;
  if (user.sessionsValidFrom && session.reauthenticatedAt < user.sessionsValidFrom) return null;
  if (user.mustChangePassword && user.passwordExpiresAt && user.passwordExpiresAt <= now) return null;
  if (now.getTime() - session.lastSeenAt.getTime() > LAST_SEEN_RESOLUTION_MS) {
    await db.userSession.updateMany({ where: { id: sid, lastSeenAt: session.lastSeenAt }, data: { lastSeenAt: now } });
  }
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    active: user.active,
    sessionId: sid,
    reauthenticatedAt: session.reauthenticatedAt,
    mustChangePassword: user.mustChangePassword,
  };
}
