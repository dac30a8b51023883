// The REST management API, called through its real route handlers on a real PostgreSQL:
// bearer management keys acting with their creator's current role, their constraints, the
// same-constraints rule, and the one error shape.
import { beforeAll, describe, expect, it } from "vitest";
import { GET as getKey, DELETE as deleteKey, PATCH as patchKey } from "@/app/api/v1/keys/[keyId]/route";
import { POST as rollKey } from "@/app/api/v1/keys/[keyId]/roll/route";
import { GET as listKeys, POST as createKey } from "@/app/api/v1/projects/[projectId]/keys/route";
import { GET as listProjects } from "@/app/api/v1/projects/route";
import { GET as openapi } from "@/app/api/v1/openapi.json/route";
import { db } from "@/lib/db";
import type { KeyConstraint } from "@/lib/keys/constraints";
import { generateSecret } from "@/lib/keys/secret";
import { createApiKey, revokeApiKey } from "@/lib/services/api-keys";
import { context, createUser, seedBase, userActor } from "./support/fixtures";

const BASE = "http://keydesk.test/api/v1";
let admin: Awaited<ReturnType<typeof seedBase>>["admin"];
let systemProjectId: string;
let adminKey: string;

async function managementKey(creator: { id: string; email: string; role: "admin" | "manager" | "viewer"; active: boolean }, constraints: KeyConstraint[] = [], name = `mgmt ${Math.random()}`) {
  // Keys are created by an admin; the creator column is what the API consults afterwards.
  const created = await createApiKey(userActor(admin), { projectId: systemProjectId, name, expiry: "1y", constraints }, context);
  await db.apiKey.update({ where: { publicId: created.publicId }, data: { createdById: creator.id } });
  return created;
}

function req(method: string, path: string, key?: string, body?: unknown) {
  return new Request(`${BASE}${path}`, {
    method,
    headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), "content-type": "application/json", "user-agent": "vitest" },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
}
const p = <T extends Record<string, string>>(params: T) => ({ params: Promise.resolve(params) });

async function json(response: Response) {
  return { status: response.status, body: (await response.json()) as Record<string, unknown> & { error?: { code: string; message: string } } };
}

beforeAll(async () => {
  const base = await seedBase();
  admin = base.admin;
  systemProjectId = (await db.project.findUniqueOrThrow({ where: { slug: "keydesk-api" } })).id;
  adminKey = (await managementKey(admin)).secret;
});

describe("authentication", () => {
  it("answers 401 with one error shape for missing, malformed, unknown, revoked, expired and non-management keys", async () => {
    const defaultKey = await createApiKey(userActor(admin), { projectId: (await db.project.findUniqueOrThrow({ where: { slug: "default" } })).id, name: "app key", expiry: "7d" }, context);
    const revoked = await managementKey(admin);
    await revokeApiKey(userActor(admin), { keyId: revoked.publicId }, context);
    const expired = await managementKey(admin);
    await db.apiKey.update({ where: { publicId: expired.publicId }, data: { expiresAt: new Date(Date.now() - 1000) } });

    for (const key of [undefined, "not-a-key", generateSecret("kdm").secret, revoked.secret, expired.secret, defaultKey.secret]) {
      const { status, body } = await json(await listProjects(req("GET", "/projects", key)));
      expect(status).toBe(401);
      expect(body.error?.code).toBe("unauthorized");
      expect(body.error?.message).toBeTruthy();
    }
  });

  it("never accepts a browser session cookie instead of a key", async () => {
    const request = new Request(`${BASE}/projects`, { headers: { cookie: "next-auth.session-token=anything" } });
    expect((await listProjects(request)).status).toBe(401);
  });
});

