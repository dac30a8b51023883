// Changing a key's expiry from its page: within the project's policy as for a new key, never for
// a key that can no longer work, audited, and applied by verification at once.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { DAY_MS } from "@/lib/dates";
import { verifyKey } from "@/lib/keys/verify";
import { createApiKey, revokeApiKey, rollApiKey } from "@/lib/services/api-keys";
import { changeApiKeyExpiry } from "@/lib/services/key-expiry";
import { context, createProject, createUser, seedBase, userActor } from "./support/fixtures";

let admin: Awaited<ReturnType<typeof seedBase>>["admin"];

beforeAll(async () => {
  ({ admin } = await seedBase());
});

async function keyIn(project: { id: string }, name: string, expiry = "7d") {
  return createApiKey(userActor(admin), { projectId: project.id, name, expiry }, context);
}

describe("changeApiKeyExpiry", () => {
  it("extends a key within the project's lifetime, counted from now, and records it", async () => {
    const project = await createProject({ maxLifetimeDays: 90, allowNoExpiry: false });
    const key = await keyIn(project, "Extend me");
    const before = Date.now();
    const changed = await changeApiKeyExpiry(userActor(admin), { keyId: key.publicId, expiry: "90d" }, context);
    expect(changed.expiresAt!.getTime()).toBeGreaterThanOrEqual(before + 90 * DAY_MS);
    expect(changed.expiresAt!.getTime()).toBeLessThanOrEqual(Date.now() + 90 * DAY_MS);
    const stored = await db.apiKey.findUniqueOrThrow({ where: { publicId: key.publicId } });
    expect(stored.expiresAt).toEqual(changed.expiresAt);
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "key.expiry_changed", targetId: key.publicId } });
    expect(event.metadata).toMatchObject({ to: changed.expiresAt!.toISOString() });
  });

  it("refuses what the policy forbids, and changes nothing", async () => {
    const project = await createProject({ maxLifetimeDays: 30, allowNoExpiry: false });
    const key = await keyIn(project, "Bounded");
    const original = (await db.apiKey.findUniqueOrThrow({ where: { publicId: key.publicId } })).expiresAt;
    await expect(changeApiKeyExpiry(userActor(admin), { keyId: key.publicId, expiry: "1y" }, context)).rejects.toMatchObject({
      code: "invalid",
      fieldErrors: { expiry: [expect.stringMatching(/at most 30 days/)] },
    });
    await expect(changeApiKeyExpiry(userActor(admin), { keyId: key.publicId, expiry: "never" }, context)).rejects.toMatchObject({ code: "invalid" });
    const farDay = new Date(Date.now() + 60 * DAY_MS).toISOString().slice(0, 10);
    await expect(
      changeApiKeyExpiry(userActor(admin), { keyId: key.publicId, expiry: "custom", customDate: farDay }, context),
    ).rejects.toMatchObject({ code: "invalid", fieldErrors: { customDate: [expect.any(String)] } });
    await expect(changeApiKeyExpiry(userActor(admin), { keyId: key.publicId, expiry: "forever" }, context)).rejects.toMatchObject({ code: "invalid" });
    expect((await db.apiKey.findUniqueOrThrow({ where: { publicId: key.publicId } })).expiresAt).toEqual(original);
  });

  it("lets a key stop expiring only where the project allows keys without expiry", async () => {
    const project = await createProject({ maxLifetimeDays: null, allowNoExpiry: true });
    const key = await keyIn(project, "Forever");
    expect((await changeApiKeyExpiry(userActor(admin), { keyId: key.publicId, expiry: "never" }, context)).expiresAt).toBeNull();
  });

  it("never revives a revoked, expired or rolled key", async () => {
    const project = await createProject();
    const revoked = await keyIn(project, "Revoked");
    await revokeApiKey(userActor(admin), { keyId: revoked.publicId }, context);
    await expect(changeApiKeyExpiry(userActor(admin), { keyId: revoked.publicId, expiry: "30d" }, context)).rejects.toMatchObject({ code: "conflict" });

    const expired = await keyIn(project, "Expired");
    await db.apiKey.update({ where: { publicId: expired.publicId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    await expect(changeApiKeyExpiry(userActor(admin), { keyId: expired.publicId, expiry: "30d" }, context)).rejects.toMatchObject({ code: "conflict" });
    expect((await db.apiKey.findUniqueOrThrow({ where: { publicId: expired.publicId } })).expiresAt!.getTime()).toBeLessThan(Date.now());

    const rolled = await keyIn(project, "Rolled");
    await rollApiKey(userActor(admin), { keyId: rolled.publicId, grace: "24h" }, context);
    await expect(changeApiKeyExpiry(userActor(admin), { keyId: rolled.publicId, expiry: "30d" }, context)).rejects.toMatchObject({ code: "conflict" });
  });

  it("needs keys.update: a viewer cannot, and an unknown key is not found", async () => {
    const project = await createProject();
    const key = await keyIn(project, "Viewer target");
    const viewer = await createUser("viewer");
    await expect(changeApiKeyExpiry(userActor(viewer), { keyId: key.publicId, expiry: "30d" }, context)).rejects.toMatchObject({ name: "PermissionError" });
    await expect(changeApiKeyExpiry(userActor(admin), { keyId: "key_AAAAAAAAAAAAAAAA", expiry: "30d" }, context)).rejects.toMatchObject({ code: "not_found" });
  });

  it("is applied by verification at once: a week-long key works on day eight after extending it", async () => {
    const project = await createProject();
    const key = await keyIn(project, "Verified");
    const dayEight = new Date(Date.now() + 8 * DAY_MS);
    // This also puts the key in verification's cache, which the change must invalidate.
    expect((await verifyKey({ key: key.secret, project: project.slug }, dayEight)).body).toMatchObject({ valid: false, code: "EXPIRED" });
    await changeApiKeyExpiry(userActor(admin), { keyId: key.publicId, expiry: "30d" }, context);
    await expect.poll(async () => (await verifyKey({ key: key.secret, project: project.slug }, dayEight)).body).toMatchObject({ valid: true, code: "VALID" });
  });
});
