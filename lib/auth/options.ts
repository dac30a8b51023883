// next-auth configuration: email + password against our users table (lib/services/sign-in.ts), JWT
// session cookies that carry the user id, the server-side session id and the sign-in time. Role
// and `active` are never trusted from the token: the guards re-read them (lib/auth/session.ts).
//
// next-auth signs the token with `jwt.maxAge` (30 days unless set) and re-issues it with a fresh
// expiry on every GET /api/auth/session. Both are bounded here: tokens never outlive the sign-in
// time plus SESSION_MAX_AGE, and a session that ended on the server gets no new token.
import type { NextAuthOptions } from "next-auth";
import { encode, type JWTEncodeParams } from "next-auth/jwt";
import CredentialsProvider from "next-auth/providers/credentials";
import { cookies } from "next/headers";
import { safeRedirectUrl } from "@/lib/auth/callback-url";
import { DEVICE_COOKIE_MAX_AGE_SECONDS, DEVICE_COOKIE_NAMES, SESSION_MAX_AGE_MS, SESSION_MAX_AGE_SECONDS } from "@/lib/auth/session-policy";
import { loadSessionUser } from "@/lib/auth/session-user";
import { contextFromHeaders } from "@/lib/request-context";
import { authorizeCredentials } from "@/lib/services/sign-in";
import { endUserSession } from "@/lib/services/user-sessions";

const secureCookies = () => process.env.NEXTAUTH_URL?.startsWith("https://") ?? false;

/** Seconds the token may still live: until sign-in + SESSION_MAX_AGE, never longer. */
function remainingSeconds(authAt: unknown, requested: number): number {
  if (typeof authAt !== "number") return 0;
  return Math.max(0, Math.min(requested, Math.floor((authAt + SESSION_MAX_AGE_MS - Date.now()) / 1000)));
}

async function authorize(credentials: Record<string, string> | undefined, headers: Record<string, string | string[] | undefined>) {
  const jar = await cookies();
  const secure = secureCookies();
  const deviceCookieName = DEVICE_COOKIE_NAMES[secure ? 0 : 1];
  const signedIn = await authorizeCredentials(credentials, {
    ...contextFromHeaders(headers),
    deviceCookie: jar.get(deviceCookieName)?.value ?? null,
  });
  if (!signedIn) return null;
  if (signedIn.deviceCookie) {
    // Only the sign-in endpoint needs it.
    jar.set(deviceCookieName, signedIn.deviceCookie, {
      httpOnly: true,
      sameSite: "lax",
      secure,
      path: "/api/auth",
      maxAge: DEVICE_COOKIE_MAX_AGE_SECONDS,
    });
  }
  return { id: signedIn.id, email: signedIn.email, name: signedIn.name, sessionId: signedIn.sessionId, authAt: signedIn.authAt };
}

export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  jwt: {
    maxAge: SESSION_MAX_AGE_SECONDS,
    encode: (params: JWTEncodeParams) =>
      encode({ ...params, maxAge: remainingSeconds(params.token?.authAt, params.maxAge ?? SESSION_MAX_AGE_SECONDS) }),
  },
  pages: { signIn: "/sign-in", error: "/sign-in" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      authorize: (credentials, req) => authorize(credentials, req.headers ?? {}),
    }),
  ],
  callbacks: {
    async jwt({ token, user }) {
      if (user) {
        token.uid = user.id;
        token.sid = user.sessionId;
        token.authAt = user.authAt;
        return token;
      }
      // Every later use (GET /api/auth/session): no new token for a session that has ended.
      // Throwing makes next-auth answer "no session" and clear the cookie.
      if (!(await loadSessionUser(token))) throw new Error("The session has ended.");
      return token;
    },
    session({ session, token }) {
      if (session.user && typeof token.uid === "string") session.user.id = token.uid;
      return session;
    },
    redirect({ url, baseUrl }) {
      return safeRedirectUrl(url, baseUrl);
    },
  },
  events: {
    // next-auth's own sign-out endpoint; the dashboard's Sign out uses lib/actions/auth.ts.
    async signOut({ token }) {
      await endUserSession(token?.sid, null);
    },
  },
  logger: {
    // One line without stacks or token contents; "the session has ended" is routine.
    error(code, metadata) {
      const error = metadata instanceof Error ? metadata : metadata.error;
      console.error(`[keydesk] next-auth ${code}${error instanceof Error ? `: ${error.message.split("\n")[0]}` : ""}`);
    },
    warn(code) {
      console.warn(`[keydesk] next-auth warning ${code}`);
    },
    debug() {},
  },
};
