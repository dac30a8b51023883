// Issue 12, management keys: through the REST API's real route handlers on a real PostgreSQL.
// A management key cannot mint, roll or edit management keys, cannot create or roll a key that
// outlives it, cannot revoke its parent; revoking can cascade to what a key created; a key's
// project scope hides everything outside it; rolls follow the project's current expiry policy.
// Every answer is checked against the OpenAPI document (./support/contract.ts).
import { beforeAll, describe, expect, it } from "vitest";
import * as keyRoutes from "@/app/api/v1/keys/[keyId]/route";
import * as creditRoutes from "@/app/api/v1/keys/[keyId]/credits/route";
import * as rollRoutes from "@/app/api/v1/keys/[keyId]/roll/route";
import * as projectKeyRoutes from "@/app/api/v1/projects/[projectId]/keys/route";
import * as projectRoutes from "@/app/api/v1/projects/route";
import * as webhookRoutes from "@/app/api/v1/webhooks/route";
import { DAY_MS } from "@/lib/dates";
import { db } from "@/lib/db";
import { countActiveCreatedKeys } from "@/lib/queries/created-keys";
import { createApiKey, revokeApiKey, rollApiKey } from "@/lib/services/api-keys";
import { contractChecked } from "./support/contract";
import { context, createProject, seedBase, userActor } from "./support/fixtures";

const deleteKey = contractChecked(keyRoutes.DELETE);
const getKey = contractChecked(keyRoutes.GET);
const patchKey = contractChecked(keyRoutes.PATCH);
const addCreditsRoute = contractChecked(creditRoutes.POST);
const rollKey = contractChecked(rollRoutes.POST);
const listKeys = contractChecked(projectKeyRoutes.GET);
const createKey = contractChecked(projectKeyRoutes.POST);
const listProjects = contractChecked(projectRoutes.GET);
const listWebhooks = contractChecked(webhookRoutes.GET);

const BASE = "http://keydesk.test/api/v1";
let admin: Awaited<ReturnType<typeof seedBase>>["admin"];
let systemProjectId: string;
let project: { id: string; slug: string };
let other: { id: string; slug: string };

type Json = Record<string, unknown> & { error?: { code: string; message: string; issues?: Record<string, string[]> } };
type KeyJson = { id: string; expiresAt: string | null; status: string; projectScope: unknown };

