// Settings → API Keys writes, on a real PostgreSQL: each action for each role, the active-key
// limit under concurrency, revocation, rotation and the audit trail.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { hashSecret, parseSecret } from "@/lib/keys/secret";
import { createApiKey, revokeApiKey, rollApiKey, updateApiKey } from "@/lib/services/api-keys";
import { ServiceError } from "@/lib/services/errors";
import { PermissionError } from "@/lib/auth/permissions";
import { context, createProject, createUser, seedBase, userActor } from "./support/fixtures";

let admin: Awaited<ReturnType<typeof seedBase>>["admin"];
let projectId: string;

beforeAll(async () => {
  const base = await seedBase();
  admin = base.admin;
  projectId = base.project.id;
});

const input = (overrides: Record<string, unknown> = {}) => ({
  projectId,
  name: `Stripe sync ${Math.random().toString(36).slice(2, 8)}`,
  description: "Pushes invoices to Stripe",
  expiry: "30d",
  constraints: [],
  ...overrides,
});

async function snapshot() {
  const [keys, constraints, events] = await Promise.all([db.apiKey.count(), db.apiKeyConstraint.count(), db.auditEvent.count()]);
  return { keys, constraints, events };
}

describe("create", () => {
  it("stores only the hash, shows the secret once, and audits the creation", async () => {
    const created = await createApiKey(userActor(admin), input({ name: "Stripe sync", constraints: [{ type: "prefix", value: "jobs", methods: ["GET"] }] }), context);
    expect(parseSecret(created.secret)).toMatchObject({ ok: true, prefix: "kd" });
    expect(created.publicId).toMatch(/^key_/);
    const row = await db.apiKey.findUniqueOrThrow({ where: { publicId: created.publicId }, include: { constraints: true } });
    expect(row.hash).toBe(hashSecret(created.secret));
    expect(JSON.stringify(row)).not.toContain(created.secret);
    expect(created.maskedKey).toBe(`${row.displayPrefix}…${row.last4}`);
    expect(created.secret.startsWith(row.displayPrefix)).toBe(true);
    expect(created.secret.endsWith(row.last4)).toBe(true);
    expect(row.constraints).toMatchObject([{ type: "prefix", value: "/jobs", methods: ["GET"] }]);
    expect(row.createdById).toBe(admin.id);
    const days = (row.expiresAt!.getTime() - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);

    const event = await db.auditEvent.findFirstOrThrow({ where: { keyId: row.id } });
    expect(event).toMatchObject({ action: "key.created", actorUserId: admin.id, ip: context.ip, userAgent: "vitest" });
    expect(JSON.stringify({ ...event, id: String(event.id) })).not.toContain(created.secret);
  });

  it.each(["manager", "viewer"] as const)("refuses a %s and changes nothing", async (role) => {
    const user = await createUser(role);
    const before = await snapshot();
    await expect(createApiKey(userActor(user), input(), context)).rejects.toBeInstanceOf(PermissionError);
    expect(await snapshot()).toEqual(before);
  });

  it("refuses a deactivated administrator", async () => {
    const user = await createUser("admin", { active: false });
    await expect(createApiKey(userActor(user), input(), context)).rejects.toBeInstanceOf(PermissionError);
  });

  it.each([
    ["an empty name", { name: "   " }, "name"],
    ["a name over 64 characters", { name: "x".repeat(65) }, "name"],
    ["control characters", { name: "bad\u0000name" }, "name"],
    ["a description over 500 characters", { description: "d".repeat(501) }, "description"],
    ["a date in the past", { expiry: "custom", customDate: "2020-01-01" }, "customDate"],
    ["an unknown project", { projectId: "00000000-0000-4000-8000-000000000000" }, "projectId"],
    ["a forged project id", { projectId: "'; DROP TABLE \"ApiKey\"; --" }, "projectId"],
    ["a regex that does not compile", { constraints: [{ type: "regex", value: "(", methods: [] }] }, "constraints"],
    ["a verb constraint without methods", { constraints: [{ type: "verb", value: "", methods: [] }] }, "constraints"],
    ["malformed constraints JSON", { constraints: "[{" }, "constraints"],
  ])("rejects %s with a field error and changes nothing", async (_label, overrides, field) => {
    const before = await snapshot();
    const error = await createApiKey(userActor(admin), input(overrides), context).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).fieldErrors?.[field]?.[0]).toBeTruthy();
    expect(await snapshot()).toEqual(before);
  });

  it("requires names to be unique among the project's active keys, case-insensitively", async () => {
    await createApiKey(userActor(admin), input({ name: "Billing export" }), context);
    const error = await createApiKey(userActor(admin), input({ name: "billing EXPORT" }), context).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceError);
    expect((error as ServiceError).code).toBe("conflict");
    // Another project may reuse the name.
    const other = await createProject();
    await expect(createApiKey(userActor(admin), input({ name: "Billing export", projectId: other.id }), context)).resolves.toBeTruthy();
  });

  it("enforces the active-key limit race-free: 30 concurrent creates yield exactly 20 keys", async () => {
    const project = await createProject();
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) => createApiKey(userActor(admin), input({ projectId: project.id, name: `Worker ${i}` }), context)),
    );
    const failures = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(20);
    expect(failures).toHaveLength(10);
    for (const failure of failures) {
      expect(failure.reason).toBeInstanceOf(ServiceError);
      expect((failure.reason as ServiceError).code).toBe("limit");
      expect((failure.reason as ServiceError).message).toMatch(/already has 20 active keys/);
    }
    expect(await db.apiKey.count({ where: { projectId: project.id } })).toBe(20);
  });

  it("respects a project's maximum lifetime and no-expiry policy", async () => {
    const project = await createProject({ maxLifetimeDays: 90, allowNoExpiry: false });
    await expect(createApiKey(userActor(admin), input({ projectId: project.id, expiry: "1y" }), context)).rejects.toMatchObject({ code: "invalid" });
    await expect(createApiKey(userActor(admin), input({ projectId: project.id, expiry: "never" }), context)).rejects.toMatchObject({ code: "invalid" });
    await expect(createApiKey(userActor(admin), input({ projectId: project.id, expiry: "90d" }), context)).resolves.toBeTruthy();
  });
});

