// Server-side sessions on a real PostgreSQL: sign-out ends the session for every copy of the
// cookie, nothing outlives 12 hours after sign-in (not the row, not the token next-auth issues,
// not a re-issue through GET /api/auth/session), and forged or mismatched claims open nothing.
import { decode } from "next-auth/jwt";
import { beforeAll, describe, expect, it } from "vitest";
import { authOptions } from "@/lib/auth/options";
import { SESSION_MAX_AGE_MS, SESSION_MAX_AGE_SECONDS } from "@/lib/auth/session-policy";
import { db } from "@/lib/db";
import { loadSessionUser } from "@/lib/auth/session-user";
import { endUserSession } from "@/lib/services/user-sessions";
import { claimsOf, context, guardSees, seedBase, signInAs } from "./support/fixtures";

const PASSWORD = "a-long-password-1"; // seedBase's administrator
const secret = "test-secret-for-session-tokens-0123456789";
let email: string;

beforeAll(async () => {
  process.env.NEXTAUTH_SECRET = secret;
  email = (await seedBase()).admin.email;
});

const HOUR = 60 * 60 * 1000;

describe("sign-out", () => {
  it("revokes the session on the server: the same cookie opens nothing afterwards", async () => {
    const signedIn = await signInAs(email, PASSWORD);
    const other = await signInAs(email, PASSWORD);
    expect(await guardSees(signedIn)).toMatchObject({ email, sessionId: signedIn.sessionId });

    expect(await endUserSession(signedIn.sessionId, context)).toBe(true);
    expect(await guardSees(signedIn)).toBeNull();
    // Only that browser's session ended.
    expect(await guardSees(other)).toMatchObject({ email });
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "auth.signed_out" }, orderBy: { id: "desc" } });
    expect(event).toMatchObject({ actorLabel: email, ip: context.ip });

    // Replaying the sign-out changes and records nothing more.
    const events = await db.auditEvent.count();
    expect(await endUserSession(signedIn.sessionId, context)).toBe(false);
    expect(await endUserSession("not-a-session-id", context)).toBe(false);
    expect(await db.auditEvent.count()).toBe(events);
  });

  it("through next-auth's own sign-out endpoint too", async () => {
    const signedIn = await signInAs(email, PASSWORD);
    await authOptions.events!.signOut!({ token: { ...claimsOf(signedIn) }, session: null as never });
    expect(await guardSees(signedIn)).toBeNull();
  });
});

describe("the absolute maximum", () => {
  it("ends a session 12 hours after sign-in, however active it was", async () => {
    const signedIn = await signInAs(email, PASSWORD);
    const signedInAt = new Date(signedIn.authAt);
    expect(await guardSees(signedIn, new Date(signedInAt.getTime() + 11.9 * HOUR))).not.toBeNull();
    expect(await guardSees(signedIn, new Date(signedInAt.getTime() + SESSION_MAX_AGE_MS))).toBeNull();
    // Even if the row said otherwise, the sign-in time in the token decides as well.
    await db.userSession.update({ where: { id: signedIn.sessionId }, data: { expiresAt: new Date(Date.now() + 100 * HOUR) } });
    expect(await guardSees(signedIn, new Date(signedInAt.getTime() + 13 * HOUR))).toBeNull();
    // And a token that claims a later sign-in than its row is no way around it.
    expect(await loadSessionUser({ ...claimsOf(signedIn), authAt: Date.now() + 10 * HOUR })).toBeNull();
  });

  it("signs next-auth's token for the session's remaining lifetime, never 30 days", async () => {
    const encode = authOptions.jwt!.encode!;
    const fresh = await encode({ token: { uid: "u", sid: "s", authAt: Date.now() }, secret, maxAge: 30 * 24 * 60 * 60 });
    const exp = Number((await decode({ token: fresh, secret }))?.exp);
    expect(exp * 1000 - Date.now()).toBeLessThanOrEqual(SESSION_MAX_AGE_SECONDS * 1000);
    expect(exp * 1000 - Date.now()).toBeGreaterThan(SESSION_MAX_AGE_SECONDS * 1000 - 60_000);
    expect(authOptions.jwt?.maxAge).toBe(SESSION_MAX_AGE_SECONDS);

    // GET /api/auth/session re-encodes with a full maxAge: still bounded by the sign-in time.
    const old = await encode({ token: { uid: "u", sid: "s", authAt: Date.now() - 11 * HOUR }, secret, maxAge: SESSION_MAX_AGE_SECONDS });
    const oldExp = Number((await decode({ token: old, secret }))?.exp);
    expect(oldExp * 1000 - Date.now()).toBeLessThanOrEqual(HOUR);
    const over = await encode({ token: { uid: "u", sid: "s", authAt: Date.now() - 13 * HOUR }, secret, maxAge: SESSION_MAX_AGE_SECONDS });
    // Expired at once (decode allows 15 s of clock skew).
    await new Promise((resolve) => setTimeout(resolve, 0));
    const overExp = Number((await decode({ token: over, secret }).catch(() => ({ exp: 0 })))?.exp);
    expect(overExp * 1000).toBeLessThanOrEqual(Date.now());
  });

  it("gives an ended session no new token on GET /api/auth/session", async () => {
    const signedIn = await signInAs(email, PASSWORD);
    const jwt = authOptions.callbacks!.jwt!;
    const token = { ...claimsOf(signedIn) };
    await expect(jwt({ token, account: null, user: undefined as never })).resolves.toMatchObject({ sid: signedIn.sessionId });
    await endUserSession(signedIn.sessionId, null);
    await expect(jwt({ token, account: null, user: undefined as never })).rejects.toThrow(/session has ended/);
  });
});

describe("forged claims", () => {
  it("open nothing: unknown, malformed or someone else's session ids, and missing sign-in times", async () => {
    const signedIn = await signInAs(email, PASSWORD);
    const claims = claimsOf(signedIn);
    expect(await loadSessionUser({ ...claims, sid: "00000000-0000-4000-8000-000000000000" })).toBeNull();
    expect(await loadSessionUser({ ...claims, sid: "'; DROP TABLE \"User\"; --" })).toBeNull();
    expect(await loadSessionUser({ ...claims, uid: "00000000-0000-4000-8000-000000000000" })).toBeNull();
    expect(await loadSessionUser({ uid: claims.uid, sid: claims.sid })).toBeNull();
    // A cookie from before server-side sessions carries no session id at all.
    expect(await loadSessionUser({ uid: claims.uid, authAt: claims.authAt })).toBeNull();
    expect(await loadSessionUser(claims)).not.toBeNull();
  });

  it("records when a session was last seen, at most every few minutes", async () => {
    const signedIn = await signInAs(email, PASSWORD);
    const row = () => db.userSession.findUniqueOrThrow({ where: { id: signedIn.sessionId } });
    const first = (await row()).lastSeenAt;
    await guardSees(signedIn, new Date(first.getTime() + 60_000));
    expect((await row()).lastSeenAt).toEqual(first);
    const later = new Date(first.getTime() + 6 * 60_000);
    await guardSees(signedIn, later);
    expect((await row()).lastSeenAt).toEqual(later);
  });
});
