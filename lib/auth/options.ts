// next-auth configuration: email + password against our users table, JWT sessions that carry
// only the user id. Role and `active` are never trusted from the token: guards re-read them.
import type { NextAuthOptions } from "next-auth";
import CredentialsProvider from "next-auth/providers/credentials";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { verifyAgainstDummy, verifyPassword } from "@/lib/auth/password";
import { db } from "@/lib/db";
import { contextFromHeaders } from "@/lib/request-context";
import { claimSignInAttempt, clearSignInThrottle, signInThrottleKeys, throttleMessage } from "@/lib/services/sign-in-throttle";
import { signInSchema } from "@/lib/validations/user";

export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

/**
 * Checks email + password; records success and failure in the audit log. Repeated failures lock
 * the email and the client IP for a while (lib/services/sign-in-throttle.ts): then this throws
 * the wait as a message, which next-auth hands to `signIn()` as `result.error`.
 */
export async function authorizeCredentials(
  credentials: Record<string, string> | undefined,
  context: RequestContext,
): Promise<{ id: string; email: string; name: string } | null> {
  const parsed = signInSchema.safeParse(credentials ?? {});
  if (!parsed.success) return null;
  const { email, password } = parsed.data;

  const throttleKeys = signInThrottleKeys(email, context.ip);
  const claim = await claimSignInAttempt(throttleKeys);
  if (!claim.allowed) {
    await db.$transaction((tx) =>
      recordAudit(tx, {
        actor: { type: "anonymous", label: email },
        action: "auth.sign_in_throttled",
        summary: `Sign-in for ${email} refused: too many failed attempts`,
        metadata: { retryAfterSeconds: Math.ceil(claim.retryAfterMs / 1000) },
        context,
      }),
    );
    throw new Error(throttleMessage(claim.retryAfterMs));
  }

  const user = await db.user.findUnique({
    where: { email },
    select: { id: true, email: true, name: true, passwordHash: true, active: true },
  });
  const ok = user?.passwordHash && user.active
    ? await verifyPassword(password, user.passwordHash)
    : await verifyAgainstDummy(password);

  if (!ok || !user) {
    await db.$transaction((tx) =>
      recordAudit(tx, {
        actor: { type: "anonymous", label: email },
        action: "auth.sign_in_failed",
        summary: `Failed sign-in for ${email}`,
        targetType: "user",
        targetId: user?.id,
        context,
      }),
    );
    // The same answer for unknown emails: a lock must not tell which accounts exist.
    if (claim.lockedUntil) throw new Error(throttleMessage(claim.lockedUntil.getTime() - Date.now()));
    return null;
  }

  await db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { lastSignInAt: new Date() } });
    await clearSignInThrottle(tx, throttleKeys);
    await recordAudit(tx, {
      actor: { type: "user", id: user.id, email: user.email },
      action: "auth.signed_in",
      summary: `${user.email} signed in`,
      targetType: "user",
      targetId: user.id,
      context,
    });
  });
  return { id: user.id, email: user.email, name: user.name };
}

export const authOptions: NextAuthOptions = {
  session: { strategy: "jwt", maxAge: SESSION_MAX_AGE_SECONDS },
  pages: { signIn: "/sign-in", error: "/sign-in" },
  providers: [
    CredentialsProvider({
      name: "Email and password",
      credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
      authorize: (credentials, req) => authorizeCredentials(credentials, contextFromHeaders(req.headers ?? {})),
    }),
  ],
  callbacks: {
    jwt({ token, user }) {
      if (user) {
        token.uid = user.id;
        token.authAt = Date.now();
      }
      return token;
    },
    session({ session, token }) {
      if (session.user && typeof token.uid === "string") session.user.id = token.uid;
      if (typeof token.authAt === "number") session.authAt = token.authAt;
      return session;
    },
  },
};
