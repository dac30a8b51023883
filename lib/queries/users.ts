import "server-only";
import { db } from "@/lib/db";
import type { Role } from "@/lib/generated/prisma/enums";

export interface CurrentUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  active: boolean;
}

/**
 * The user behind a session as the database says now: null once deactivated or deleted, and
 * null for a session that signed in (`authAt`, epoch ms) before the account's sessions were
 * ended by a password change or reset. Sessions without `authAt` predate the cut-off column and
 * count as signed in at the epoch.
 */
export async function loadActiveUser(id: string, authAt?: number): Promise<CurrentUser | null> {
  const user = await db.user.findUnique({
    where: { id },
    select: { id: true, email: true, name: true, role: true, active: true, sessionsValidFrom: true },
  });
  if (!user?.active) return null;
  if (user.sessionsValidFrom && (authAt ?? 0) < user.sessionsValidFrom.getTime()) return null;
  return { id: user.id, email: user.email, name: user.name, role: user.role, active: user.active };
}
