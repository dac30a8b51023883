// Sign-in, first-run setup and the database re-read behind every guard, on a real PostgreSQL.
import { describe, expect, it } from "vitest";
import { authorizeCredentials } from "@/lib/services/sign-in";
import { db } from "@/lib/db";
import { ServiceError } from "@/lib/services/errors";
import { createFirstAdmin, hasAnyUser, issueSetupToken } from "@/lib/services/setup";
import { guardSees, signInAs } from "./support/fixtures";

const context = { ip: "203.0.113.7", userAgent: "vitest" };
const admin = { email: "ada@example.com", name: "Ada Admin", password: "a-long-password-1" };

async function auditActions() {
  return (await db.auditEvent.findMany({ orderBy: { id: "asc" }, select: { action: true, actorLabel: true, ip: true, summary: true, metadata: true } }));
}

describe("first-run setup", () => {
  it("needs the one-time setup token the server printed at start", async () => {
    expect(await hasAnyUser()).toBe(false);
    const token = await issueSetupToken();
    expect(token).toBeTruthy();
    // A restart prints a new token; the old one stops working.
    const current = (await issueSetupToken())!;
    for (const wrong of [token!, "", "x".repeat(32), `${current}x`]) {
      expect(await createFirstAdmin(admin, context, { via: "setup-page", setupToken: wrong })).toEqual({ ok: false, reason: "bad-token" });
    }
    expect(await db.user.count()).toBe(0);
    expect(await db.auditEvent.count()).toBe(0);

    // A common password is refused before anything else, with the password field named.
    const common = await createFirstAdmin({ ...admin, password: "password1234" }, context, { via: "setup-page", setupToken: current }).catch((e: unknown) => e);
    expect(common).toBeInstanceOf(ServiceError);
    expect((common as ServiceError).fieldErrors?.password?.[0]).toMatch(/too common/);
    expect(await db.user.count()).toBe(0);

    const result = await createFirstAdmin(admin, context, { via: "setup-page", setupToken: current });
    expect(result.ok).toBe(true);
    const users = await db.user.findMany();
    expect(users).toHaveLength(1);
    expect(users[0]).toMatchObject({ email: "ada@example.com", role: "admin", active: true, mustChangePassword: false });
    expect(users[0]?.passwordHash).not.toContain(admin.password);
    const projects = await db.project.findMany({ orderBy: { slug: "asc" } });
    expect(projects.map((p) => [p.slug, p.keyPrefix, p.isSystem, p.activeKeyLimit])).toEqual([
      ["default", "kd", false, 20],
      ["keydesk-api", "kdm", true, 20],
    ]);
    expect((await auditActions()).map((e) => e.action)).toEqual(["setup.completed"]);

    // Works only while no user exists, and the token was used up.
    expect(await db.setupToken.count()).toBe(0);
    const again = await createFirstAdmin({ ...admin, email: "eve@example.com" }, context, { via: "setup-page", setupToken: current });
    expect(again).toEqual({ ok: false, reason: "already-set-up" });
    expect(await db.user.count()).toBe(1);
  });
});

describe("sign-in", () => {
  it("accepts the right password, case-insensitively for the email, starts a session and audits it", async () => {
    const user = await db.user.findFirstOrThrow();
    const signedIn = await authorizeCredentials({ email: user.email.toUpperCase(), password: admin.password }, context);
    expect(signedIn).toMatchObject({ id: user.id, email: user.email, name: user.name, sessionId: expect.any(String) });
    expect((await db.user.findUniqueOrThrow({ where: { id: user.id } })).lastSignInAt).not.toBeNull();
    const session = await db.userSession.findUniqueOrThrow({ where: { id: signedIn!.sessionId } });
    expect(session).toMatchObject({ userId: user.id, ip: "203.0.113.7", userAgent: "vitest", revokedAt: null });
    expect(session.expiresAt.getTime() - session.createdAt.getTime()).toBe(12 * 60 * 60 * 1000);
    const last = (await auditActions()).at(-1);
    expect(last).toMatchObject({ action: "auth.signed_in", ip: "203.0.113.7" });
  });

  it("gives the same answer for a wrong password and an unknown email, and audits both without the password", async () => {
    const user = await db.user.findFirstOrThrow();
    expect(await authorizeCredentials({ email: user.email, password: "wrong-password-123" }, context)).toBeNull();
    expect(await authorizeCredentials({ email: "nobody@example.com", password: "wrong-password-123" }, context)).toBeNull();
    const failures = (await auditActions()).filter((e) => e.action === "auth.sign_in_failed");
    expect(failures.map((f) => f.actorLabel).slice(-2)).toEqual([user.email, "nobody@example.com"]);
    expect(JSON.stringify(failures)).not.toContain("wrong-password-123");
  });

  it("refuses deactivated users and malformed input", async () => {
    const user = await db.user.findFirstOrThrow();
    await db.user.update({ where: { id: user.id }, data: { active: false } });
    expect(await authorizeCredentials({ email: user.email, password: admin.password }, context)).toBeNull();
    expect(await authorizeCredentials(undefined, context)).toBeNull();
    expect(await authorizeCredentials({ email: "not-an-email", password: "x" }, context)).toBeNull();
    await db.user.update({ where: { id: user.id }, data: { active: true } });
  });
});

describe("guards re-read the user", () => {
  it("see a demotion or deactivation on the next request", async () => {
    const user = await db.user.findFirstOrThrow();
    const signedIn = await signInAs(user.email, admin.password);
    expect((await guardSees(signedIn))?.role).toBe("admin");
    await db.user.update({ where: { id: user.id }, data: { role: "viewer" } });
    expect((await guardSees(signedIn))?.role).toBe("viewer");
    await db.user.update({ where: { id: user.id }, data: { active: false } });
    expect(await guardSees(signedIn)).toBeNull();
    await db.user.update({ where: { id: user.id }, data: { active: true, role: "admin" } });
  });
});
