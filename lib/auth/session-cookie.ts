import "server-only";
// Re-issues the caller's own next-auth session cookie. Used after a password change: the change
// ends every session that signed in before it (User.sessionsValidFrom), and this one is kept by
// marking it as signed in at that same instant. Everything else in the token stays as it was.
import { cookies } from "next/headers";
import { decode, encode } from "next-auth/jwt";
import { SESSION_MAX_AGE_SECONDS } from "@/lib/auth/options";

// next-auth's own names: the __Secure- one when NEXTAUTH_URL is https.
const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"] as const;

/** Returns false when there is no readable session cookie (then nothing is written). */
export async function reissueOwnSession(authAt: Date): Promise<boolean> {
  const secret = process.env.NEXTAUTH_SECRET;
  if (!secret) return false;
  const jar = await cookies();
  for (const name of SESSION_COOKIES) {
    const current = jar.get(name)?.value;
    if (!current) continue;
    const token = await decode({ token: current, secret });
    if (!token) return false;
    const value = await encode({ token: { ...token, authAt: authAt.getTime() }, secret, maxAge: SESSION_MAX_AGE_SECONDS });
    jar.set(name, value, {
      httpOnly: true,
      sameSite: "lax",
      path: "/",
      secure: name.startsWith("__Secure-"),
      maxAge: SESSION_MAX_AGE_SECONDS,
    });
    return true;
  }
  return false;
}
