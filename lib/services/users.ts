// Administrators' writes on people: create users (temporary password or invite link), send a new
// invite link, reset a password, change roles, deactivate and reactivate. Invite links themselves
// live in lib/services/invites.ts, each person's own account in lib/services/profile.ts.
// Every write and its audit event share one transaction; passwords and invite tokens are never
// stored in plain text, logged or put into audit metadata.
import { randomInt } from "node:crypto";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { hashPassword } from "@/lib/auth/password";
import { TEMPORARY_PASSWORD_TTL_MS } from "@/lib/auth/session-policy";
import { assertCan } from "@/lib/auth/permissions";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { db, type Tx } from "@/lib/db";
import { lockForTransaction } from "@/lib/db/locks";
import { Prisma } from "@/lib/generated/prisma/client";
import type { Role } from "@/lib/generated/prisma/enums";
import { assertActorCan, auditActorOf, userLabel, type Actor } from "@/lib/services/actor";
import { issueInvite, newInviteToken } from "@/lib/services/invites";
import { revokeUserSessions } from "@/lib/services/user-sessions";
import { ServiceError, fieldError, invalid } from "@/lib/services/errors";
import { changeRoleSchema, createUserSchema, userTargetSchema, type OnboardingMethod } from "@/lib/validations/admin-user";

// No look-alike characters (0/O, 1/l/I): the password may be read out or typed from a screen.
const PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";

/**
 * A temporary password works once: it expires after TEMPORARY_PASSWORD_TTL_MS, and whoever signs
 * in with it can do nothing but choose their own password.
 */
function temporaryPasswordFields(passwordHash: string | null, now = new Date()) {
  return passwordHash
    ? { passwordHash, mustChangePassword: true, passwordExpiresAt: new Date(now.getTime() + TEMPORARY_PASSWORD_TTL_MS) }
    : { passwordHash: null, mustChangePassword: false, passwordExpiresAt: null };
}

/** 20 random characters (about 115 bits) in four groups: "k7Hq2-mWxr9-…". */
function generateTemporaryPassword(): string {
  const chars = Array.from({ length: 20 }, () => PASSWORD_ALPHABET[randomInt(PASSWORD_ALPHABET.length)]);
  return [0, 5, 10, 15].map((start) => chars.slice(start, start + 5).join("")).join("-");
}

// ---- Admin writes ----

interface TargetUser {
  id: string;
  name: string;
  email: string;
  role: Role;
  active: boolean;
  passwordHash: string | null;
}

/**
 * Takes the user-admin lock and re-reads the acting administrator: one who was demoted or
 * deactivated while their request was on its way can no longer act.
 */
async function lockAsAdmin(tx: Tx, actor: Actor): Promise<void> {
  // Serialises every change of a user's role or `active` flag. Counting the remaining active
  // administrators under this lock is what makes the last-admin rule hold when two admins demote
  // or deactivate each other at the same moment.
  await lockForTransaction(tx, "userAdmin");
  const current = await tx.user.findUnique({ where: { id: actor.user.id }, select: { role: true, active: true } });
  assertCan(current, "users.manage");
}

async function findTarget(tx: Tx, userId: unknown): Promise<TargetUser> {
  const parsed = userTargetSchema.safeParse({ userId });
  if (!parsed.success) throw new ServiceError("not_found", "That user does not exist.");
  const user = await tx.user.findUnique({
    where: { id: parsed.data.userId },
    select: { id: true, name: true, email: true, role: true, active: true, passwordHash: true },
  });
  if (!user) throw new ServiceError("not_found", "That user does not exist.");
  return user;
}

/** Call under the lock, before `target` stops being an active administrator. */
async function assertNotLastAdmin(tx: Tx, target: TargetUser): Promise<void> {
  if (target.role !== "admin" || !target.active) return;
  const others = await tx.user.count({ where: { role: "admin", active: true, NOT: { id: target.id } } });
  if (others === 0) {
    throw new ServiceError(
      "conflict",
      `${target.name} is the last active administrator. Make someone else an administrator first, so Keydesk always has someone who can manage it.`,
    );
  }
}

