// Invite links: issued when an administrator creates a user (or sends a new link), looked up by
// the invite page, and used up when the invitee sets their password. A link works exactly once;
// only its SHA-256 is stored, and neither the token nor the password is logged or audited.
import { createHash, randomBytes } from "node:crypto";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { COMMON_PASSWORD_MESSAGE, isCommonPassword } from "@/lib/auth/common-passwords";
import { hashPassword } from "@/lib/auth/password";
import { DAY_MS } from "@/lib/dates";
import { db, type Tx } from "@/lib/db";
import { auditActorOf, userLabel, type Actor } from "@/lib/services/actor";
import { ServiceError, fieldError, invalid } from "@/lib/services/errors";
import { acceptInviteSchema, inviteTokenSchema } from "@/lib/validations/admin-user";

const INVITE_TTL_MS = 7 * DAY_MS;

export function hashInviteToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export function newInviteToken(): string {
  return randomBytes(32).toString("base64url");
}

/**
 * Issues an invite link for `user` inside the caller's transaction (creating a user, or a new
 * link for one who has not set a password): only its SHA-256 is stored, and any earlier unused
 * link stops working. Answers when the link expires.
 */
export async function issueInvite(
  tx: Tx,
  actor: Actor,
  user: { id: string; name: string; email: string },
  token: string,
  context: RequestContext | null,
  reissued: boolean,
): Promise<Date> {
  const now = new Date();
  const expiresAt = new Date(now.getTime() + INVITE_TTL_MS);
  // Only one link works at a time: a new one retires any earlier unused link.
  await tx.userInvite.updateMany({
    where: { userId: user.id, usedAt: null, expiresAt: { gt: now } },
    data: { expiresAt: now },
  });
  await tx.userInvite.create({ data: { userId: user.id, tokenHash: hashInviteToken(token), expiresAt } });
  await recordAudit(tx, {
    actor: auditActorOf(actor),
    action: "user.invited",
    summary: `${reissued ? "Issued a new invite link for" : "Invited"} ${userLabel(user)}; the link expires ${expiresAt.toISOString().slice(0, 10)}`,
    targetType: "user",
    targetId: user.id,
    metadata: { expiresAt: expiresAt.toISOString(), reissued },
    context,
  });
  return expiresAt;
}

export type InviteLookup =
  | { status: "valid"; name: string; email: string; expiresAt: Date }
  | { status: "used" | "expired" | "unknown" };

/** What the invite page shows for a token. Deactivated accounts' links count as unknown. */
export async function lookupInvite(token: string, now = new Date()): Promise<InviteLookup> {
  if (!inviteTokenSchema.safeParse(token).success) return { status: "unknown" };
  const invite = await db.userInvite.findUnique({
    where: { tokenHash: hashInviteToken(token) },
    select: { usedAt: true, expiresAt: true, user: { select: { name: true, email: true, active: true, passwordHash: true } } },
  });
  if (!invite || !invite.user.active) return { status: "unknown" };
  if (invite.usedAt) return { status: "used" };
  // Before the password check: a link retired by a password reset must not tell the person to
  // "sign in with the password you chose" — they never chose one.
  if (invite.expiresAt <= now) return { status: "expired" };
  if (invite.user.passwordHash) return { status: "used" };
  return { status: "valid", name: invite.user.name, email: invite.user.email, expiresAt: invite.expiresAt };
}

export const INVITE_MESSAGES = {
  unknown: "This invite link is not valid. Check that you copied the whole link, or ask an administrator for a new one.",
  used: "This invite link has already been used. Sign in with the password you chose.",
  expired: "This invite link has expired. Ask an administrator for a new one.",
} as const;

/** Sets the invitee's password and uses up the link, both at once: a link works exactly once. */
export async function acceptInvite(raw: unknown, context: RequestContext | null): Promise<{ email: string }> {
  const parsed = acceptInviteSchema.safeParse(raw);
  if (!parsed.success) {
    if (parsed.error.issues.some((issue) => issue.path[0] === "token")) throw new ServiceError("not_found", INVITE_MESSAGES.unknown);
    throw invalid(parsed.error);
  }
  const tokenHash = hashInviteToken(parsed.data.token);
  const invitee = await db.userInvite.findUnique({ where: { tokenHash }, select: { user: { select: { email: true } } } });
  if (isCommonPassword(parsed.data.password, { email: invitee?.user.email })) throw fieldError("password", COMMON_PASSWORD_MESSAGE);
  const passwordHash = await hashPassword(parsed.data.password);

  return db.$transaction(async (tx) => {
    const now = new Date();
    // The conditional update is the claim: of two submits racing, only one changes a row.
    const claimed = await tx.userInvite.updateMany({
      where: { tokenHash, usedAt: null, expiresAt: { gt: now }, user: { active: true, passwordHash: null } },
      data: { usedAt: now },
    });
    if (claimed.count !== 1) {
      const { status } = await lookupInvite(parsed.data.token, now);
      // "valid" here means another submit claimed it a moment ago.
      throw new ServiceError("not_found", INVITE_MESSAGES[status === "valid" ? "used" : status]);
    }
    const invite = await tx.userInvite.findUniqueOrThrow({ where: { tokenHash }, select: { userId: true } });
    const user = await tx.user.update({
      where: { id: invite.userId },
      data: { passwordHash, mustChangePassword: false, passwordExpiresAt: null },
      select: { id: true, email: true, name: true },
    });
    await recordAudit(tx, {
      actor: { type: "user", id: user.id, email: user.email },
      action: "user.password_set",
      summary: `${userLabel(user)} accepted their invite and set a password`,
      targetType: "user",
      targetId: user.id,
      context,
    });
    return { email: user.email };
  });
}