describe("an administrator's management key", () => {
  it("lists projects and keys, creates a key whose secret is returned once, edits, rolls and revokes it", async () => {
    const projects = await json(await listProjects(req("GET", "/projects", adminKey)));
    expect(projects.status).toBe(200);
    expect((projects.body.projects as { slug: string }[]).map((x) => x.slug)).toEqual(expect.arrayContaining(["default", "keydesk-api"]));

    const created = await json(await createKey(req("POST", "/projects/default/keys", adminKey, { name: "Partner sync", expiry: "90d", constraints: [{ type: "prefix", value: "orders", methods: ["GET"] }] }), p({ projectId: "default" })));
    expect(created.status).toBe(201);
    const key = created.body.key as { id: string; maskedKey: string; constraints: unknown[]; status: string };
    expect(created.body.secret).toMatch(/^kd_/);
    expect(key).toMatchObject({ status: "active", constraints: [{ type: "prefix", value: "/orders", methods: ["GET"] }] });
    expect(JSON.stringify(key)).not.toContain(created.body.secret as string);

    const fetched = await json(await getKey(req("GET", `/keys/${key.id}`, adminKey), p({ keyId: key.id })));
    expect(fetched.body.secret).toBeUndefined();
    expect(JSON.stringify(fetched.body)).not.toContain(created.body.secret as string);

    const listed = await json(await listKeys(req("GET", "/projects/default/keys?q=partner", adminKey), p({ projectId: "default" })));
    expect((listed.body.keys as { id: string }[]).map((k) => k.id)).toContain(key.id);

    const patched = await json(await patchKey(req("PATCH", `/keys/${key.id}`, adminKey, { description: "Nightly order export" }), p({ keyId: key.id })));
    expect(patched.body.key).toMatchObject({ description: "Nightly order export" });

    const rolled = await json(await rollKey(req("POST", `/keys/${key.id}/roll`, adminKey, { grace: "1h" }), p({ keyId: key.id })));
    expect(rolled.status).toBe(201);
    const replacement = rolled.body.key as { id: string };
    expect(replacement.id).not.toBe(key.id);

    const revoked = await json(await deleteKey(req("DELETE", `/keys/${replacement.id}`, adminKey), p({ keyId: replacement.id })));
    expect(revoked.body.key).toMatchObject({ status: "revoked" });

    const events = await db.auditEvent.findMany({ where: { actorType: "key" }, select: { action: true } });
    expect(events.map((e) => e.action)).toEqual(expect.arrayContaining(["key.created", "key.updated", "key.rolled", "key.revoked"]));
  });

  it("gets 404, 409, 422 and 400 in the one error shape", async () => {
    expect((await json(await getKey(req("GET", "/keys/key_AAAAAAAAAAAAAAAA", adminKey), p({ keyId: "key_AAAAAAAAAAAAAAAA" })))).body.error?.code).toBe("not_found");
    expect((await json(await listKeys(req("GET", "/projects/nope/keys", adminKey), p({ projectId: "nope" })))).status).toBe(404);

    const invalid = await json(await createKey(req("POST", "/projects/default/keys", adminKey, { name: "", expiry: "forever" }), p({ projectId: "default" })));
    expect(invalid.status).toBe(422);
    expect(invalid.body.error?.code).toBe("validation_failed");
    expect(invalid.body.error).toHaveProperty("issues.name");

    const badJson = await json(await createKey(req("POST", "/projects/default/keys", adminKey, "{nope"), p({ projectId: "default" })));
    expect(badJson.status).toBe(400);
    expect(badJson.body.error?.code).toBe("invalid_json");

    const tooBig = await json(await createKey(req("POST", "/projects/default/keys", adminKey, { name: "x", description: "y".repeat(20_000) }), p({ projectId: "default" })));
    expect(tooBig.status).toBe(413);

    const limited = await db.project.create({ data: { name: "Tiny", slug: "tiny", keyPrefix: "tiny", activeKeyLimit: 1 } });
    expect((await createKey(req("POST", "/projects/tiny/keys", adminKey, { name: "one" }), p({ projectId: "tiny" }))).status).toBe(201);
    const full = await json(await createKey(req("POST", "/projects/tiny/keys", adminKey, { name: "two" }), p({ projectId: "tiny" })));
    expect(full.status).toBe(409);
    expect(full.body.error?.code).toBe("key_limit_reached");
    expect(await db.apiKey.count({ where: { projectId: limited.id } })).toBe(1);
  });
});

describe("the creator's current role", () => {
  it("lets a demoted or deactivated creator's key read (while active) but never write", async () => {
    const creator = await createUser("admin");
    const key = await managementKey(creator);
    expect((await createKey(req("POST", "/projects/default/keys", key.secret, { name: "while admin" }), p({ projectId: "default" }))).status).toBe(201);

    await db.user.update({ where: { id: creator.id }, data: { role: "manager" } });
    expect((await listProjects(req("GET", "/projects", key.secret))).status).toBe(200);
    const denied = await json(await createKey(req("POST", "/projects/default/keys", key.secret, { name: "after demotion" }), p({ projectId: "default" })));
    expect(denied.status).toBe(403);
    expect(await db.apiKey.count({ where: { name: "after demotion" } })).toBe(0);

    await db.user.update({ where: { id: creator.id }, data: { active: false } });
    expect((await listProjects(req("GET", "/projects", key.secret))).status).toBe(403);
    expect(await db.auditEvent.count({ where: { action: "api.denied", actorKeyId: key.id } })).toBeGreaterThanOrEqual(2);
  });
});

describe("constraints on management keys", () => {
  it("make a read-only single-project key with one prefix constraint", async () => {
    const key = await managementKey(admin, [{ type: "prefix", value: "projects/default/keys", methods: ["GET"] }]);
    expect((await listKeys(req("GET", "/projects/default/keys", key.secret), p({ projectId: "default" }))).status).toBe(200);
    expect((await createKey(req("POST", "/projects/default/keys", key.secret, { name: "nope" }), p({ projectId: "default" }))).status).toBe(403);
    expect((await listProjects(req("GET", "/projects", key.secret))).status).toBe(403);
    expect((await listKeys(req("GET", "/projects/tiny/keys", key.secret), p({ projectId: "tiny" }))).status).toBe(403);
  });

  it("can only create keys with exactly their own constraints", async () => {
    const own: KeyConstraint[] = [{ type: "prefix", value: "/projects", methods: ["GET", "POST"] }];
    const key = await managementKey(admin, own);
    const other = await json(await createKey(req("POST", "/projects/default/keys", key.secret, { name: "wider", constraints: [] }), p({ projectId: "default" })));
    expect(other.status).toBe(403);
    expect(other.body.error?.message).toMatch(/exactly the same constraints/);
    const same = await createKey(req("POST", "/projects/default/keys", key.secret, { name: "same", constraints: [{ type: "prefix", value: "projects", methods: ["POST", "GET"] }] }), p({ projectId: "default" }));
    expect(same.status).toBe(201);
  });
});

it("publishes an OpenAPI 3.1 document generated from the schemas", async () => {
  const doc = (await openapi(new Request(`${BASE}/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
  expect(doc.openapi).toBe("3.1.0");
  expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/v1/keys/verify", "/api/v1/projects/{projectId}/keys", "/api/v1/keys/{keyId}/roll"]));
});
