// Passwords on a real PostgreSQL: temporary passwords expire and must be replaced before anything
// else; common passwords are refused wherever a password is chosen; the current-password check on
// Profile is throttled; re-authentication before sensitive actions; old hashes are upgraded.
import { randomBytes, scryptSync } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { can } from "@/lib/auth/permissions";
import { ReauthRequiredError, hasRecentAuth, requireRecentAuth } from "@/lib/auth/recent-auth";
import { RECENT_AUTH_MS, TEMPORARY_PASSWORD_TTL_MS } from "@/lib/auth/session-policy";
import { TEMPORARY_PASSWORD_EXPIRED, authorizeCredentials } from "@/lib/services/sign-in";
import { db } from "@/lib/db";
import { ServiceError } from "@/lib/services/errors";
import { changeOwnPassword, confirmOwnPassword } from "@/lib/services/profile";
import { acceptInvite } from "@/lib/services/invites";
import { createUser, resetUserPassword } from "@/lib/services/users";
import { context, guardSees, seedBase, signInAs, userActor } from "./support/fixtures";

type Admin = Awaited<ReturnType<typeof seedBase>>["admin"];
let admin: Admin;
let counter = 0;

beforeAll(async () => {
  admin = (await seedBase()).admin;
});

async function newPerson(method: "password" | "invite" = "password") {
  counter += 1;
  return createUser(userActor(admin), { name: `Tess Temporary ${counter}`, email: `tess.${counter}@example.com`, role: "admin", method }, context);
}

const fieldMessage = (error: unknown, field: string) => (error instanceof ServiceError ? error.fieldErrors?.[field]?.[0] : String(error));

describe("temporary passwords", () => {
  it("expire after 72 hours", async () => {
    const created = await newPerson();
    const row = await db.user.findUniqueOrThrow({ where: { id: created.id } });
    expect(row.mustChangePassword).toBe(true);
    expect(row.passwordExpiresAt!.getTime() - Date.now()).toBeGreaterThan(TEMPORARY_PASSWORD_TTL_MS - 60_000);
    expect(row.passwordExpiresAt!.getTime() - Date.now()).toBeLessThanOrEqual(TEMPORARY_PASSWORD_TTL_MS);
    expect(TEMPORARY_PASSWORD_TTL_MS).toBe(72 * 60 * 60 * 1000);

    const session = await signInAs(created.email, created.temporaryPassword!);
    await db.user.update({ where: { id: created.id }, data: { passwordExpiresAt: new Date(Date.now() - 1000) } });
    // The right (expired) password says so; a wrong one gets the usual answer.
    await expect(authorizeCredentials({ email: created.email, password: created.temporaryPassword! }, { ip: null, userAgent: "vitest" })).rejects.toThrow(
      TEMPORARY_PASSWORD_EXPIRED,
    );
    expect(await authorizeCredentials({ email: created.email, password: "wrong-password-1" }, { ip: null, userAgent: "vitest" })).toBeNull();
    // A session opened with it before it expired ends too: it was never replaced.
    expect(await guardSees(session)).toBeNull();
    expect(await db.auditEvent.findFirst({ where: { action: "auth.sign_in_failed", metadata: { equals: { reason: "temporary_password_expired" } } } })).not.toBeNull();

    // An administrator's reset hands out a new one, good for another 72 hours.
    const reset = await resetUserPassword(userActor(admin), { userId: created.id }, context);
    expect(await signInAs(created.email, reset.temporaryPassword)).toMatchObject({ id: created.id });
  });

  it("allow nothing but choosing one's own password", async () => {
    const created = await newPerson();
    const session = await signInAs(created.email, created.temporaryPassword!);
    const user = (await guardSees(session))!;
    expect(user).toMatchObject({ role: "admin", mustChangePassword: true });
    // An administrator on a temporary password may not do administrator things yet.
    expect(can(user, "users.manage")).toBe(false);
    expect(can(user, "keys.read")).toBe(false);

    await changeOwnPassword({ type: "user", user }, { currentPassword: created.temporaryPassword!, password: "tulip-marble-ferry-7", confirmPassword: "tulip-marble-ferry-7" }, context);
    const after = (await guardSees(session))!;
    expect(after).toMatchObject({ mustChangePassword: false });
    expect(can(after, "users.manage")).toBe(true);
    expect(await db.user.findUniqueOrThrow({ where: { id: created.id } })).toMatchObject({ mustChangePassword: false, passwordExpiresAt: null });
  });

  it("are not involved when someone accepts an invite", async () => {
    const invited = await newPerson("invite");
    await acceptInvite({ token: invited.inviteToken, password: "lantern-orbit-canal-4", confirmPassword: "lantern-orbit-canal-4" }, context);
    expect(await db.user.findUniqueOrThrow({ where: { id: invited.id } })).toMatchObject({ mustChangePassword: false, passwordExpiresAt: null });
  });
});

