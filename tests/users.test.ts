// Admin → Users and /profile writes, on a real PostgreSQL: each admin action for each role,
// temporary passwords and invite links that really sign in, the last-admin rule under
// concurrency, deactivation on the next request, and the audit trail without secrets.
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import { authorizeCredentials } from "@/lib/services/sign-in";
import { PermissionError } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { loadSessionUser } from "@/lib/auth/session-user";
import { listUsers } from "@/lib/queries/admin-users";
import { createApiKey } from "@/lib/services/api-keys";
import { ServiceError } from "@/lib/services/errors";
import { INVITE_MESSAGES, acceptInvite, hashInviteToken, lookupInvite } from "@/lib/services/invites";
import { changeUserRole, createUser, deactivateUser, reactivateUser, reissueInvite, resetUserPassword } from "@/lib/services/users";
import { changeOwnPassword, updateOwnProfile } from "@/lib/services/profile";
import { userListParamsSchema } from "@/lib/validations/admin-user";
import { claimsOf, context, guardSees, createUser as insertUser, openSession, seedBase, signInAs, userActor } from "./support/fixtures";

type Admin = Awaited<ReturnType<typeof seedBase>>["admin"];
let admin: Admin;
let projectId: string;

// No IP: these sign-ins must not share one per-IP throttle counter across the whole file.
const signInContext = { ip: null, userAgent: "vitest" };
const signIn = (email: string, password: string) => authorizeCredentials({ email, password }, signInContext);

let counter = 0;
const newPerson = (overrides: Record<string, unknown> = {}) => {
  counter += 1;
  return { name: `Vera Viewer ${counter}`, email: `Vera.${counter}@Example.com`, role: "viewer", method: "password", ...overrides };
};

async function snapshot() {
  const [users, invites, events, roles] = await Promise.all([
    db.user.count(),
    db.userInvite.count(),
    db.auditEvent.count(),
    db.user.findMany({ orderBy: { id: "asc" }, select: { id: true, role: true, active: true, passwordHash: true } }),
  ]);
  return { users, invites, events, roles };
}

async function lastEvent(action: string) {
  const event = await db.auditEvent.findFirstOrThrow({ where: { action }, orderBy: { id: "desc" } });
  return { ...event, id: String(event.id) };
}

/** Leaves exactly these users as the active administrators (test setup, so no audit). */
async function onlyAdmins(...ids: string[]) {
  await db.user.updateMany({ where: { role: "admin", id: { notIn: ids } }, data: { role: "viewer" } });
  await db.user.updateMany({ where: { id: { in: ids } }, data: { role: "admin", active: true } });
}

const freshAdmin = () => insertUser("admin");

beforeAll(async () => {
  const base = await seedBase();
  admin = base.admin;
  projectId = base.project.id;
});

beforeEach(async () => {
  // Every test starts from the seeded admin being an active administrator.
  await db.user.update({ where: { id: admin.id }, data: { role: "admin", active: true } });
});

