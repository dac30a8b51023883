// Seed helpers for integration tests: real rows through the real services.
import { db } from "@/lib/db";
import type { Role } from "@/lib/generated/prisma/enums";
import { emitProjectChanged } from "@/lib/keys/invalidation";
import type { Actor } from "@/lib/services/actor";
import { authorizeCredentials, type SignedIn } from "@/lib/services/sign-in";
import { loadSessionUser, type SessionClaims } from "@/lib/auth/session-user";
import { startUserSession } from "@/lib/services/user-sessions";
import { createFirstAdmin } from "@/lib/services/setup";

let counter = 0;

/** Runs first-run setup once per database; returns the admin and the default project. */
export async function seedBase() {
  const existing = await db.user.findFirst({ where: { role: "admin" }, orderBy: { createdAt: "asc" } });
  if (!existing) {
    await createFirstAdmin({ email: "admin@example.com", name: "Admin", password: "a-long-password-1" }, null, { via: "environment" });
  }
  const admin = await db.user.findFirstOrThrow({ where: { role: "admin" }, orderBy: { createdAt: "asc" } });
  const project = await db.project.findUniqueOrThrow({ where: { slug: "default" } });
  return { admin, project };
}

export async function createUser(role: Role, overrides: { active?: boolean } = {}) {
  counter += 1;
  return db.user.create({
    data: { email: `${role}${counter}-${Date.now()}@example.com`, name: `${role} ${counter}`, role, active: overrides.active ?? true },
  });
}

export function userActor(user: { id: string; email: string; role: Role; active: boolean }): Actor {
  return { type: "user", user: { id: user.id, email: user.email, role: user.role, active: user.active } };
}

export async function createProject(overrides: { activeKeyLimit?: number; maxLifetimeDays?: number | null; allowNoExpiry?: boolean } = {}) {
  counter += 1;
  const project = await db.project.create({
    data: {
      name: `Project ${counter}`,
      slug: `project-${counter}-${Date.now()}`,
      keyPrefix: `p${counter}${Math.floor(Math.random() * 1000)}`.slice(0, 12),
      ...overrides,
    },
  });
  // What the projects service does after its commit, so verification knows the project at once.
  emitProjectChanged(project.id);
  return project;
}

export const context = { ip: "198.51.100.23", userAgent: "vitest" };

/** Signs in through the real Credentials check; fails the test when it does not work. */
export async function signInAs(email: string, password: string, signInContext: { ip: string | null; userAgent: string | null; deviceCookie?: string | null } = { ip: null, userAgent: "vitest" }): Promise<SignedIn> {
  const signedIn = await authorizeCredentials({ email, password }, signInContext);
  if (!signedIn) throw new Error(`sign-in of ${email} failed`);
  return signedIn;
}

/** What the session cookie of `signedIn` carries (lib/auth/options.ts's jwt callback). */
export function claimsOf(signedIn: SignedIn) {
  return { uid: signedIn.id, sid: signedIn.sessionId, authAt: signedIn.authAt };
}

/** What every guard sees for that cookie now: the user, or null. */
export function guardSees(signedIn: SignedIn, now?: Date) {
  return loadSessionUser(claimsOf(signedIn), now);
}

/** A session for a user without going through sign-in (e.g. one created without a password). */
export async function openSession(userId: string): Promise<SessionClaims> {
  const session = await db.$transaction((tx) => startUserSession(tx, userId, null));
  return { uid: userId, sid: session.id, authAt: session.createdAt.getTime() };
}