describe("revoke", () => {
  it("is irreversible, records who and when, and frees a slot under the limit", async () => {
    const created = await createApiKey(userActor(admin), input(), context);
    const revoked = await revokeApiKey(userActor(admin), { keyId: created.publicId }, context);
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    const row = await db.apiKey.findUniqueOrThrow({ where: { publicId: created.publicId } });
    expect(row.revokedById).toBe(admin.id);
    await expect(revokeApiKey(userActor(admin), { keyId: created.publicId }, context)).rejects.toMatchObject({ code: "conflict" });
    await expect(updateApiKey(userActor(admin), created.publicId, { name: "Back to life" }, context)).rejects.toMatchObject({ code: "conflict" });
    await expect(rollApiKey(userActor(admin), { keyId: created.publicId, grace: "now" }, context)).rejects.toMatchObject({ code: "conflict" });
    expect((await db.apiKey.findUniqueOrThrow({ where: { publicId: created.publicId } })).revokedAt).toEqual(row.revokedAt);
    expect(await db.auditEvent.count({ where: { keyId: row.id, action: "key.revoked" } })).toBe(1);
  });

  it.each(["manager", "viewer"] as const)("refuses a %s and leaves the key active", async (role) => {
    const created = await createApiKey(userActor(admin), input(), context);
    const user = await createUser(role);
    await expect(revokeApiKey(userActor(user), { keyId: created.publicId }, context)).rejects.toBeInstanceOf(PermissionError);
    expect((await db.apiKey.findUniqueOrThrow({ where: { publicId: created.publicId } })).revokedAt).toBeNull();
  });

  it("answers not found for unknown or forged ids", async () => {
    await expect(revokeApiKey(userActor(admin), { keyId: "key_AAAAAAAAAAAAAAAA" }, context)).rejects.toMatchObject({ code: "not_found" });
    await expect(revokeApiKey(userActor(admin), { keyId: "../../etc/passwd" }, context)).rejects.toMatchObject({ code: "invalid" });
  });
});

