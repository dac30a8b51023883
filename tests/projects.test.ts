// Admin → Projects on a real PostgreSQL: create, edit and archive for each role, the fixed key
// prefix, the built-in system project, the key policies a project sets (enforced when keys are
// created), and what archiving does to keys, verification caches and the audit log.
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { PermissionError } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { KEY_CHANGED_CHANNEL } from "@/lib/keys/invalidation";
import { hashSecret } from "@/lib/keys/secret";
import { verifyKey } from "@/lib/keys/verify";
import { listProjects } from "@/lib/queries/projects";
import { verifyAuditChain } from "@/lib/services/audit-log";
import { createApiKey, revokeApiKey, rollApiKey } from "@/lib/services/api-keys";
import { ServiceError } from "@/lib/services/errors";
import { archiveProject, createProject, updateProject } from "@/lib/services/projects";
import { context, createUser, seedBase, userActor } from "./support/fixtures";

let admin: Awaited<ReturnType<typeof seedBase>>["admin"];
let counter = 0;

beforeAll(async () => {
  ({ admin } = await seedBase());
});

function settings(overrides: Record<string, unknown> = {}) {
  counter += 1;
  return {
    name: `Partner ${counter}`,
    keyPrefix: `pt${counter}`,
    activeKeyLimit: "20",
    maxLifetimeDays: "unlimited",
    allowNoExpiry: "on",
    ...overrides,
  };
}

async function snapshot() {
  const [projects, events, keys] = await Promise.all([db.project.findMany({ orderBy: { id: "asc" } }), db.auditEvent.count(), db.apiKey.count()]);
  return { projects, events, keys };
}

async function failure(promise: Promise<unknown>): Promise<ServiceError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServiceError);
  return error as ServiceError;
}

const keyInput = (projectId: string, overrides: Record<string, unknown> = {}) => ({
  projectId,
  name: `Key ${Math.random().toString(36).slice(2, 8)}`,
  expiry: "30d",
  constraints: [],
  ...overrides,
});