function req(method: string, path: string, key: string, body?: unknown) {
  return new Request(`${BASE}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}
const p = <T extends Record<string, string>>(params: T) => ({ params: Promise.resolve(params) });
async function json(response: Response) {
  return { status: response.status, body: (await response.json()) as Json };
}

/** A management key made by the admin in the dashboard (expiry "30d" unless given). */
async function managementKey(fields: Record<string, unknown> = {}) {
  return createApiKey(userActor(admin), { projectId: systemProjectId, name: `mgmt ${Math.random()}`, expiry: "30d", ...fields }, context);
}

const create = async (key: string, projectSlug: string, body: Record<string, unknown>) =>
  json(await createKey(req("POST", `/projects/${projectSlug}/keys`, key, { name: `k ${Math.random()}`, expiry: "7d", ...body }), p({ projectId: projectSlug })));
const roll = async (key: string, keyId: string) => json(await rollKey(req("POST", `/keys/${keyId}/roll`, key, { grace: "now" }), p({ keyId })));
const patch = async (key: string, keyId: string, body: unknown) => json(await patchKey(req("PATCH", `/keys/${keyId}`, key, body), p({ keyId })));
const revoke = async (key: string, keyId: string, query = "") => json(await deleteKey(req("DELETE", `/keys/${keyId}${query}`, key), p({ keyId })));
const read = async (key: string, keyId: string) => json(await getKey(req("GET", `/keys/${keyId}`, key), p({ keyId })));

beforeAll(async () => {
  const base = await seedBase();
  admin = base.admin;
  systemProjectId = (await db.project.findUniqueOrThrow({ where: { slug: "keydesk-api" } })).id;
  project = await createProject({ activeKeyLimit: 1000 });
  other = await createProject({ activeKeyLimit: 1000 });
});

describe("management keys cannot mint, roll or edit management keys", () => {
  it("refuses creating a key in the Keydesk API project, never-expiring or not, and changes nothing", async () => {
    const { id, secret } = await managementKey({ expiry: "never" });
    const before = await db.apiKey.count({ where: { projectId: systemProjectId } });
    for (const expiry of ["never", "7d"]) {
      const created = await create(secret, "keydesk-api", { expiry });
      expect(created.status).toBe(403);
      expect(created.body.error?.message).toMatch(/cannot create keys in the Keydesk API project/);
    }
    expect(await db.apiKey.count({ where: { projectId: systemProjectId } })).toBe(before);
    // The audit log says why: a Keydesk policy, not the key's own path constraints (it has none).
    const denials = await db.auditEvent.findMany({ where: { action: "api.denied", actorKeyId: id }, select: { metadata: true } });
    expect(denials.map((event) => (event.metadata as { reason?: string }).reason)).toEqual(["policy", "policy"]);
  });

  it("refuses rolling, editing, disabling and topping up another management key, or itself", async () => {
    const actor = await managementKey();
    const target = await managementKey({ credits: { remaining: 10 } });
    for (const id of [target.publicId, actor.publicId]) {
      expect((await roll(actor.secret, id)).status).toBe(403);
      expect((await patch(actor.secret, id, { name: "renamed" })).status).toBe(403);
      expect((await patch(actor.secret, id, { enabled: false })).status).toBe(403);
      expect((await patch(actor.secret, id, { ratelimits: [] })).status).toBe(403);
      const topUp = await addCreditsRoute(req("POST", `/keys/${id}/credits`, actor.secret, { amount: 5 }), p({ keyId: id }));
      expect(topUp.status).toBe(403);
    }
    const row = await db.apiKey.findUniqueOrThrow({ where: { publicId: target.publicId } });
    expect(row).toMatchObject({ name: target.name, enabled: true, replacedById: null, revokedAt: null });
  });

  it("refuses revoking its parent or a sibling, and allows revoking itself", async () => {
    const parent = await managementKey();
    const child = await managementKey();
    const sibling = await managementKey();
    const parentRow = await db.apiKey.findUniqueOrThrow({ where: { publicId: parent.publicId } });
    // Keys minted by a management key before this rule existed.
    await db.apiKey.updateMany({ where: { publicId: { in: [child.publicId, sibling.publicId] } }, data: { createdByKeyId: parentRow.id } });

    const denied = await revoke(child.secret, parent.publicId);
    expect(denied.status).toBe(403);
    expect((await revoke(child.secret, sibling.publicId)).status).toBe(403);
    expect((await db.apiKey.findUniqueOrThrow({ where: { publicId: parent.publicId } })).revokedAt).toBeNull();

    // The parent may revoke what it created; a key may revoke itself.
    expect((await revoke(parent.secret, sibling.publicId)).status).toBe(200);
    expect((await revoke(child.secret, child.publicId)).status).toBe(200);
  });
});

describe("a key cannot create a key that outlives it", () => {
  it("refuses a later or never-expiring expiry with a field error on expiry, and accepts an earlier one", async () => {
    const { secret } = await managementKey({ expiry: "7d" });
    for (const body of [{ expiry: "never" }, { expiry: "30d" }, { expiry: "custom", customDate: new Date(Date.now() + 8 * DAY_MS).toISOString() }]) {
      const created = await create(secret, project.slug, body);
      expect(created.status).toBe(422);
      expect(created.body.error?.issues?.expiry?.[0]).toMatch(/cannot outlive the management key/);
    }
    const within = await create(secret, project.slug, { expiry: "custom", customDate: new Date(Date.now() + 6 * DAY_MS).toISOString() });
    expect(within.status).toBe(201);
  });

  it("refuses rolling a never-expiring key with an expiring management key", async () => {
    const { secret } = await managementKey({ expiry: "7d" });
    const target = await createApiKey(userActor(admin), { projectId: project.id, name: `forever ${Math.random()}`, expiry: "never" }, context);
    const rolled = await roll(secret, target.publicId);
    expect(rolled.status).toBe(422);
    expect(rolled.body.error?.issues?.expiry).toBeDefined();
    expect((await db.apiKey.findUniqueOrThrow({ where: { publicId: target.publicId } })).replacedById).toBeNull();
  });

  it("lets a never-expiring management key create never-expiring keys where the project allows them", async () => {
    const { secret } = await managementKey({ expiry: "never" });
    expect((await create(secret, project.slug, { expiry: "never" })).status).toBe(201);
  });
});

describe("cascade revoke", () => {
  it("revokes what the key created, transitively, in one transaction, each event marked as a cascade", async () => {
    const root = await managementKey();
    const middle = await managementKey();
    const rootRow = await db.apiKey.findUniqueOrThrow({ where: { publicId: root.publicId } });
    await db.apiKey.update({ where: { publicId: middle.publicId }, data: { createdByKeyId: rootRow.id } });
    const direct = (await create(root.secret, project.slug, {})).body.key as KeyJson;
    const grandchild = (await create(middle.secret, other.slug, {})).body.key as KeyJson;
    const alreadyRevoked = (await create(root.secret, project.slug, {})).body.key as KeyJson;
    await revokeApiKey(userActor(admin), { keyId: alreadyRevoked.id }, context);
    const unrelated = await createApiKey(userActor(admin), { projectId: project.id, name: `unrelated ${Math.random()}`, expiry: "7d" }, context);

    const revoked = await revoke(root.secret, root.publicId, "?cascade=true");
    expect(revoked.status).toBe(200);
    expect((revoked.body.cascaded as string[]).sort()).toEqual([middle.publicId, direct.id, grandchild.id].sort());

    const rows = await db.apiKey.findMany({ where: { publicId: { in: [root.publicId, middle.publicId, direct.id, grandchild.id, unrelated.publicId] } } });
    const revokedAt = (id: string) => rows.find((row) => row.publicId === id)?.revokedAt;
    for (const id of [root.publicId, middle.publicId, direct.id, grandchild.id]) expect(revokedAt(id)).toEqual(revokedAt(root.publicId));
    expect(revokedAt(unrelated.publicId)).toBeNull();

    const events = await db.auditEvent.findMany({ where: { action: "key.revoked", targetId: { in: [middle.publicId, direct.id, grandchild.id, alreadyRevoked.id] } } });
    const cascaded = events.filter((event) => (event.metadata as { cascade?: boolean }).cascade === true);
    expect(cascaded.map((event) => event.targetId).sort()).toEqual([middle.publicId, direct.id, grandchild.id].sort());
    expect(cascaded.every((event) => (event.metadata as { cascadeFrom?: string }).cascadeFrom === root.publicId)).toBe(true);
  });

  it("follows rolls: what the key's predecessor created, and the replacements of rolled children, are revoked too", async () => {
    const first = await managementKey();
    const child = (await create(first.secret, project.slug, {})).body.key as KeyJson;
    // The admin rolls the management key (its old secret stays valid for an hour) and the child.
    const rolledRoot = await rollApiKey(userActor(admin), { keyId: first.publicId, grace: "1h" }, context);
    const rolledChild = await rollApiKey(userActor(admin), { keyId: child.id, grace: "1h" }, context);
    const laterChild = (await create(rolledRoot.key.secret, other.slug, {})).body.key as KeyJson;

    // The revoke dialog announces exactly what the cascade takes.
    const rootRow = await db.apiKey.findUniqueOrThrow({ where: { publicId: rolledRoot.key.publicId } });
    expect((await countActiveCreatedKeys([rootRow.id])).get(rootRow.id)).toBe(3);
    const revoked = await revoke(rolledRoot.key.secret, rolledRoot.key.publicId, "?cascade=true");
    expect(revoked.status).toBe(200);
    expect((revoked.body.cascaded as string[]).sort()).toEqual([child.id, rolledChild.key.publicId, laterChild.id].sort());
    for (const publicId of [child.id, rolledChild.key.publicId, laterChild.id]) {
      expect((await db.apiKey.findUniqueOrThrow({ where: { publicId } })).revokedAt).not.toBeNull();
    }
  });

  it("without cascade leaves the created keys alive", async () => {
    const root = await managementKey();
    const child = (await create(root.secret, project.slug, {})).body.key as KeyJson;
    const revoked = await revoke(root.secret, root.publicId);
    expect(revoked.status).toBe(200);
    expect(revoked.body.cascaded).toBeUndefined();
    expect((await db.apiKey.findUniqueOrThrow({ where: { publicId: child.id } })).revokedAt).toBeNull();
  });

  it("is all or nothing from the dashboard too, and rejects a malformed cascade flag", async () => {
    const root = await managementKey();
    const child = (await create(root.secret, project.slug, {})).body.key as KeyJson;
    const result = await revokeApiKey(userActor(admin), { keyId: root.publicId, cascade: "on" }, context);
    expect(result.cascaded?.map((key) => key.publicId)).toEqual([child.id]);
    const bad = await managementKey();
    expect((await revoke(bad.secret, bad.publicId, "?cascade=maybe")).status).toBe(422);
    expect((await db.apiKey.findUniqueOrThrow({ where: { publicId: bad.publicId } })).revokedAt).toBeNull();
  });
});

describe("project scope", () => {
  it("is stored, shown in the key's representation, and validated", async () => {
    const scoped = await managementKey({ projectScope: [project.slug] });
    const all = await managementKey();
    const reader = await managementKey();
    expect(((await read(reader.secret, scoped.publicId)).body.key as KeyJson).projectScope).toEqual([project.id]);
    expect(((await read(reader.secret, all.publicId)).body.key as KeyJson).projectScope).toBe("all");

    await expect(managementKey({ projectScope: ["no-such-project"] })).rejects.toMatchObject({ code: "invalid", fieldErrors: { projectScope: [expect.stringMatching(/no-such-project/)] } });
    await expect(managementKey({ projectScope: [] })).rejects.toMatchObject({ fieldErrors: { projectScope: expect.any(Array) } });
    await expect(managementKey({ projectScope: "some" })).rejects.toMatchObject({ fieldErrors: { projectScope: expect.any(Array) } });
    await expect(
      createApiKey(userActor(admin), { projectId: project.id, name: `plain ${Math.random()}`, expiry: "7d", projectScope: "all" }, context),
    ).rejects.toMatchObject({ fieldErrors: { projectScope: [expect.stringMatching(/Only management keys/)] } });
  });

  it("hides projects and keys outside it as absent, for reads and writes", async () => {
    const { secret } = await managementKey({ projectScope: [project.slug] });
    const outside = await createApiKey(userActor(admin), { projectId: other.id, name: `outside ${Math.random()}`, expiry: "7d" }, context);

    const projects = (await json(await listProjects(req("GET", "/projects", secret)))).body.projects as { id: string }[];
    expect(projects.map((row) => row.id)).toEqual([project.id]);
    expect((await json(await listKeys(req("GET", `/projects/${other.slug}/keys`, secret), p({ projectId: other.slug })))).status).toBe(404);
    expect((await create(secret, other.slug, {})).status).toBe(404);
    expect((await create(secret, project.slug, {})).status).toBe(201);
    for (const answer of [
      await read(secret, outside.publicId),
      await patch(secret, outside.publicId, { name: "x" }),
      await roll(secret, outside.publicId),
      await revoke(secret, outside.publicId, "?cascade=true"),
    ]) {
      expect(answer.status).toBe(404);
      expect(answer.body.error?.code).toBe("not_found");
    }
    const row = await db.apiKey.findUniqueOrThrow({ where: { publicId: outside.publicId } });
    expect(row).toMatchObject({ revokedAt: null, replacedById: null, name: outside.name });
    // Webhook endpoints can receive every project's events.
    expect((await listWebhooks(req("GET", "/webhooks", secret))).status).toBe(403);
  });

  it("survives a roll of the management key in the dashboard", async () => {
    const scoped = await managementKey({ projectScope: [other.id] });
    const { key } = await rollApiKey(userActor(admin), { keyId: scoped.publicId, grace: "now" }, context);
    const reader = await managementKey();
    expect(((await read(reader.secret, key.publicId)).body.key as KeyJson).projectScope).toEqual([other.id]);
  });
});

describe("rolling applies the project's current expiry policy", () => {
  async function neverExpiring(policy: { maxLifetimeDays: number | null; allowNoExpiry: boolean }) {
    const target = await createProject({ activeKeyLimit: 100 });
    const key = await createApiKey(userActor(admin), { projectId: target.id, name: "forever", expiry: "never" }, context);
    await db.project.update({ where: { id: target.id }, data: policy });
    return key;
  }
  const days = (date: Date | null) => (date ? Math.round((date.getTime() - Date.now()) / DAY_MS) : null);

  it("gives a never-expiring key's replacement the default 30 days where expiry is required without a maximum", async () => {
    const key = await neverExpiring({ maxLifetimeDays: null, allowNoExpiry: false });
    const rolled = await rollApiKey(userActor(admin), { keyId: key.publicId, grace: "1h" }, context);
    expect(days(rolled.key.expiresAt)).toBe(30);
  });

  it("cuts it to the project's maximum lifetime", async () => {
    const key = await neverExpiring({ maxLifetimeDays: 10, allowNoExpiry: false });
    const rolled = await rollApiKey(userActor(admin), { keyId: key.publicId, grace: "1h" }, context);
    expect(days(rolled.key.expiresAt)).toBe(10);
  });

  it("keeps a never-expiring key never-expiring where the project still allows it", async () => {
    const key = await neverExpiring({ maxLifetimeDays: null, allowNoExpiry: true });
    const rolled = await rollApiKey(userActor(admin), { keyId: key.publicId, grace: "1h" }, context);
    expect(rolled.key.expiresAt).toBeNull();
  });
});