describe("create with a temporary password", () => {
  it("stores only a hash, returns the password once, and the person can sign in with it", async () => {
    const created = await createUser(userActor(admin), newPerson({ name: "  Vera Viewer  " }), context);
    expect(created).toMatchObject({ name: "Vera Viewer", role: "viewer", method: "password" });
    expect(created.email).toBe(created.email.toLowerCase());
    expect(created.temporaryPassword).toMatch(/^[A-Za-z2-9]{5}(-[A-Za-z2-9]{5}){3}$/);
    expect(created.inviteToken).toBeUndefined();

    const row = await db.user.findUniqueOrThrow({ where: { id: created.id } });
    expect(row).toMatchObject({ role: "viewer", active: true, lastSignInAt: null });
    expect(row.passwordHash).toMatch(/^scrypt\$/);
    expect(row.passwordHash).not.toContain(created.temporaryPassword);

    expect(await signIn(created.email.toUpperCase(), created.temporaryPassword!)).toMatchObject({
      id: created.id,
      email: created.email,
      name: "Vera Viewer",
    });

    const event = await lastEvent("user.created");
    expect(event).toMatchObject({ actorUserId: admin.id, targetType: "user", targetId: created.id, ip: context.ip });
    expect(event.metadata).toEqual({ role: "viewer", method: "password" });
    expect(event.summary).toBe(`Created viewer Vera Viewer (${created.email}) with a temporary password`);
    expect(JSON.stringify(event)).not.toContain(created.temporaryPassword);
  });

  it("generates a different strong password every time", async () => {
    const a = await createUser(userActor(admin), newPerson(), context);
    const b = await createUser(userActor(admin), newPerson(), context);
    expect(a.temporaryPassword).not.toBe(b.temporaryPassword);
    expect(a.temporaryPassword!.replaceAll("-", "")).toHaveLength(20);
  });

  it("refuses an email that is taken, whatever its case, and changes nothing", async () => {
    const person = newPerson();
    await createUser(userActor(admin), person, context);
    const before = await snapshot();
    const error = await createUser(userActor(admin), { ...person, email: person.email.toUpperCase() }, context).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect(error).toMatchObject({ code: "conflict", fieldErrors: { email: ["A user with this email already exists."] } });
    expect(await snapshot()).toEqual(before);
  });

  it("creates one user when two admins submit the same email at once", async () => {
    const person = newPerson();
    const results = await Promise.allSettled([
      createUser(userActor(admin), person, context),
      createUser(userActor(admin), person, context),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(failure?.reason).toMatchObject({ code: "conflict" });
    expect(await db.user.count({ where: { email: person.email.toLowerCase() } })).toBe(1);
  });

  it.each([
    ["an empty name", { name: " " }, "name"],
    ["a bad email", { email: "not-an-email" }, "email"],
    ["an unknown role", { role: "owner" }, "role"],
    ["an unknown method", { method: "magic" }, "method"],
  ])("rejects %s with a field error", async (_label, overrides, field) => {
    const before = await snapshot();
    const error = await createUser(userActor(admin), newPerson(overrides), context).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).fieldErrors?.[field]?.[0]).toBeTruthy();
    expect(await snapshot()).toEqual(before);
  });
});

