"use server";
import { redirect } from "next/navigation";
import { clearSessionCookies, readOwnSessionToken } from "@/lib/auth/session-cookie";
import { currentRequestContext } from "@/lib/auth/session";
import { endUserSession } from "@/lib/services/user-sessions";

/**
 * Ends the session on the server (the UserSession row is revoked, so a copy of the cookie no
 * longer opens anything) and clears the cookie in this browser.
 */
export async function signOutAction(): Promise<void> {
  const token = await readOwnSessionToken();
  await clearSessionCookies();
  if (token?.sid) await endUserSession(token.sid, await currentRequestContext());
  redirect("/sign-in?signedOut=1");
}
