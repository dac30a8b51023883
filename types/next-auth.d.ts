import type { DefaultSession } from "next-auth";

declare module "next-auth" {
  interface Session {
    user?: DefaultSession["user"] & { id?: string };
    /** When this session signed in (epoch ms); compared with User.sessionsValidFrom. */
    authAt?: number;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    uid?: string;
    /** Set once at sign-in and kept when next-auth re-issues the token (unlike `iat`). */
    authAt?: number;
  }
}