describe("invite links", () => {
  it("work exactly once, store only the token's SHA-256, and let the person sign in", async () => {
    const created = await createUser(userActor(admin), newPerson({ method: "invite", role: "manager" }), context);
    expect(created.temporaryPassword).toBeUndefined();
    const token = created.inviteToken!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const days = (created.inviteExpiresAt!.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(6.99);
    expect(days).toBeLessThanOrEqual(7);

    // Pending: no password, so no password signs in.
    const row = await db.user.findUniqueOrThrow({ where: { id: created.id }, include: { invites: true } });
    expect(row.passwordHash).toBeNull();
    expect(row.invites).toHaveLength(1);
    expect(row.invites[0]?.tokenHash).toBe(hashInviteToken(token));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(await signIn(created.email, "anything-at-all-1")).toBeNull();

    expect(await lookupInvite(token)).toMatchObject({ status: "valid", name: created.name, email: created.email });
    await expect(acceptInvite({ token, password: "short", confirmPassword: "short" }, context)).rejects.toMatchObject({
      fieldErrors: { password: ["Password must be at least 10 characters"] },
    });
    await expect(acceptInvite({ token, password: "my-own-password-1", confirmPassword: "my-own-password-2" }, context)).rejects.toMatchObject({
      fieldErrors: { confirmPassword: ["Passwords do not match"] },
    });
    expect(await acceptInvite({ token, password: "my-own-password-1", confirmPassword: "my-own-password-1" }, context)).toEqual({
      email: created.email,
    });
    expect(await signIn(created.email, "my-own-password-1")).toMatchObject({ id: created.id });

    // Used up: the page says so, and a second use changes nothing.
    expect(await lookupInvite(token)).toEqual({ status: "used" });
    const before = await snapshot();
    await expect(acceptInvite({ token, password: "takeover-password-1", confirmPassword: "takeover-password-1" }, context)).rejects.toMatchObject({
      code: "not_found",
      message: INVITE_MESSAGES.used,
    });
    expect(await snapshot()).toEqual(before);
    expect(await signIn(created.email, "takeover-password-1")).toBeNull();

    const invited = await lastEvent("user.invited");
    expect(invited).toMatchObject({ targetId: created.id, actorUserId: admin.id });
    const accepted = await lastEvent("user.password_set");
    expect(accepted).toMatchObject({ targetId: created.id, actorUserId: created.id, summary: expect.stringContaining("accepted their invite") });
    const events = await db.auditEvent.findMany({ where: { targetId: created.id } });
    expect(JSON.stringify(events, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : v))).not.toMatch(
      new RegExp(`${token}|my-own-password-1|${hashInviteToken(token)}`),
    );
  });

  it("refuses expired and unknown tokens with a clear message", async () => {
    const created = await createUser(userActor(admin), newPerson({ method: "invite" }), context);
    await db.userInvite.updateMany({ where: { userId: created.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(await lookupInvite(created.inviteToken!)).toEqual({ status: "expired" });
    const input = { token: created.inviteToken, password: "my-own-password-1", confirmPassword: "my-own-password-1" };
    await expect(acceptInvite(input, context)).rejects.toMatchObject({ message: INVITE_MESSAGES.expired });
    expect((await db.user.findUniqueOrThrow({ where: { id: created.id } })).passwordHash).toBeNull();

    const unknown = "A".repeat(43);
    expect(await lookupInvite(unknown)).toEqual({ status: "unknown" });
    expect(await lookupInvite("../../etc/passwd")).toEqual({ status: "unknown" });
    await expect(acceptInvite({ ...input, token: unknown }, context)).rejects.toMatchObject({ message: INVITE_MESSAGES.unknown });
    await expect(acceptInvite({ ...input, token: "x" }, context)).rejects.toMatchObject({ message: INVITE_MESSAGES.unknown });
  });

  it("lets only one of two simultaneous submits set the password", async () => {
    const created = await createUser(userActor(admin), newPerson({ method: "invite" }), context);
    const submit = (password: string) => acceptInvite({ token: created.inviteToken, password, confirmPassword: password }, context);
    const results = await Promise.allSettled([submit("first-password-11"), submit("second-password-22")]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await db.auditEvent.count({ where: { action: "user.password_set", targetId: created.id } })).toBe(1);
  });

  it("can be reissued for a pending user; the old link stops working", async () => {
    const created = await createUser(userActor(admin), newPerson({ method: "invite" }), context);
    const fresh = await reissueInvite(userActor(admin), { userId: created.id }, context);
    expect(fresh.inviteToken).not.toBe(created.inviteToken);
    expect(await lookupInvite(created.inviteToken!)).toEqual({ status: "expired" });
    expect((await lookupInvite(fresh.inviteToken)).status).toBe("valid");
    expect(await lastEvent("user.invited")).toMatchObject({ metadata: { reissued: true, expiresAt: fresh.inviteExpiresAt.toISOString() } });

    await acceptInvite({ token: fresh.inviteToken, password: "my-own-password-1", confirmPassword: "my-own-password-1" }, context);
    await expect(reissueInvite(userActor(admin), { userId: created.id }, context)).rejects.toMatchObject({ code: "conflict" });
  });

  it("stops working while the account is deactivated", async () => {
    const created = await createUser(userActor(admin), newPerson({ method: "invite" }), context);
    await deactivateUser(userActor(admin), { userId: created.id }, context);
    expect(await lookupInvite(created.inviteToken!)).toEqual({ status: "unknown" });
    await expect(
      acceptInvite({ token: created.inviteToken, password: "my-own-password-1", confirmPassword: "my-own-password-1" }, context),
    ).rejects.toBeInstanceOf(ServiceError);
  });
});

describe("admin actions × roles", () => {
  type Ids = { targetId: string; inactiveId: string; pendingId: string };
  type Actor = ReturnType<typeof userActor>;
  const actions: Record<string, (actor: Actor, ids: Ids) => Promise<unknown>> = {
    create: (actor) => createUser(actor, newPerson(), context),
    "create with invite": (actor) => createUser(actor, newPerson({ method: "invite" }), context),
    "change role": (actor, { targetId }) => changeUserRole(actor, { userId: targetId, role: "manager" }, context),
    deactivate: (actor, { targetId }) => deactivateUser(actor, { userId: targetId }, context),
    reactivate: (actor, { inactiveId }) => reactivateUser(actor, { userId: inactiveId }, context),
    "reissue invite": (actor, { pendingId }) => reissueInvite(actor, { userId: pendingId }, context),
    "reset password": (actor, { targetId }) => resetUserPassword(actor, { userId: targetId }, context),
  };
  const actionNames = Object.keys(actions);

  async function targets(): Promise<Ids> {
    const target = await insertUser("viewer");
    const inactive = await insertUser("viewer", { active: false });
    const pending = await createUser(userActor(admin), newPerson({ method: "invite" }), context);
    return { targetId: target.id, inactiveId: inactive.id, pendingId: pending.id };
  }

  it.each(actionNames)("%s: an administrator may", async (name) => {
    const ids = await targets();
    const before = await db.auditEvent.count();
    await expect(actions[name]!(userActor(admin), ids)).resolves.toBeTruthy();
    expect(await db.auditEvent.count()).toBeGreaterThan(before);
  });

  const refused = (["manager", "viewer"] as const).flatMap((role) => actionNames.map((name) => [name, role] as const));
  it.each(refused)("%s: a %s gets PermissionError and nothing changes", async (name, role) => {
    const ids = await targets();
    const caller = await insertUser(role);
    const before = await snapshot();
    await expect(actions[name]!(userActor(caller), ids)).rejects.toBeInstanceOf(PermissionError);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a deactivated administrator, and one demoted after their page loaded", async () => {
    const { targetId } = await targets();
    const inactiveAdmin = await insertUser("admin", { active: false });
    await expect(deactivateUser(userActor(inactiveAdmin), { userId: targetId }, context)).rejects.toBeInstanceOf(PermissionError);

    // The actor object still says "admin" (read at the start of the request); the database does not.
    const stale = await freshAdmin();
    await db.user.update({ where: { id: stale.id }, data: { role: "viewer" } });
    const before = await snapshot();
    await expect(changeUserRole(userActor(stale), { userId: targetId, role: "admin" }, context)).rejects.toBeInstanceOf(PermissionError);
    expect(await snapshot()).toEqual(before);
  });

  it("answers not found for unknown or forged user ids", async () => {
    await expect(deactivateUser(userActor(admin), { userId: "00000000-0000-4000-8000-000000000000" }, context)).rejects.toMatchObject({ code: "not_found" });
    await expect(changeUserRole(userActor(admin), { userId: "'; DROP TABLE \"User\"; --", role: "viewer" }, context)).rejects.toMatchObject({ code: "not_found" });
    await expect(reactivateUser(userActor(admin), {}, context)).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("roles", () => {
  it("changes the role, records from/to, and the guards see it on the next request", async () => {
    const person = await insertUser("viewer");
    const session = await openSession(person.id);
    expect((await loadSessionUser(session))?.role).toBe("viewer");
    const updated = await changeUserRole(userActor(admin), { userId: person.id, role: "admin" }, context);
    expect(updated).toMatchObject({ role: "admin", previousRole: "viewer" });
    expect((await loadSessionUser(session))?.role).toBe("admin");
    const event = await lastEvent("user.role_changed");
    expect(event).toMatchObject({ targetId: person.id, metadata: { from: "viewer", to: "admin" } });
    expect(event.summary).toBe(`Changed the role of ${person.name} (${person.email}) from Viewer to Administrator`);

    await expect(changeUserRole(userActor(admin), { userId: person.id, role: "admin" }, context)).rejects.toMatchObject({ code: "conflict" });
    await expect(changeUserRole(userActor(admin), { userId: person.id, role: "owner" }, context)).rejects.toMatchObject({ code: "invalid" });
  });
});

describe("the last active administrator", () => {
  it("cannot demote themselves, and cannot deactivate themselves at all", async () => {
    await onlyAdmins(admin.id);
    const before = await snapshot();
    const error = await changeUserRole(userActor(admin), { userId: admin.id, role: "viewer" }, context).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).message).toMatch(/is the last active administrator/);
    await expect(deactivateUser(userActor(admin), { userId: admin.id }, context)).rejects.toMatchObject({
      code: "forbidden",
      message: expect.stringMatching(/cannot deactivate your own account/),
    });
    expect(await snapshot()).toEqual(before);
  });

  it("may step down when another administrator remains", async () => {
    const other = await freshAdmin();
    await onlyAdmins(admin.id, other.id);
    await changeUserRole(userActor(admin), { userId: admin.id, role: "manager" }, context);
    expect(await db.user.count({ where: { role: "admin", active: true } })).toBe(1);
  });

  it("survives two admins demoting each other at the same moment: exactly one admin is left", async () => {
    const other = await freshAdmin();
    await onlyAdmins(admin.id, other.id);
    const changesBefore = await db.auditEvent.count({ where: { action: "user.role_changed" } });
    const results = await Promise.allSettled([
      changeUserRole(userActor(admin), { userId: other.id, role: "viewer" }, context),
      changeUserRole(userActor(other), { userId: admin.id, role: "viewer" }, context),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected")!;
    // The loser was demoted first, so they are no longer allowed to manage users at all.
    expect(failure.reason).toBeInstanceOf(PermissionError);
    expect(await db.user.count({ where: { role: "admin", active: true } })).toBe(1);
    expect(await db.auditEvent.count({ where: { action: "user.role_changed" } })).toBe(changesBefore + 1);
  });

  it("survives two admins stepping down at the same moment: one gets the last-admin error", async () => {
    const other = await freshAdmin();
    await onlyAdmins(admin.id, other.id);
    const results = await Promise.allSettled([
      changeUserRole(userActor(admin), { userId: admin.id, role: "viewer" }, context),
      changeUserRole(userActor(other), { userId: other.id, role: "viewer" }, context),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const failure = results.find((r): r is PromiseRejectedResult => r.status === "rejected")!;
    expect(failure.reason).toBeInstanceOf(ServiceError);
    expect((failure.reason as ServiceError).message).toMatch(/is the last active administrator\. Make someone else an administrator first/);
    expect(await db.user.count({ where: { role: "admin", active: true } })).toBe(1);
  });

  it("survives two admins deactivating each other at the same moment", async () => {
    const other = await freshAdmin();
    await onlyAdmins(admin.id, other.id);
    const results = await Promise.allSettled([
      deactivateUser(userActor(admin), { userId: other.id }, context),
      deactivateUser(userActor(other), { userId: admin.id }, context),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await db.user.count({ where: { role: "admin", active: true } })).toBe(1);
  });
});

describe("deactivation", () => {
  it("ends access on the next request, keeps the user's keys working, and can be undone", async () => {
    const created = await createUser(userActor(admin), newPerson({ role: "admin" }), context);
    const person = await db.user.findUniqueOrThrow({ where: { id: created.id } });
    const key = await createApiKey(userActor(person), { projectId, name: `Key of ${person.name}`, expiry: "30d", constraints: [] }, context);
    const session = await signInAs(person.email, created.temporaryPassword!);
    expect(await guardSees(session)).toMatchObject({ id: person.id, active: true });

    await deactivateUser(userActor(admin), { userId: person.id }, context);
    // What every guard calls on the next request: the session's user is gone, its row revoked.
    expect(await guardSees(session)).toBeNull();
    expect((await db.userSession.findUniqueOrThrow({ where: { id: session.sessionId } })).revokedAt).not.toBeNull();
    expect(await signIn(person.email, created.temporaryPassword!)).toBeNull();
    await expect(deactivateUser(userActor(person), { userId: admin.id }, context)).rejects.toBeInstanceOf(PermissionError);
    expect((await db.apiKey.findUniqueOrThrow({ where: { publicId: key.publicId } })).revokedAt).toBeNull();
    expect(await lastEvent("user.deactivated")).toMatchObject({ targetId: person.id, summary: `Deactivated ${person.name} (${person.email})` });
    await expect(deactivateUser(userActor(admin), { userId: person.id }, context)).rejects.toMatchObject({ code: "conflict" });

    await reactivateUser(userActor(admin), { userId: person.id }, context);
    // Sessions from before the deactivation stay ended; signing in again starts a new one.
    expect(await guardSees(session)).toBeNull();
    expect(await guardSees(await signInAs(person.email, created.temporaryPassword!))).toMatchObject({ id: person.id, role: "admin" });
    expect(await lastEvent("user.reactivated")).toMatchObject({ targetId: person.id });
    await expect(reactivateUser(userActor(admin), { userId: person.id }, context)).rejects.toMatchObject({ code: "conflict" });
  });
});

describe("password reset by an administrator", () => {
  it("hands out a new temporary password once, ends the person's sessions, and retires open invites", async () => {
    const created = await createUser(userActor(admin), newPerson(), context);
    const person = await db.user.findUniqueOrThrow({ where: { id: created.id } });
    const session = await signInAs(person.email, created.temporaryPassword!);
    expect(await guardSees(session)).not.toBeNull();

    const reset = await resetUserPassword(userActor(admin), { userId: person.id }, context);
    expect(reset).toMatchObject({ id: person.id, name: person.name, email: person.email });
    expect(reset.temporaryPassword).toMatch(/^[A-Za-z2-9]{5}(-[A-Za-z2-9]{5}){3}$/);
    expect(reset.temporaryPassword).not.toBe(created.temporaryPassword);

    expect(await guardSees(session)).toBeNull();
    expect(await db.userSession.count({ where: { userId: person.id, revokedAt: null } })).toBe(0);
    expect(await signIn(person.email, created.temporaryPassword!)).toBeNull();
    expect(await signIn(person.email, reset.temporaryPassword)).toMatchObject({ id: person.id });
    const stored = await db.user.findUniqueOrThrow({ where: { id: person.id } });
    expect(stored.passwordHash).not.toContain(reset.temporaryPassword);

    const event = await lastEvent("user.password_reset");
    expect(event).toMatchObject({ actorUserId: admin.id, targetId: person.id, metadata: { hadPassword: true, invitesRetired: 0 } });
    expect(JSON.stringify(event)).not.toContain(reset.temporaryPassword);
  });

  it("gives an invited person a password instead, and their invite link stops working", async () => {
    const invited = await createUser(userActor(admin), newPerson({ method: "invite" }), context);
    const reset = await resetUserPassword(userActor(admin), { userId: invited.id }, context);
    // The link says it expired (ask an administrator), not "sign in with the password you chose".
    expect(await lookupInvite(invited.inviteToken!)).toEqual({ status: "expired" });
    expect(await signIn(invited.email, reset.temporaryPassword)).toMatchObject({ id: invited.id });
    expect(await lastEvent("user.password_reset")).toMatchObject({ metadata: { hadPassword: false, invitesRetired: 1 } });
  });

  it("refuses your own account, a deactivated account, and unknown ids, changing nothing", async () => {
    const inactive = await insertUser("viewer", { active: false });
    const before = await snapshot();
    await expect(resetUserPassword(userActor(admin), { userId: admin.id }, context)).rejects.toMatchObject({ code: "forbidden" });
    await expect(resetUserPassword(userActor(admin), { userId: inactive.id }, context)).rejects.toMatchObject({ code: "conflict" });
    await expect(resetUserPassword(userActor(admin), { userId: "not-a-uuid" }, context)).rejects.toMatchObject({ code: "not_found" });
    expect(await snapshot()).toEqual(before);
  });
});

describe("profile", () => {
  it("lets any role change their own name, audited with from/to", async () => {
    for (const role of ["viewer", "manager", "admin"] as const) {
      const person = await insertUser(role);
      const result = await updateOwnProfile(userActor(person), { name: "  Renamed Person " }, context);
      expect(result).toMatchObject({ name: "Renamed Person", changed: true });
      expect((await db.user.findUniqueOrThrow({ where: { id: person.id } })).name).toBe("Renamed Person");
      expect(await lastEvent("user.profile_updated")).toMatchObject({
        actorUserId: person.id,
        targetId: person.id,
        metadata: { changes: { name: { from: person.name, to: "Renamed Person" } } },
      });
    }
    const person = await insertUser("viewer");
    await expect(updateOwnProfile(userActor(person), { name: "" }, context)).rejects.toMatchObject({ fieldErrors: { name: ["Name is required"] } });
    const before = await db.auditEvent.count();
    expect(await updateOwnProfile(userActor(person), { name: person.name }, context)).toMatchObject({ changed: false });
    expect(await db.auditEvent.count()).toBe(before);
  });

  it("changes the password only with the right current password", async () => {
    const created = await createUser(userActor(admin), newPerson(), context);
    const person = await db.user.findUniqueOrThrow({ where: { id: created.id } });
    const temporary = created.temporaryPassword!;

    const before = await snapshot();
    await expect(
      changeOwnPassword(userActor(person), { currentPassword: "wrong-password-1", password: "brand-new-password-1", confirmPassword: "brand-new-password-1" }, context),
    ).rejects.toMatchObject({ fieldErrors: { currentPassword: ["Your current password is not correct."] } });
    expect(await snapshot()).toEqual(before);

    await expect(
      changeOwnPassword(userActor(person), { currentPassword: temporary, password: "short", confirmPassword: "short" }, context),
    ).rejects.toMatchObject({ fieldErrors: { password: ["Password must be at least 10 characters"] } });
    await expect(
      changeOwnPassword(userActor(person), { currentPassword: temporary, password: "brand-new-password-1", confirmPassword: "brand-new-password-2" }, context),
    ).rejects.toMatchObject({ fieldErrors: { confirmPassword: ["Passwords do not match"] } });

    await changeOwnPassword(userActor(person), { currentPassword: temporary, password: "brand-new-password-1", confirmPassword: "brand-new-password-1" }, context);
    expect(await signIn(person.email, "brand-new-password-1")).toMatchObject({ id: person.id });
    expect(await signIn(person.email, temporary)).toBeNull();
    const event = await lastEvent("user.password_changed");
    expect(event).toMatchObject({ actorUserId: person.id, targetId: person.id, metadata: {} });
    expect(JSON.stringify(event)).not.toMatch(/brand-new-password-1/);
  });

  it("ends the account's other sessions but lets the changing one carry on", async () => {
    const created = await createUser(userActor(admin), newPerson(), context);
    const person = await db.user.findUniqueOrThrow({ where: { id: created.id } });
    const changing = await signInAs(person.email, created.temporaryPassword!);
    const other = await signInAs(person.email, created.temporaryPassword!);
    const adminSession = await openSession(admin.id);
    expect(await guardSees(other)).toMatchObject({ id: person.id });

    const actor = { type: "user" as const, user: { ...userActor(person).user, sessionId: changing.sessionId } };
    await changeOwnPassword(
      actor,
      { currentPassword: created.temporaryPassword!, password: "brand-new-password-2", confirmPassword: "brand-new-password-2" },
      context,
    );
    expect(await guardSees(other)).toBeNull();
    // The session that made the change carries on, with the same cookie.
    expect(await loadSessionUser(claimsOf(changing))).toMatchObject({ id: person.id, mustChangePassword: false });
    // Other people's sessions are untouched.
    expect(await loadSessionUser(adminSession)).toMatchObject({ id: admin.id });
    // A fresh sign-in with the new password works.
    expect(await signIn(person.email, "brand-new-password-2")).toMatchObject({ id: person.id });
    expect(await lastEvent("user.password_changed")).toMatchObject({
      summary: `${person.email} changed their password; their other sessions were ended`,
      metadata: { sessionsEnded: 1 },
    });
  });

  it("refuses a deactivated account", async () => {
    const person = await insertUser("viewer", { active: false });
    await expect(updateOwnProfile(userActor(person), { name: "New name" }, context)).rejects.toMatchObject({ code: "forbidden" });
  });
});

describe("the users list", () => {
  it("searches name and email, sorts, pages, and never exposes password hashes", async () => {
    await createUser(userActor(admin), newPerson({ name: "Zed Searchable", email: "zed@search.example" }), context);
    await createUser(userActor(admin), newPerson({ name: "Amy Searchable", email: "amy@search.example", method: "invite" }), context);
    const params = (raw: Record<string, string>) => userListParamsSchema.parse(raw);

    const byName = await listUsers(params({ q: "SEARCHABLE" }));
    expect(byName.total).toBe(2);
    expect(byName.rows.map((r) => r.name)).toEqual(["Amy Searchable", "Zed Searchable"]);
    expect(byName.rows[0]).toMatchObject({ status: "invited", inviteExpiresAt: expect.any(String) });
    expect(byName.rows[1]).toMatchObject({ status: "active", inviteExpiresAt: null });
    expect(JSON.stringify(byName)).not.toContain("scrypt");

    const desc = await listUsers(params({ q: "search.example", sort: "name", dir: "desc" }));
    expect(desc.rows.map((r) => r.name)).toEqual(["Zed Searchable", "Amy Searchable"]);

    // Bad URL values fall back to defaults instead of failing.
    expect(params({ sort: "passwordHash", dir: "sideways", page: "-3" })).toEqual({ q: "", sort: "name", dir: "asc", page: 1 });
    const far = await listUsers(params({ page: "999" }));
    expect(far.rows).toEqual([]);
    expect(far.total).toBeGreaterThan(0);
  });

  it("flags the last active administrator", async () => {
    await onlyAdmins(admin.id);
    const list = await listUsers(userListParamsSchema.parse({ q: admin.email }));
    expect(list.rows[0]).toMatchObject({ id: admin.id, isLastAdmin: true });
  });
});
