// The REST management API over real HTTP on a real PostgreSQL (tests/support/api-server.ts):
// bearer management keys acting with their creator's current role, their constraints, the
// same-constraints rule, and the one error shape. Every response is checked against the OpenAPI
// document as it arrives (tests/support/contract.ts).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SESSION_COOKIE_NAMES } from "@/lib/auth/session-policy";
import { db } from "@/lib/db";
import type { KeyConstraint } from "@/lib/keys/constraints";
import { generateSecret } from "@/lib/keys/secret";
import { createApiKey, revokeApiKey } from "@/lib/services/api-keys";
import { startApiServer, type ApiServer } from "./support/api-server";
import { context, createUser, seedBase, userActor } from "./support/fixtures";

let api: ApiServer;
let admin: Awaited<ReturnType<typeof seedBase>>["admin"];
let systemProjectId: string;
let adminKey: string;

type Body = Record<string, unknown> & { error?: { code: string; message: string; issues?: Record<string, string[]> } };
const body = (response: { body: unknown }) => response.body as Body;

async function managementKey(creator: { id: string }, constraints: KeyConstraint[] = [], name = `mgmt ${Math.random()}`) {
  // Keys are created by an admin; the creator column is what the API consults afterwards.
  const created = await createApiKey(userActor(admin), { projectId: systemProjectId, name, expiry: "1y", constraints }, context);
  await db.apiKey.update({ where: { publicId: created.publicId }, data: { createdById: creator.id } });
  return created;
}

beforeAll(async () => {
  api = await startApiServer();
  const base = await seedBase();
  admin = base.admin;
  systemProjectId = (await db.project.findUniqueOrThrow({ where: { slug: "keydesk-api" } })).id;
  adminKey = (await managementKey(admin)).secret;
});

afterAll(() => api.close());

describe("authentication", () => {
  it("answers 401 with a Bearer challenge for missing, malformed, unknown, revoked, expired and non-management keys", async () => {
    const defaultKey = await createApiKey(userActor(admin), { projectId: (await db.project.findUniqueOrThrow({ where: { slug: "default" } })).id, name: "app key", expiry: "7d" }, context);
    const revoked = await managementKey(admin);
    await revokeApiKey(userActor(admin), { keyId: revoked.publicId }, context);
    const expired = await managementKey(admin);
    await db.apiKey.update({ where: { publicId: expired.publicId }, data: { expiresAt: new Date(Date.now() - 1000) } });

    const missing = await api.call("GET", "/api/v1/projects");
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toBe('Bearer realm="keydesk"');
    for (const key of ["not-a-key", generateSecret("kdm").secret, revoked.secret, expired.secret, defaultKey.secret]) {
      const response = await api.call("GET", "/api/v1/projects", { key });
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe('Bearer realm="keydesk", error="invalid_token"');
      expect(body(response).error?.code).toBe("unauthorized");
      expect(body(response).error?.message).toBeTruthy();
    }
  });

  it("never accepts a browser session cookie instead of a key", async () => {
    const response = await api.call("GET", "/api/v1/projects", { headers: { cookie: `${SESSION_COOKIE_NAMES[1]}=anything` } });
    expect(response.status).toBe(401);
  });
});