export interface CreatedUser {
  id: string;
  name: string;
  email: string;
  role: Role;
  method: OnboardingMethod;
  /** Plaintext, returned once to be shown once (method "password"). */
  temporaryPassword?: string;
  /** Plaintext, returned once to be shown once (method "invite"); only its SHA-256 is stored. */
  inviteToken?: string;
  inviteExpiresAt?: Date;
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002";
}

const EMAIL_TAKEN = "A user with this email already exists.";

export async function createUser(actor: Actor, raw: unknown, context: RequestContext | null): Promise<CreatedUser> {
  assertActorCan(actor, "users.manage");
  const parsed = createUserSchema.safeParse(raw);
  if (!parsed.success) throw invalid(parsed.error);
  const input = parsed.data;

  // Hash outside the transaction: it is slow, and the lock should be held briefly.
  const temporaryPassword = input.method === "password" ? generateTemporaryPassword() : undefined;
  const passwordHash = temporaryPassword ? await hashPassword(temporaryPassword) : null;
  const inviteToken = input.method === "invite" ? newInviteToken() : undefined;

  try {
    return await db.$transaction(async (tx) => {
      await lockAsAdmin(tx, actor);
      if (await tx.user.findUnique({ where: { email: input.email }, select: { id: true } })) {
        throw fieldError("email", EMAIL_TAKEN, "conflict");
      }
      const user = await tx.user.create({
        data: { name: input.name, email: input.email, role: input.role, ...temporaryPasswordFields(passwordHash) },
        select: { id: true, name: true, email: true, role: true },
      });
      await recordAudit(tx, {
        actor: auditActorOf(actor),
        action: "user.created",
        summary: `Created ${ROLE_LABELS[user.role].toLowerCase()} ${userLabel(user)} with ${
          input.method === "password" ? "a temporary password" : "an invite link"
        }`,
        targetType: "user",
        targetId: user.id,
        metadata: { role: user.role, method: input.method },
        context,
      });
      let inviteExpiresAt: Date | undefined;
      if (inviteToken) {
        inviteExpiresAt = await issueInvite(tx, actor, user, inviteToken, context, false);
      }
      return { ...user, method: input.method, temporaryPassword, inviteToken, inviteExpiresAt };
    });
  } catch (error) {
    // Two admins creating the same email at once: the unique index decides.
    if (isUniqueViolation(error)) throw fieldError("email", EMAIL_TAKEN, "conflict");
    throw error;
  }
}

/** A fresh invite link for someone who has not set a password yet (e.g. the first one expired). */
export async function reissueInvite(actor: Actor, raw: { userId?: unknown }, context: RequestContext | null) {
  assertActorCan(actor, "users.manage");
  const token = newInviteToken();
  return db.$transaction(async (tx) => {
    await lockAsAdmin(tx, actor);
    const target = await findTarget(tx, raw.userId);
    if (!target.active) throw new ServiceError("conflict", `${target.name} is deactivated. Reactivate them first.`);
    if (target.passwordHash) {
      throw new ServiceError("conflict", `${target.name} has already set a password, so they do not need an invite link.`);
    }
    const expiresAt = await issueInvite(tx, actor, target, token, context, true);
    return { id: target.id, name: target.name, email: target.email, role: target.role, inviteToken: token, inviteExpiresAt: expiresAt };
  });
}

/**
 * An administrator sets a new temporary password for someone else (forgotten password, or a
 * suspicion the old one leaked): it is returned once to be handed over, the account's sessions
 * end, and any unused invite link stops working. Your own password is changed on your profile.
 */
export async function resetUserPassword(actor: Actor, raw: { userId?: unknown }, context: RequestContext | null) {
  assertActorCan(actor, "users.manage");
  // Before the slow hash: a forged id should cost nothing.
  if (!userTargetSchema.safeParse({ userId: raw.userId }).success) throw new ServiceError("not_found", "That user does not exist.");
  const temporaryPassword = generateTemporaryPassword();
  // Hash outside the transaction: it is slow, and the lock should be held briefly.
  const passwordHash = await hashPassword(temporaryPassword);
  return db.$transaction(async (tx) => {
    await lockAsAdmin(tx, actor);
    const target = await findTarget(tx, raw.userId);
    if (target.id === actor.user.id) {
      throw new ServiceError("forbidden", "Change your own password on your profile page; it asks for your current one.");
    }
    if (!target.active) throw new ServiceError("conflict", `${target.name} is deactivated. Reactivate them first.`);
    const now = new Date();
    await tx.user.update({ where: { id: target.id }, data: { ...temporaryPasswordFields(passwordHash, now), sessionsValidFrom: now } });
    await revokeUserSessions(tx, target.id, now);
    const retired = await tx.userInvite.updateMany({
      where: { userId: target.id, usedAt: null, expiresAt: { gt: now } },
      data: { expiresAt: now },
    });
    await recordAudit(tx, {
      actor: auditActorOf(actor),
      action: "user.password_reset",
      summary: `Set a temporary password for ${userLabel(target)}; their sessions were ended`,
      targetType: "user",
      targetId: target.id,
      metadata: { hadPassword: target.passwordHash !== null, invitesRetired: retired.count },
      context,
    });
    return { id: target.id, name: target.name, email: target.email, role: target.role, temporaryPassword };
  });
}