describe("common passwords", () => {
  it("are refused on Profile, on the forced change and for invites, with the field named", async () => {
    const created = await newPerson();
    const user = (await guardSees(await signInAs(created.email, created.temporaryPassword!)))!;
    for (const password of ["password1234", "Qwertyuiop1!", "iloveyou2024", created.email]) {
      const error = await changeOwnPassword({ type: "user", user }, { currentPassword: created.temporaryPassword!, password, confirmPassword: password }, context).catch((e: unknown) => e);
      expect(fieldMessage(error, "password")).toMatch(/too common/);
    }
    const invited = await newPerson("invite");
    const error = await acceptInvite({ token: invited.inviteToken, password: "1q2w3e4r5t6y", confirmPassword: "1q2w3e4r5t6y" }, context).catch((e: unknown) => e);
    expect(fieldMessage(error, "password")).toMatch(/too common/);
    expect((await db.user.findUniqueOrThrow({ where: { id: invited.id } })).passwordHash).toBeNull();
  });
});

describe("the current-password check", () => {
  it("is throttled on Profile: five wrong guesses lock it, even for the right password", async () => {
    const created = await newPerson();
    const user = (await guardSees(await signInAs(created.email, created.temporaryPassword!)))!;
    const change = (currentPassword: string) =>
      changeOwnPassword({ type: "user", user }, { currentPassword, password: "tulip-marble-ferry-8", confirmPassword: "tulip-marble-ferry-8" }, context).catch(
        (e: unknown) => e,
      );
    const answers = [];
    for (let i = 0; i < 5; i += 1) answers.push(fieldMessage(await change(`wrong-password-${i}`), "currentPassword"));
    expect(answers.slice(0, 4)).toEqual(Array(4).fill("Your current password is not correct."));
    expect(answers[4]).toMatch(/^Too many failed attempts\. Try again in/);
    expect(fieldMessage(await change(created.temporaryPassword!), "currentPassword")).toMatch(/^Too many failed attempts/);
    expect((await db.user.findUniqueOrThrow({ where: { id: created.id } })).mustChangePassword).toBe(true);
  });
});

describe("re-authentication before sensitive actions", () => {
  it("passes within ten minutes of signing in, then needs the password again", async () => {
    const created = await newPerson();
    const temp = created.temporaryPassword!;
    const session = await signInAs(created.email, temp);
    const user = (await guardSees(session))!;
    expect(hasRecentAuth(user)).toBe(true);
    expect(() => requireRecentAuth(user, Date.now() + RECENT_AUTH_MS + 1000)).toThrow(ReauthRequiredError);

    // Eleven minutes later.
    await db.userSession.update({ where: { id: session.sessionId }, data: { reauthenticatedAt: new Date(Date.now() - 11 * 60_000) } });
    const later = (await guardSees(session))!;
    expect(() => requireRecentAuth(later)).toThrow(ReauthRequiredError);

    // A wrong password does not help (and is throttled like the Profile check).
    const wrong = await confirmOwnPassword({ type: "user", user: later }, { password: "not-my-password" }).catch((e: unknown) => e);
    expect(fieldMessage(wrong, "password")).toBe("Your current password is not correct.");
    const stillOld = (await guardSees(session))!;
    expect(() => requireRecentAuth(stillOld)).toThrow(ReauthRequiredError);

    await confirmOwnPassword({ type: "user", user: later }, { password: temp });
    const confirmed = (await guardSees(session))!;
    expect(() => requireRecentAuth(confirmed)).not.toThrow();
  });

  it("is per session: confirming in one browser does not vouch for another", async () => {
    const created = await newPerson();
    const a = await signInAs(created.email, created.temporaryPassword!);
    const b = await signInAs(created.email, created.temporaryPassword!);
    const old = new Date(Date.now() - 30 * 60_000);
    await db.userSession.updateMany({ where: { id: { in: [a.sessionId, b.sessionId] } }, data: { reauthenticatedAt: old } });
    await confirmOwnPassword({ type: "user", user: (await guardSees(a))! }, { password: created.temporaryPassword! });
    expect(hasRecentAuth((await guardSees(a))!)).toBe(true);
    expect(hasRecentAuth((await guardSees(b))!)).toBe(false);
  });
});

describe("old password hashes", () => {
  it("still sign in, and are upgraded to today's parameters at that sign-in", async () => {
    const created = await newPerson();
    const salt = randomBytes(16);
    const weakN = 2 ** 10;
    const key = scryptSync(created.temporaryPassword!.normalize("NFKC"), salt, 32, { N: weakN, r: 8, p: 1 });
    const legacy = ["scrypt", weakN, 8, 1, salt.toString("base64"), key.toString("base64")].join("$");
    await db.user.update({ where: { id: created.id }, data: { passwordHash: legacy } });

    await signInAs(created.email, created.temporaryPassword!);
    const upgraded = (await db.user.findUniqueOrThrow({ where: { id: created.id } })).passwordHash!;
    expect(upgraded).not.toBe(legacy);
    expect(Number(upgraded.split("$")[1])).toBeGreaterThan(weakN);
    expect(await signInAs(created.email, created.temporaryPassword!)).toMatchObject({ id: created.id });
  });
});