describe("an administrator's management key", () => {
  it("lists projects and keys, creates a key whose secret is returned once, edits, rolls and revokes it", async () => {
    const projects = await api.call("GET", "/api/v1/projects", { key: adminKey });
    expect(projects.status).toBe(200);
    expect((body(projects).projects as { slug: string }[]).map((x) => x.slug)).toEqual(expect.arrayContaining(["default", "keydesk-api"]));

    const created = await api.call("POST", "/api/v1/projects/default/keys", { key: adminKey, body: { name: "Partner sync", expiry: "90d", constraints: [{ type: "prefix", value: "orders", methods: ["GET"] }] } });
    expect(created.status).toBe(201);
    const key = body(created).key as { id: string; maskedKey: string; constraints: unknown[]; status: string };
    expect(body(created).secret).toMatch(/^kd_/);
    expect(key).toMatchObject({ status: "active", constraints: [{ type: "prefix", value: "/orders", methods: ["GET"] }] });
    expect(JSON.stringify(key)).not.toContain(body(created).secret as string);

    const fetched = await api.call("GET", `/api/v1/keys/${key.id}`, { key: adminKey });
    expect(body(fetched).key).toEqual(key);
    expect(JSON.stringify(fetched.body)).not.toContain(body(created).secret as string);

    // The list shows the same representation as everything else.
    const listed = await api.call("GET", "/api/v1/projects/default/keys?q=partner", { key: adminKey });
    expect(body(listed).keys).toEqual([key]);

    const patched = await api.call("PATCH", `/api/v1/keys/${key.id}`, { key: adminKey, body: { description: "Nightly order export" } });
    expect(body(patched).key).toMatchObject({ description: "Nightly order export" });
    const unchanged = await api.call("PATCH", `/api/v1/keys/${key.id}`, { key: adminKey, body: {} });
    expect(unchanged.status).toBe(200);
    expect(body(unchanged).key).toEqual(body(patched).key);

    const rolled = await api.call("POST", `/api/v1/keys/${key.id}/roll`, { key: adminKey, body: { grace: "1h" } });
    expect(rolled.status).toBe(201);
    const replacement = body(rolled).key as { id: string };
    expect(replacement.id).not.toBe(key.id);
    expect(body(rolled).previous).toMatchObject({ id: key.id, replacedBy: replacement.id });

    const revoked = await api.call("DELETE", `/api/v1/keys/${replacement.id}`, { key: adminKey });
    expect(body(revoked).key).toMatchObject({ status: "revoked" });

    const events = await db.auditEvent.findMany({ where: { actorType: "key" }, select: { action: true } });
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(["key.created", "key.updated", "key.rolled", "key.revoked"]));
  });

  it("rolls with the default grace when the body is empty", async () => {
    const created = await api.call("POST", "/api/v1/projects/default/keys", { key: adminKey, body: { name: "Roll me" } });
    const id = (body(created).key as { id: string }).id;
    const rolled = await api.call("POST", `/api/v1/keys/${id}/roll`, { key: adminKey });
    expect(rolled.status).toBe(201);
    const previous = body(rolled).previous as { expiresAt: string };
    expect(Date.parse(previous.expiresAt) - Date.now()).toBeGreaterThan(23 * 3600_000);
    const again = await api.call("POST", `/api/v1/keys/${id}/roll`, { key: adminKey });
    expect(again.status).toBe(409);
  });

  it("gets 404, 409, 422, 413 and 400 in the one error shape", async () => {
    expect(body(await api.call("GET", "/api/v1/keys/key_AAAAAAAAAAAAAAAA", { key: adminKey })).error?.code).toBe("not_found");
    expect((await api.call("GET", "/api/v1/keys/nonsense", { key: adminKey })).status).toBe(404);
    expect((await api.call("GET", "/api/v1/projects/nope/keys", { key: adminKey })).status).toBe(404);

    const invalid = await api.call("POST", "/api/v1/projects/default/keys", { key: adminKey, body: { name: "", expiry: "forever" } });
    expect(invalid.status).toBe(422);
    expect(body(invalid).error?.code).toBe("validation_failed");
    expect(body(invalid).error?.issues).toHaveProperty("name");
    expect(body(invalid).error?.issues).toHaveProperty("expiry");

    const badJson = await api.call("POST", "/api/v1/projects/default/keys", { key: adminKey, body: "{nope" });
    expect(badJson.status).toBe(400);
    expect(body(badJson).error?.code).toBe("invalid_json");

    const tooBig = await api.call("POST", "/api/v1/projects/default/keys", { key: adminKey, body: { name: "x", description: "y".repeat(20_000) } });
    expect(tooBig.status).toBe(413);

    const limited = await db.project.create({ data: { name: "Tiny", slug: "tiny", keyPrefix: "tiny", activeKeyLimit: 1 } });
    expect((await api.call("POST", "/api/v1/projects/tiny/keys", { key: adminKey, body: { name: "one" } })).status).toBe(201);
    const full = await api.call("POST", "/api/v1/projects/tiny/keys", { key: adminKey, body: { name: "two" } });
    expect(full.status).toBe(409);
    expect(body(full).error?.code).toBe("key_limit_reached");
    expect(await db.apiKey.count({ where: { projectId: limited.id } })).toBe(1);
  });
});

describe("the creator's current role", () => {
  it("lets a demoted or deactivated creator's key read (while active) but never write", async () => {
    const creator = await createUser("admin");
    const key = await managementKey(creator);
    expect((await api.call("POST", "/api/v1/projects/default/keys", { key: key.secret, body: { name: "while admin" } })).status).toBe(201);

    await db.user.update({ where: { id: creator.id }, data: { role: "manager" } });
    expect((await api.call("GET", "/api/v1/projects", { key: key.secret })).status).toBe(200);
    const denied = await api.call("POST", "/api/v1/projects/default/keys", { key: key.secret, body: { name: "after demotion" } });
    expect(denied.status).toBe(403);
    expect(await db.apiKey.count({ where: { name: "after demotion" } })).toBe(0);

    await db.user.update({ where: { id: creator.id }, data: { active: false } });
    expect((await api.call("GET", "/api/v1/projects", { key: key.secret })).status).toBe(403);
    expect(await db.auditEvent.count({ where: { action: "api.denied", actorKeyId: key.id } })).toBeGreaterThanOrEqual(2);
  });
});

describe("constraints on management keys", () => {
  it("make a read-only single-project key with one prefix constraint", async () => {
    const key = await managementKey(admin, [{ type: "prefix", value: "projects/default/keys", methods: ["GET"] }]);
    expect((await api.call("GET", "/api/v1/projects/default/keys", { key: key.secret })).status).toBe(200);
    expect((await api.call("POST", "/api/v1/projects/default/keys", { key: key.secret, body: { name: "nope" } })).status).toBe(403);
    expect((await api.call("GET", "/api/v1/projects", { key: key.secret })).status).toBe(403);
    expect((await api.call("GET", "/api/v1/projects/tiny/keys", { key: key.secret })).status).toBe(403);
  });

  it("can only create keys with exactly their own constraints", async () => {
    const own: KeyConstraint[] = [{ type: "prefix", value: "/projects", methods: ["GET", "POST"] }];
    const key = await managementKey(admin, own);
    const other = await api.call("POST", "/api/v1/projects/default/keys", { key: key.secret, body: { name: "wider", constraints: [] } });
    expect(other.status).toBe(403);
    expect(body(other).error?.message).toMatch(/exactly the same constraints/);
    const denial = await db.auditEvent.findFirstOrThrow({ where: { action: "api.denied", actorKeyId: key.id }, select: { metadata: true } });
    expect(denial.metadata).toMatchObject({ reason: "constraints" });
    const same = await api.call("POST", "/api/v1/projects/default/keys", { key: key.secret, body: { name: "same", constraints: [{ type: "prefix", value: "projects", methods: ["POST", "GET"] }] } });
    expect(same.status).toBe(201);
  });
});
