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

/** The user behind a session as the database says now: null once deactivated or deleted. */
export async function loadActiveUser(id: string): Promise<CurrentUser | null> {
  const user = await db.user.findUnique({
    where: { id },
    select: { id: true, email: true, name: true, role: true, active: true },
  });
  return user?.active ? user : null;
}
