import "server-only";
// Guards for pages, server actions and route handlers. Every one re-reads the user's role and
// `active` flag from the database (memoised per request with React's cache), so a demotion or
// deactivation takes effect on the very next request.
import { getServerSession } from "next-auth";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { safeCallbackPath } from "@/lib/auth/callback-url";
import { authOptions } from "@/lib/auth/options";
import { assertCan, can, type Permission } from "@/lib/auth/permissions";
import { loadActiveUser, type CurrentUser } from "@/lib/queries/users";
import type { Role } from "@/lib/generated/prisma/enums";
import { contextFromHeaders } from "@/lib/request-context";

export type { CurrentUser };

export const ORIGINAL_URL_HEADER = "x-keydesk-url";

export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => {
  const session = await getServerSession(authOptions);
  const id = session?.user?.id;
  return id ? loadActiveUser(id, session?.authAt) : null;
});

async function signInRedirect(): Promise<never> {
  const target = safeCallbackPath((await headers()).get(ORIGINAL_URL_HEADER));
  redirect(target === "/" ? "/sign-in" : `/sign-in?callbackUrl=${encodeURIComponent(target)}`);
}

/** For pages: the signed-in user, or a redirect to sign-in that keeps the original URL. */
export async function requireUser(): Promise<CurrentUser> {
  return (await getCurrentUser()) ?? signInRedirect();
}

/** For pages: users without the permission are sent back to the dashboard with a notice. */
export async function requirePermission(permission: Permission): Promise<CurrentUser> {
  const user = await requireUser();
  if (!can(user, permission)) redirect(`/?denied=${encodeURIComponent(permission)}`);
  return user;
}

export async function requireRole(role: Role): Promise<CurrentUser> {
  const user = await requireUser();
  if (user.role !== role) redirect(`/?denied=${encodeURIComponent(role)}`);
  return user;
}

export class NotSignedInError extends Error {
  constructor() {
    super("Your session has ended. Sign in again.");
    this.name = "NotSignedInError";
  }
}

/** For server actions: throws instead of redirecting, so the action can answer with an error. */
export async function authorize(permission: Permission): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) throw new NotSignedInError();
  assertCan(user, permission);
  return user;
}

export async function currentRequestContext() {
  return contextFromHeaders(await headers());
}
