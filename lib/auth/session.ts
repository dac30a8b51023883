import "server-only";
// Guards for pages, server actions and route handlers. Every one decodes the session cookie and
// re-reads the server-side session and the user from the database (memoised per request with
// React's cache), so a sign-out, demotion or deactivation takes effect on the very next request.
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { cache } from "react";
import { safeCallbackPath } from "@/lib/auth/callback-url";
import { assertCan, can, type Permission } from "@/lib/auth/permissions";
import { readOwnSessionToken } from "@/lib/auth/session-cookie";
import { ORIGINAL_URL_HEADER } from "@/lib/auth/session-policy";
import { loadSessionUser, type CurrentUser } from "@/lib/auth/session-user";
import { contextFromHeaders } from "@/lib/request-context";

export type { CurrentUser };

/** Where someone signed in with a temporary password must go before anything else. */
const CHANGE_PASSWORD_PATH = "/change-password";

export const getCurrentUser = cache(async (): Promise<CurrentUser | null> => {
  const token = await readOwnSessionToken();
  return token ? loadSessionUser(token) : null;
});

export async function signInRedirect(): Promise<never> {
  const target = safeCallbackPath((await headers()).get(ORIGINAL_URL_HEADER));
  redirect(target === "/" ? "/sign-in" : `/sign-in?callbackUrl=${encodeURIComponent(target)}`);
}

/**
 * For pages: the signed-in user, or a redirect to sign-in that keeps the original URL. Someone
 * still on a temporary password is sent to choose their own first.
 */
export async function requireUser(): Promise<CurrentUser> {
  const user = (await getCurrentUser()) ?? (await signInRedirect());
  if (user.mustChangePassword) redirect(CHANGE_PASSWORD_PATH);
  return user;
}

/** For pages: users without the permission are sent back to the dashboard with a notice. */
export async function requirePermission(permission: Permission): Promise<CurrentUser> {
  const user = await requireUser();
  if (!can(user, permission)) redirect(`/?denied=${encodeURIComponent(permission)}`);
  return user;
}

export class NotSignedInError extends Error {
  constructor(message = "Your session has ended. Sign in again.") {
    super(message);
    this.name = "NotSignedInError";
  }
}

/** For server actions: the signed-in user, who may be on a temporary password. */
export async function signedInUser(): Promise<CurrentUser> {
  const user = await getCurrentUser();
  if (!user) throw new NotSignedInError();
  return user;
}

/** For server actions: throws instead of redirecting, so the action can answer with an error. */
export async function authorize(permission: Permission): Promise<CurrentUser> {
  const user = await signedInUser();
  if (user.mustChangePassword) throw new NotSignedInError("Choose your own password first: your temporary password only lets you do that.");
  assertCan(user, permission);
  return user;
}

export async function currentRequestContext() {
  return contextFromHeaders(await headers());
}
