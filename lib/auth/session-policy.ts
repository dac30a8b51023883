// How long sessions and credentials last. Shared by the server and client components (the
// confirm-password dialog says "10 minutes"), so nothing here may import server code.
import { isGuid } from "@/lib/ids";

/** A session ends this long after sign-in, whatever happens in between. */
export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;
export const SESSION_MAX_AGE_MS = SESSION_MAX_AGE_SECONDS * 1000;

/** Password resets of other people and role changes need a password proof this recent. */
export const RECENT_AUTH_MS = 10 * 60 * 1000;

/** A temporary password an administrator hands out works for this long, once. */
export const TEMPORARY_PASSWORD_TTL_MS = 72 * 60 * 60 * 1000;

/** The device cookie that exempts a browser from strangers' lockouts lives this long. */
export const DEVICE_COOKIE_MAX_AGE_SECONDS = 180 * 24 * 60 * 60;

/** The proxy hands each page request's path and query to the guards under this header, so a sign-in redirect can come back to it. */
export const ORIGINAL_URL_HEADER = "x-keydesk-url";

// next-auth's own session cookie names: the __Secure- one when NEXTAUTH_URL is https.
export const SESSION_COOKIE_NAMES = ["__Secure-next-auth.session-token", "next-auth.session-token"] as const;

/** OWASP's "device cookie": proves this browser signed in to an account before. */
export const DEVICE_COOKIE_NAMES = ["__Secure-keydesk-device", "keydesk-device"] as const;

/** Session ids are UUIDs; anything else in a cookie is refused before it reaches a query. */
export function isSessionId(value: unknown): value is string {
  return typeof value === "string" && isGuid(value);
}
