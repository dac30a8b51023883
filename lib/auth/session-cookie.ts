import "server-only";
// Reads and clears this request's next-auth session cookie. The guards decode the cookie here
// rather than through getServerSession, which would re-issue it (a sliding expiry) on every page.
import { cookies } from "next/headers";
import { decode, type JWT } from "next-auth/jwt";
import { SESSION_COOKIE_NAMES } from "@/lib/auth/session-policy";

/** The decoded session token, or null when there is none or it is invalid or expired. */
export async function readOwnSessionToken(): Promise<JWT | null> {
  const secret = process.env.NEXTAUTH_SECRET;
  if (!secret) return null;
  const jar = await cookies();
  for (const name of SESSION_COOKIE_NAMES) {
    const value = jar.get(name)?.value;
    if (!value) continue;
    try {
      return await decode({ token: value, secret });
    } catch {
      // Tampered, encrypted with another secret, or past its `exp`.
      return null;
    }
  }
  return null;
}

export async function clearSessionCookies(): Promise<void> {
  const jar = await cookies();
  for (const name of SESSION_COOKIE_NAMES) {
    if (!jar.has(name) && name.startsWith("__Secure-")) continue;
    jar.set(name, "", { path: "/", maxAge: 0, httpOnly: true, sameSite: "lax", secure: name.startsWith("__Secure-") });
  }
}
