import type { DefaultSession } from "next-auth";

declare module "next-auth" {
  interface Session {
    user?: DefaultSession["user"] & { id?: string };
  }

  /** What lib/auth/options.ts's authorize() returns at sign-in. */
  interface User {
    sessionId?: string;
    authAt?: number;
  }
}

declare module "next-auth/jwt" {
  interface JWT {
    uid?: string;
    /** The server-side session (UserSession row) this cookie belongs to. */
    sid?: string;
    /** Sign-in time (epoch ms), kept when next-auth re-issues the token (unlike `iat`). */
    authAt?: number;
  }
}
