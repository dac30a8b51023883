import "server-only";
// Reads behind Admin → Users. Rows carry only what the table shows: never the password hash,
// just whether one is set (an invited user has none until they accept the invite).
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { Role } from "@/lib/generated/prisma/enums";
import { USER_PAGE_SIZE, type UserListParams } from "@/lib/validations/admin-user";

/** Active users without a password have been invited and not accepted yet. */
export type UserStatus = "active" | "invited" | "deactivated";

export interface UserRow {
  id: string;
  name: string;
  email: string;
  role: Role;
  status: UserStatus;
  /** For invited users: when their newest link expires (ISO), null when none is open. */
  inviteExpiresAt: string | null;
  lastSignInAt: string | null;
  createdAt: string;
  /** The only active administrator: cannot be demoted or deactivated. */
  isLastAdmin: boolean;
}

export interface UserList {
  rows: UserRow[];
  total: number;
  pageSize: number;
}

export async function listUsers(params: UserListParams): Promise<UserList> {
  const where: Prisma.UserWhereInput = params.q
    ? {
        OR: [
          { name: { contains: params.q, mode: "insensitive" } },
          { email: { contains: params.q, mode: "insensitive" } },
        ],
      }
    : {};
  const orderBy: Prisma.UserOrderByWithRelationInput[] =
    params.sort === "lastSignInAt"
      ? // People who never signed in sort after the rest, whichever the direction.
        [{ lastSignInAt: { sort: params.dir, nulls: "last" } }, { id: "asc" }]
      : params.sort === "role"
        ? [{ role: params.dir }, { name: "asc" }, { id: "asc" }]
        : [{ [params.sort]: params.dir }, { id: "asc" }];

  const [rows, total, activeAdmins] = await db.$transaction([
    db.user.findMany({
      where,
      orderBy,
      skip: (params.page - 1) * USER_PAGE_SIZE,
      take: USER_PAGE_SIZE,
      select: {
        id: true,
        name: true,
        email: true,
        role: true,
        active: true,
        passwordHash: true,
        lastSignInAt: true,
        createdAt: true,
        invites: { where: { usedAt: null }, orderBy: { expiresAt: "desc" }, take: 1, select: { expiresAt: true } },
      },
    }),
    db.user.count({ where }),
    db.user.count({ where: { role: "admin", active: true } }),
  ]);

  return {
    total,
    pageSize: USER_PAGE_SIZE,
    rows: rows.map(
      (user): UserRow => ({
        id: user.id,
        name: user.name,
        email: user.email,
        role: user.role,
        status: !user.active ? "deactivated" : user.passwordHash === null ? "invited" : "active",
        inviteExpiresAt: user.passwordHash === null ? (user.invites[0]?.expiresAt.toISOString() ?? null) : null,
        lastSignInAt: user.lastSignInAt?.toISOString() ?? null,
        createdAt: user.createdAt.toISOString(),
        isLastAdmin: activeAdmins === 1 && user.role === "admin" && user.active,
      }),
    ),
  };
}