describe("create", () => {
  it("creates a project from the form's values, derives the slug and audits it", async () => {
    const project = await createProject(
      userActor(admin),
      { name: "Billing Service (EU)", slug: "", keyPrefix: "bill", activeKeyLimit: "5", maxLifetimeDays: "90", allowNoExpiry: undefined },
      context,
    );
    expect(project).toMatchObject({
      name: "Billing Service (EU)",
      slug: "billing-service-eu",
      keyPrefix: "bill",
      activeKeyLimit: 5,
      maxLifetimeDays: 90,
      allowNoExpiry: false,
      isSystem: false,
      archivedAt: null,
    });
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "project.created", projectId: project.id } });
    expect(event).toMatchObject({
      actorUserId: admin.id,
      targetType: "project",
      targetId: project.id,
      ip: context.ip,
      metadata: { slug: "billing-service-eu", keyPrefix: "bill", activeKeyLimit: 5, maxLifetimeDays: 90, allowNoExpiry: false },
    });
  });

  it("defaults the limit to 20 and keeps a project without maximum lifetime open to keys without expiry", async () => {
    const project = await createProject(userActor(admin), { name: "Defaults", keyPrefix: "dflt", maxLifetimeDays: null, allowNoExpiry: true }, context);
    expect(project).toMatchObject({ slug: "defaults", activeKeyLimit: 20, maxLifetimeDays: null, allowNoExpiry: true, requestRetentionDays: 30, logUnknownKeys: false });
  });

  it("stores allowNoExpiry as false when a maximum lifetime rules such keys out anyway", async () => {
    const project = await createProject(userActor(admin), settings({ maxLifetimeDays: 30, allowNoExpiry: true }), context);
    expect(project.allowNoExpiry).toBe(false);
  });

  it("makes a derived slug unique with a number, but refuses a taken slug that was typed", async () => {
    const first = await createProject(userActor(admin), settings({ name: "Mobile app" }), context);
    const second = await createProject(userActor(admin), settings({ name: "Mobile App!" }), context);
    expect([first.slug, second.slug]).toEqual(["mobile-app", "mobile-app-2"]);
    const error = await failure(createProject(userActor(admin), settings({ slug: "mobile-app" }), context));
    expect(error.code).toBe("conflict");
    expect(error.fieldErrors?.slug?.[0]).toMatch(/already uses the slug "mobile-app"/);
  });

  it("refuses a key prefix another project uses, including the built-in ones", async () => {
    for (const keyPrefix of ["kd", "kdm"]) {
      const error = await failure(createProject(userActor(admin), settings({ keyPrefix }), context));
      expect(error.fieldErrors?.keyPrefix?.[0]).toMatch(/already uses the prefix/);
    }
  });

  it.each([
    ["an empty name", { name: "  " }, "name"],
    ["a name over 64 characters", { name: "n".repeat(65) }, "name"],
    ["a name with control characters", { name: "bad\u0007name" }, "name"],
    ["an upper-case slug", { slug: "Billing" }, "slug"],
    ["a one-character slug", { slug: "b" }, "slug"],
    ["a slug over 40 characters", { slug: "s".repeat(41) }, "slug"],
    ["a slug ending in a dash", { slug: "billing-" }, "slug"],
    ["a name that makes no slug", { name: "!!!" }, "slug"],
    ["an upper-case prefix", { keyPrefix: "KD2" }, "keyPrefix"],
    ["a prefix with an underscore", { keyPrefix: "a_b" }, "keyPrefix"],
    ["a one-character prefix", { keyPrefix: "a" }, "keyPrefix"],
    ["a 13-character prefix", { keyPrefix: "abcdefghijklm" }, "keyPrefix"],
    ["a missing prefix", { keyPrefix: "" }, "keyPrefix"],
    ["a limit of 0", { activeKeyLimit: "0" }, "activeKeyLimit"],
    ["a limit over 1000", { activeKeyLimit: "1001" }, "activeKeyLimit"],
    ["a fractional limit", { activeKeyLimit: "2.5" }, "activeKeyLimit"],
    ["a lifetime of 0 days", { maxLifetimeDays: "0" }, "maxLifetimeDays"],
    ["a lifetime that is not a number", { maxLifetimeDays: "soon" }, "maxLifetimeDays"],
    ["a request retention of 0 days", { requestRetentionDays: "0" }, "requestRetentionDays"],
    ["a request retention over 400 days", { requestRetentionDays: "401" }, "requestRetentionDays"],
    ["a fractional request retention", { requestRetentionDays: "1.5" }, "requestRetentionDays"],
  ])("rejects %s with a field error and creates nothing", async (_label, overrides, field) => {
    const before = await snapshot();
    const error = await failure(createProject(userActor(admin), settings(overrides), context));
    expect(error.fieldErrors?.[field]?.[0]).toBeTruthy();
    expect(await snapshot()).toEqual(before);
  });

  it.each(["manager", "viewer"] as const)("refuses a %s and changes nothing", async (role) => {
    const user = await createUser(role);
    const before = await snapshot();
    await expect(createProject(userActor(user), settings(), context)).rejects.toBeInstanceOf(PermissionError);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a deactivated administrator", async () => {
    const user = await createUser("admin", { active: false });
    await expect(createProject(userActor(user), settings(), context)).rejects.toBeInstanceOf(PermissionError);
  });
});