describe("edit", () => {
  it("changes name and description for admins only, and audits the change", async () => {
    const created = await createApiKey(userActor(admin), input(), context);
    const viewer = await createUser("viewer");
    await expect(updateApiKey(userActor(viewer), created.publicId, { name: "Hijacked" }, context)).rejects.toBeInstanceOf(PermissionError);
    await updateApiKey(userActor(admin), created.publicId, { name: "Renamed key", description: "New words" }, context);
    const row = await db.apiKey.findUniqueOrThrow({ where: { publicId: created.publicId } });
    expect(row).toMatchObject({ name: "Renamed key", description: "New words" });
    const event = await db.auditEvent.findFirstOrThrow({ where: { keyId: row.id, action: "key.updated" } });
    expect(event.metadata).toMatchObject({ changes: { name: { to: "Renamed key" } } });
  });
});

describe("roll", () => {
  it("creates a replacement with the same name, description, project and constraints, and lets the old key expire after the grace period", async () => {
    const created = await createApiKey(
      userActor(admin),
      input({ name: "Partner feed", constraints: [{ type: "exact", value: "/feed", methods: ["GET"] }] }),
      context,
    );
    const before = Date.now();
    const { key, old } = await rollApiKey(userActor(admin), { keyId: created.publicId, grace: "24h" }, context);
    expect(key.secret).not.toBe(created.secret);
    const [oldRow, newRow] = await Promise.all([
      db.apiKey.findUniqueOrThrow({ where: { publicId: created.publicId } }),
      db.apiKey.findUniqueOrThrow({ where: { publicId: key.publicId }, include: { constraints: true } }),
    ]);
    expect(newRow).toMatchObject({ name: "Partner feed", description: "Pushes invoices to Stripe", projectId });
    expect(newRow.constraints).toMatchObject([{ type: "exact", value: "/feed", methods: ["GET"] }]);
    expect(oldRow.replacedById).toBe(newRow.id);
    const graceMs = oldRow.expiresAt!.getTime() - before;
    expect(graceMs).toBeGreaterThan(23.9 * 3_600_000);
    expect(graceMs).toBeLessThanOrEqual(24 * 3_600_000 + 5_000);
    expect(old.publicId).toBe(created.publicId);

    const rolled = await db.auditEvent.findFirstOrThrow({ where: { keyId: oldRow.id, action: "key.rolled" } });
    expect(rolled.metadata).toMatchObject({ replacedBy: key.publicId, grace: "24h" });
    const replacement = await db.auditEvent.findFirstOrThrow({ where: { keyId: newRow.id, action: "key.created" } });
    expect(replacement.metadata).toMatchObject({ rolledFrom: created.publicId });

    await expect(rollApiKey(userActor(admin), { keyId: created.publicId, grace: "now" }, context)).rejects.toMatchObject({ code: "conflict" });
  });

  it("works at the active-key limit, because the replaced key stops counting", async () => {
    const project = await createProject({ activeKeyLimit: 1 });
    const created = await createApiKey(userActor(admin), input({ projectId: project.id }), context);
    await expect(rollApiKey(userActor(admin), { keyId: created.publicId, grace: "7d" }, context)).resolves.toBeTruthy();
    await expect(createApiKey(userActor(admin), input({ projectId: project.id }), context)).rejects.toMatchObject({ code: "limit" });
  });

  it("refuses managers", async () => {
    const created = await createApiKey(userActor(admin), input(), context);
    const manager = await createUser("manager");
    await expect(rollApiKey(userActor(manager), { keyId: created.publicId, grace: "now" }, context)).rejects.toBeInstanceOf(PermissionError);
  });
});