export async function changeUserRole(actor: Actor, raw: unknown, context: RequestContext | null) {
  assertActorCan(actor, "users.manage");
  const parsed = changeRoleSchema.safeParse(raw);
  if (!parsed.success) {
    if (parsed.error.issues.some((issue) => issue.path[0] === "userId")) throw new ServiceError("not_found", "That user does not exist.");
    throw invalid(parsed.error);
  }
  const { role } = parsed.data;

  return db.$transaction(async (tx) => {
    await lockAsAdmin(tx, actor);
    const target = await findTarget(tx, parsed.data.userId);
    if (target.role === role) throw new ServiceError("conflict", `${target.name} already has the ${ROLE_LABELS[role]} role.`);
    if (role !== "admin") await assertNotLastAdmin(tx, target);
    const updated = await tx.user.update({
      where: { id: target.id },
      data: { role },
      select: { id: true, name: true, email: true, role: true },
    });
    await recordAudit(tx, {
      actor: auditActorOf(actor),
      action: "user.role_changed",
      summary: `Changed the role of ${userLabel(target)} from ${ROLE_LABELS[target.role]} to ${ROLE_LABELS[role]}`,
      targetType: "user",
      targetId: target.id,
      metadata: { from: target.role, to: role },
      context,
    });
    return { ...updated, previousRole: target.role };
  });
}

export async function deactivateUser(actor: Actor, raw: { userId?: unknown }, context: RequestContext | null) {
  assertActorCan(actor, "users.manage");
  return db.$transaction(async (tx) => {
    await lockAsAdmin(tx, actor);
    const target = await findTarget(tx, raw.userId);
    if (target.id === actor.user.id) {
      throw new ServiceError("forbidden", "You cannot deactivate your own account. Ask another administrator to do it.");
    }
    if (!target.active) throw new ServiceError("conflict", `${target.name} is already deactivated.`);
    await assertNotLastAdmin(tx, target);
    // Keys belong to projects, not people: the keys this user created keep working. Their
    // sessions end for good: reactivating the account must not bring old sessions back.
    const now = new Date();
    const updated = await tx.user.update({
      where: { id: target.id },
      data: { active: false, sessionsValidFrom: now },
      select: { id: true, name: true, email: true, active: true },
    });
    await revokeUserSessions(tx, target.id, now);
    await recordAudit(tx, {
      actor: auditActorOf(actor),
      action: "user.deactivated",
      summary: `Deactivated ${userLabel(target)}`,
      targetType: "user",
      targetId: target.id,
      metadata: { role: target.role },
      context,
    });
    return updated;
  });
}

export async function reactivateUser(actor: Actor, raw: { userId?: unknown }, context: RequestContext | null) {
  assertActorCan(actor, "users.manage");
  return db.$transaction(async (tx) => {
    await lockAsAdmin(tx, actor);
    const target = await findTarget(tx, raw.userId);
    if (target.active) throw new ServiceError("conflict", `${target.name} is already active.`);
    const updated = await tx.user.update({
      where: { id: target.id },
      data: { active: true },
      select: { id: true, name: true, email: true, active: true },
    });
    await recordAudit(tx, {
      actor: auditActorOf(actor),
      action: "user.reactivated",
      summary: `Reactivated ${userLabel(target)} as ${ROLE_LABELS[target.role]}`,
      targetType: "user",
      targetId: target.id,
      metadata: { role: target.role },
      context,
    });
    return updated;
  });
}