describe("edit", () => {
  it("renames and changes policies, auditing each changed field from/to", async () => {
    const project = await createProject(userActor(admin), settings({ name: "Old name", activeKeyLimit: "20" }), context);
    const { project: updated, changed } = await updateProject(
      userActor(admin),
      project.id,
      { name: "New name", slug: project.slug, keyPrefix: project.keyPrefix, activeKeyLimit: "50", maxLifetimeDays: "365", allowNoExpiry: "" },
      context,
    );
    expect(changed).toEqual(["name", "activeKeyLimit", "maxLifetimeDays", "allowNoExpiry"]);
    expect(updated).toMatchObject({ name: "New name", activeKeyLimit: 50, maxLifetimeDays: 365, allowNoExpiry: false });
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "project.updated", projectId: project.id } });
    expect(event.metadata).toEqual({
      changes: {
        name: { from: "Old name", to: "New name" },
        activeKeyLimit: { from: 20, to: 50 },
        maxLifetimeDays: { from: null, to: 365 },
        allowNoExpiry: { from: true, to: false },
      },
    });
    expect(event.summary).toBe('Edited project "New name": name, activeKeyLimit, maxLifetimeDays, allowNoExpiry');
  });

  it("changes the request trail's retention and unknown-key logging, audited; an omitted retention is kept", async () => {
    const project = await createProject(userActor(admin), settings(), context);
    const base = { name: project.name, activeKeyLimit: "20", maxLifetimeDays: "", allowNoExpiry: "on" };
    const { project: updated, changed } = await updateProject(userActor(admin), project.id, { ...base, requestRetentionDays: "90", logUnknownKeys: "on" }, context);
    expect(changed).toEqual(["requestRetentionDays", "logUnknownKeys"]);
    expect(updated).toMatchObject({ requestRetentionDays: 90, logUnknownKeys: true });
    const { project: kept } = await updateProject(userActor(admin), project.id, { ...base, logUnknownKeys: "on" }, context);
    expect(kept.requestRetentionDays).toBe(90);
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "project.updated", projectId: project.id } });
    expect(event.metadata).toEqual({ changes: { requestRetentionDays: { from: 30, to: 90 }, logUnknownKeys: { from: false, to: true } } });
  });

  it("writes no event when nothing changed, and keeps slug and prefix when they are left out", async () => {
    const project = await createProject(userActor(admin), settings(), context);
    const before = await db.auditEvent.count();
    const { changed } = await updateProject(
      userActor(admin),
      project.id,
      { name: project.name, slug: "", activeKeyLimit: String(project.activeKeyLimit), maxLifetimeDays: "", allowNoExpiry: "on" },
      context,
    );
    expect(changed).toEqual([]);
    expect(await db.auditEvent.count()).toBe(before);
  });

  it.each(["manager", "viewer"] as const)("refuses a %s and changes nothing", async (role) => {
    const project = await createProject(userActor(admin), settings(), context);
    const user = await createUser(role);
    const before = await snapshot();
    await expect(updateProject(userActor(user), project.id, settings({ name: "Taken over" }), context)).rejects.toBeInstanceOf(PermissionError);
    expect(await snapshot()).toEqual(before);
  });

  it("lets the prefix change until the first key exists, then refuses with a clear error", async () => {
    const project = await createProject(userActor(admin), settings({ keyPrefix: "early" }), context);
    const edit = (keyPrefix: string) =>
      updateProject(userActor(admin), project.id, { name: project.name, keyPrefix, activeKeyLimit: 20, maxLifetimeDays: null, allowNoExpiry: true }, context);

    await expect(edit("later")).resolves.toMatchObject({ project: { keyPrefix: "later" }, changed: ["keyPrefix"] });

    const key = await createApiKey(userActor(admin), keyInput(project.id), context);
    const error = await failure(edit("latest"));
    expect(error.code).toBe("conflict");
    expect(error.fieldErrors?.keyPrefix?.[0]).toMatch(/fixed once a project has keys.*"later_"/);

    // Revoking the key does not free the prefix: the revoked secret still starts with it.
    await revokeApiKey(userActor(admin), { keyId: key.publicId }, context);
    await expect(edit("latest")).rejects.toMatchObject({ code: "conflict" });
    expect((await db.project.findUniqueOrThrow({ where: { id: project.id } })).keyPrefix).toBe("later");
    // Other settings can still be edited.
    await expect(
      updateProject(userActor(admin), project.id, { name: "Renamed with keys", activeKeyLimit: 20, maxLifetimeDays: null, allowNoExpiry: true }, context),
    ).resolves.toMatchObject({ changed: ["name"] });
  });

  it("refuses a slug or prefix another project holds", async () => {
    const a = await createProject(userActor(admin), settings(), context);
    const b = await createProject(userActor(admin), settings(), context);
    const edit = (overrides: Record<string, unknown>) =>
      updateProject(userActor(admin), b.id, { name: b.name, activeKeyLimit: 20, maxLifetimeDays: null, allowNoExpiry: true, ...overrides }, context);
    expect((await failure(edit({ slug: a.slug }))).fieldErrors?.slug).toBeTruthy();
    expect((await failure(edit({ keyPrefix: a.keyPrefix }))).fieldErrors?.keyPrefix).toBeTruthy();
  });

  it("answers not_found for an unknown or malformed project id", async () => {
    for (const id of ["00000000-0000-4000-8000-000000000000", "not-a-uuid"]) {
      await expect(updateProject(userActor(admin), id, settings(), context)).rejects.toMatchObject({ code: "not_found" });
    }
  });
});

describe("the built-in Keydesk API project", () => {
  it("cannot be archived or have its prefix changed, but can be renamed", async () => {
    const system = await db.project.findUniqueOrThrow({ where: { slug: "keydesk-api" } });
    const archive = await failure(archiveProject(userActor(admin), { projectId: system.id }, context));
    expect(archive.code).toBe("forbidden");
    expect(archive.message).toMatch(/cannot be archived/);

    const base = { name: system.name, activeKeyLimit: system.activeKeyLimit, maxLifetimeDays: system.maxLifetimeDays, allowNoExpiry: system.allowNoExpiry };
    const prefix = await failure(updateProject(userActor(admin), system.id, { ...base, keyPrefix: "mgmt" }, context));
    expect(prefix.fieldErrors?.keyPrefix?.[0]).toMatch(/cannot change/);

    await expect(updateProject(userActor(admin), system.id, { ...base, name: "Keydesk management API" }, context)).resolves.toMatchObject({
      project: { keyPrefix: "kdm", isSystem: true, archivedAt: null },
    });
  });
});

describe("key policies set by a project", () => {
  it("refuses a key that outlives the maximum lifetime (30 days refuses 90)", async () => {
    const project = await createProject(userActor(admin), settings({ maxLifetimeDays: "30" }), context);
    const error = await failure(createApiKey(userActor(admin), keyInput(project.id, { expiry: "90d" }), context));
    expect(error.fieldErrors?.expiry?.[0]).toMatch(/at most 30 days/);
    const custom = await failure(
      createApiKey(userActor(admin), keyInput(project.id, { expiry: "custom", customDate: new Date(Date.now() + 45 * 86_400_000).toISOString().slice(0, 10) }), context),
    );
    expect(custom.fieldErrors?.customDate?.[0]).toMatch(/within 30 days/);
    await expect(createApiKey(userActor(admin), keyInput(project.id, { expiry: "30d" }), context)).resolves.toBeTruthy();
  });

  it("refuses a key without expiry when the project does not allow it", async () => {
    const project = await createProject(userActor(admin), settings({ maxLifetimeDays: "", allowNoExpiry: "" }), context);
    const error = await failure(createApiKey(userActor(admin), keyInput(project.id, { expiry: "never" }), context));
    expect(error.fieldErrors?.expiry?.[0]).toMatch(/requires keys to have an expiry date/);
    await expect(createApiKey(userActor(admin), keyInput(project.id, { expiry: "1y" }), context)).resolves.toBeTruthy();

    // Allowing it afterwards takes effect for the next key.
    await updateProject(userActor(admin), project.id, { ...settings({ name: project.name, keyPrefix: project.keyPrefix }), maxLifetimeDays: "unlimited", allowNoExpiry: "on" }, context);
    await expect(createApiKey(userActor(admin), keyInput(project.id, { expiry: "never" }), context)).resolves.toMatchObject({ expiresAt: null });
  });

  it("refuses the third key under a limit of 2, and counts a revoked key as free again", async () => {
    const project = await createProject(userActor(admin), settings({ activeKeyLimit: "2" }), context);
    const first = await createApiKey(userActor(admin), keyInput(project.id), context);
    await createApiKey(userActor(admin), keyInput(project.id), context);
    const error = await failure(createApiKey(userActor(admin), keyInput(project.id), context));
    expect(error.code).toBe("limit");
    expect(error.message).toMatch(/already has 2 active keys/);
    await revokeApiKey(userActor(admin), { keyId: first.publicId }, context);
    await expect(createApiKey(userActor(admin), keyInput(project.id), context)).resolves.toBeTruthy();
  });

  it("applies a lowered limit to new keys only", async () => {
    const project = await createProject(userActor(admin), settings({ activeKeyLimit: "3" }), context);
    for (let i = 0; i < 3; i += 1) await createApiKey(userActor(admin), keyInput(project.id), context);
    await updateProject(userActor(admin), project.id, { name: project.name, activeKeyLimit: "1", maxLifetimeDays: null, allowNoExpiry: true }, context);
    expect(await db.apiKey.count({ where: { projectId: project.id, revokedAt: null } })).toBe(3);
    await expect(createApiKey(userActor(admin), keyInput(project.id), context)).rejects.toMatchObject({ code: "limit" });
  });
});

describe("archive", () => {
  it.each(["manager", "viewer"] as const)("refuses a %s and changes nothing", async (role) => {
    const project = await createProject(userActor(admin), settings(), context);
    const user = await createUser(role);
    const before = await snapshot();
    await expect(archiveProject(userActor(user), { projectId: project.id }, context)).rejects.toBeInstanceOf(PermissionError);
    expect(await snapshot()).toEqual(before);
  });

  it("stops the project's keys at once, refuses new keys and edits, and audits the archive", async () => {
    const project = await createProject(userActor(admin), settings(), context);
    const keys = [
      await createApiKey(userActor(admin), keyInput(project.id), context),
      await createApiKey(userActor(admin), keyInput(project.id), context),
      await createApiKey(userActor(admin), keyInput(project.id), context),
    ];
    await revokeApiKey(userActor(admin), { keyId: keys[2]!.publicId }, context);
    // Cached as valid in this process before the archive.
    expect((await verifyKey({ key: keys[0]!.secret, project: project.slug })).body).toMatchObject({ valid: true, code: "VALID" });

    // Other processes learn about it by NOTIFY; listen like they do.
    const listener = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await listener.connect();
    const notified: string[] = [];
    listener.on("notification", (message) => notified.push(message.payload ?? ""));
    await listener.query(`LISTEN ${KEY_CHANGED_CHANNEL}`);
    try {
      const result = await archiveProject(userActor(admin), { projectId: project.id }, context);
      expect(result.stoppedKeys).toBe(2);
      expect(result.project.archivedAt).toBeInstanceOf(Date);
      await expect.poll(() => notified.length).toBe(2);
      expect(notified.sort()).toEqual([hashSecret(keys[0]!.secret), hashSecret(keys[1]!.secret)].sort());
    } finally {
      await listener.end();
    }

    // This process's cache was cleared after commit: no stale VALID. An archived project's keys
    // answer like unknown ones, without details.
    for (const key of keys) expect((await verifyKey({ key: key.secret, project: project.slug })).body).toEqual({ valid: false, code: "NOT_FOUND" });

    const created = await failure(createApiKey(userActor(admin), keyInput(project.id), context));
    expect(created.fieldErrors?.projectId?.[0]).toMatch(/archived/);

    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "project.archived", projectId: project.id } });
    expect(event).toMatchObject({ actorUserId: admin.id, targetId: project.id, metadata: { activeKeys: 2 } });
    expect(event.summary).toMatch(/2 active keys stopped working/);

    await expect(archiveProject(userActor(admin), { projectId: project.id }, context)).rejects.toMatchObject({ code: "conflict" });
    await expect(updateProject(userActor(admin), project.id, settings(), context)).rejects.toMatchObject({ code: "conflict" });
  });

  it("waits for a key create in flight, so no key slips into an archived project", async () => {
    const project = await createProject(userActor(admin), settings(), context);
    const results = await Promise.allSettled([
      ...Array.from({ length: 5 }, () => createApiKey(userActor(admin), keyInput(project.id), context)),
      archiveProject(userActor(admin), { projectId: project.id }, context),
      ...Array.from({ length: 5 }, () => createApiKey(userActor(admin), keyInput(project.id), context)),
    ]);
    const archive = results[5];
    expect(archive?.status).toBe("fulfilled");
    const archivedAt = (await db.project.findUniqueOrThrow({ where: { id: project.id } })).archivedAt!;
    const late = await db.apiKey.count({ where: { projectId: project.id, createdAt: { gt: archivedAt } } });
    expect(late).toBe(0);
    const created = results.filter((r) => r.status === "fulfilled").length - 1;
    expect(await db.apiKey.count({ where: { projectId: project.id } })).toBe(created);
    const archived = await db.auditEvent.findFirstOrThrow({ where: { action: "project.archived", projectId: project.id } });
    expect(archived.metadata).toEqual({ activeKeys: created });
  });
});

describe("the projects list", () => {
  it("counts active keys as the limit does, working keys as archiving would stop, and all keys ever issued", async () => {
    const project = await createProject(userActor(admin), settings({ name: "Counted" }), context);
    const [kept, rolled, revoked, expired] = [
      await createApiKey(userActor(admin), keyInput(project.id), context),
      await createApiKey(userActor(admin), keyInput(project.id), context),
      await createApiKey(userActor(admin), keyInput(project.id), context),
      await createApiKey(userActor(admin), keyInput(project.id), context),
    ];
    await rollApiKey(userActor(admin), { keyId: rolled.publicId, grace: "24h" }, context);
    await revokeApiKey(userActor(admin), { keyId: revoked.publicId }, context);
    await db.apiKey.update({ where: { publicId: expired.publicId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect(kept).toBeTruthy();

    const row = (await listProjects()).find((p) => p.id === project.id);
    // kept + the replacement count against the limit; the rolled key still works during its grace.
    expect(row).toMatchObject({ name: "Counted", activeKeys: 2, workingKeys: 3, rolledInGrace: 1, totalKeys: 5, archivedAt: null });
  });

  it("lists active projects first and archived ones after them", async () => {
    const project = await createProject(userActor(admin), settings({ name: "AAA archived first by name" }), context);
    await archiveProject(userActor(admin), { projectId: project.id }, context);
    const rows = await listProjects();
    const firstArchived = rows.findIndex((p) => p.archivedAt !== null);
    expect(rows.slice(firstArchived).every((p) => p.archivedAt !== null)).toBe(true);
    expect(rows.find((p) => p.id === project.id)?.archivedAt).toEqual(expect.any(String));
  });
});

describe("audit trail", () => {
  it("leaves the hash chain intact after all of the above", async () => {
    await expect(verifyAuditChain()).resolves.toMatchObject({ intact: true });
  });
});
