// Issue 11 through the REST management API's real route handlers: `enabled`, `externalId` and
// `metadata` on create and PATCH (422 with the field, nothing changed), the key representation,
// disabled and ip-restricted management keys, and the OpenAPI document. Every answer is checked
// against the document (./support/contract.ts).
import { beforeAll, describe, expect, it } from "vitest";
import * as keyRoutes from "@/app/api/v1/keys/[keyId]/route";
import * as openApiRoutes from "@/app/api/v1/openapi.json/route";
import * as projectKeyRoutes from "@/app/api/v1/projects/[projectId]/keys/route";
import * as projectRoutes from "@/app/api/v1/projects/route";
import { db } from "@/lib/db";
import type { KeyConstraint } from "@/lib/keys/constraints";
import { verifyKey } from "@/lib/keys/verify";
import { CLIENT_IP_HEADER } from "@/lib/request-context";
import { createApiKey, setApiKeyEnabled } from "@/lib/services/api-keys";
import { contractChecked } from "./support/contract";
import { context, createProject, seedBase, userActor } from "./support/fixtures";

const getKey = contractChecked(keyRoutes.GET);
const patchKey = contractChecked(keyRoutes.PATCH);
const openapi = contractChecked(openApiRoutes.GET);
const listKeys = contractChecked(projectKeyRoutes.GET);
const createKey = contractChecked(projectKeyRoutes.POST);
const listProjects = contractChecked(projectRoutes.GET);

const BASE = "http://keydesk.test/api/v1";
let admin: Awaited<ReturnType<typeof seedBase>>["admin"];
let systemProjectId: string;
let adminKey: string;
let project: { id: string; slug: string };

async function managementKey(constraints: KeyConstraint[] = []) {
  return createApiKey(userActor(admin), { projectId: systemProjectId, name: `mgmt ${Math.random()}`, expiry: "1y", constraints }, context);
}

function req(method: string, path: string, key: string, body?: unknown, headers: Record<string, string> = {}) {
  return new Request(`${BASE}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
}
const p = <T extends Record<string, string>>(params: T) => ({ params: Promise.resolve(params) });

type Json = Record<string, unknown> & { error?: { code: string; message: string; issues?: Record<string, string[]> } };
async function json(response: Response) {
  return { status: response.status, body: (await response.json()) as Json };
}

beforeAll(async () => {
  const base = await seedBase();
  admin = base.admin;
  systemProjectId = (await db.project.findUniqueOrThrow({ where: { slug: "keydesk-api" } })).id;
  adminKey = (await managementKey()).secret;
  project = await createProject({ activeKeyLimit: 1000 });
});

async function create(body: Record<string, unknown>) {
  return json(await createKey(req("POST", `/projects/${project.slug}/keys`, adminKey, { expiry: "30d", ...body }), p({ projectId: project.slug })));
}
async function patch(keyId: string, body: unknown) {
  return json(await patchKey(req("PATCH", `/keys/${keyId}`, adminKey, body), p({ keyId })));
}

describe("owner and metadata over REST", () => {
  it("are accepted at create, returned in the key's representation and on VALID", async () => {
    const created = await create({ name: "Device 42", externalId: "device-42", metadata: { room: "kitchen", floor: 2 } });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatchObject({ enabled: true, externalId: "device-42", metadata: { room: "kitchen", floor: 2 }, status: "active" });
    const verified = await verifyKey({ key: created.body.secret, project: project.slug });
    expect(verified.body).toMatchObject({ code: "VALID", key: { externalId: "device-42", metadata: { room: "kitchen", floor: 2 } } });

    const plain = await create({ name: "No owner" });
    expect(plain.body.key).toMatchObject({ externalId: null, metadata: {} });

    const listed = await json(await listKeys(req("GET", `/projects/${project.slug}/keys?q=device-42`, adminKey), p({ projectId: project.slug })));
    expect(listed.body.keys).toEqual([expect.objectContaining({ externalId: "device-42", enabled: true, status: "active" })]);
  });

  it("are changed, replaced whole and cleared by PATCH", async () => {
    const { body } = await create({ name: "Patch me", externalId: "a", metadata: { x: 1, y: 2 } });
    const id = (body.key as { id: string }).id;
    expect((await patch(id, { metadata: { y: 3 } })).body.key).toMatchObject({ externalId: "a", metadata: { y: 3 } });
    expect((await patch(id, { externalId: "" })).body.key).toMatchObject({ externalId: null });
    expect((await patch(id, { metadata: null })).body.key).toMatchObject({ metadata: {} });
  });

  it.each<[string, unknown, string]>([
    ["metadata as a list", { metadata: [1] }, "metadata"],
    ["metadata as a string", { metadata: "plan=pro" }, "metadata"],
    ["metadata as a number", { metadata: 7 }, "metadata"],
    ["metadata over 4 KiB", { metadata: { k: "x".repeat(5000) } }, "metadata"],
    ["metadata with an unpaired surrogate (JSON escape)", '{"metadata": {"k": "\\ud800"}}', "metadata"],
    ["metadata with NUL (JSON escape)", '{"metadata": {"k": "a\\u0000b"}}', "metadata"],
    ["an owner that is not text", { externalId: 42 }, "externalId"],
    ["an owner over 255 characters", { externalId: "o".repeat(256) }, "externalId"],
    ["an owner with an unpaired surrogate", '{"externalId": "\\udfff"}', "externalId"],
    ["a name with an unpaired surrogate", '{"name": "x\\ud83d"}', "name"],
    ["enabled as a string", { enabled: "nope" }, "enabled"],
  ])("PATCH with %s is a 422 at that field and changes nothing", async (_what, body, field) => {
    const { body: created } = await create({ name: `Untouched ${Math.random()}`, externalId: "kept", metadata: { kept: true } });
    const id = (created.key as { id: string }).id;
    const before = await db.apiKey.findUniqueOrThrow({ where: { publicId: id } });
    const events = await db.auditEvent.count();
    const response = await patch(id, body);
    expect(response.status).toBe(422);
    expect(response.body.error?.code).toBe("validation_failed");
    expect(response.body.error?.issues?.[field]?.[0]).toBeTruthy();
    expect(await db.apiKey.findUniqueOrThrow({ where: { publicId: id } })).toEqual(before);
    expect(await db.auditEvent.count()).toBe(events);
  });

  it("create with invalid metadata or owner is a 422 that creates nothing", async () => {
    const before = await db.apiKey.count();
    for (const body of [{ name: "bad md", metadata: "[1]" }, { name: "bad owner", externalId: "a\u0000" }, { name: "bad ip", constraints: [{ type: "ip", value: "300.1.1.1" }] }]) {
      const response = await create(body);
      expect(response.status, JSON.stringify(body)).toBe(422);
    }
    expect(await db.apiKey.count()).toBe(before);
  });
});

describe("enabled over REST", () => {
  it("PATCH enabled false disables (DISABLED, audited), true enables again", async () => {
    const { body } = await create({ name: "Toggle" });
    const id = (body.key as { id: string }).id;
    const secret = body.secret as string;
    const disabled = await patch(id, { enabled: false });
    expect(disabled.status).toBe(200);
    expect(disabled.body.key).toMatchObject({ enabled: false, status: "disabled" });
    expect((await verifyKey({ key: secret, project: project.slug })).body).toMatchObject({ code: "DISABLED" });
    expect((await patch(id, { enabled: true })).body.key).toMatchObject({ enabled: true, status: "active" });
    expect((await verifyKey({ key: secret, project: project.slug })).body).toMatchObject({ code: "VALID" });
    const actions = (await db.auditEvent.findMany({ where: { targetId: id }, orderBy: { id: "asc" }, select: { action: true, actorType: true } })).map((e) => `${e.actorType}:${e.action}`);
    expect(actions).toEqual(["key:key.created", "key:key.disabled", "key:key.enabled"]);
  });

  it("a disabled management key is refused with 401 until it is enabled", async () => {
    const key = await managementKey();
    await setApiKeyEnabled(userActor(admin), { keyId: key.publicId, enabled: false }, context);
    const refused = await json(await listProjects(req("GET", "/projects", key.secret)));
    expect(refused.status).toBe(401);
    expect(refused.body.error?.message).toMatch(/disabled/);
    await setApiKeyEnabled(userActor(admin), { keyId: key.publicId, enabled: true }, context);
    expect((await listProjects(req("GET", "/projects", key.secret))).status).toBe(200);
  });
});

describe("ip rules on management keys", () => {
  it("apply to the client address the server recorded", async () => {
    const key = await managementKey([{ type: "ip", value: "10.0.0.0/8", methods: [] }]);
    const from = (ip?: string) => listProjects(req("GET", "/projects", key.secret, undefined, ip ? { [CLIENT_IP_HEADER]: ip } : {}));
    expect((await from("10.1.2.3")).status).toBe(200);
    expect((await from("::ffff:10.1.2.3")).status).toBe(200);
    expect((await from("192.0.2.1")).status).toBe(403);
    expect((await from()).status).toBe(403);
  });
});

it("the key representation is the same from GET, PATCH and create", async () => {
  const created = await create({ name: "Same shape", externalId: "shape", metadata: { a: 1 }, ratelimits: [{ limit: 5, duration: 1000 }] });
  const id = (created.body.key as { id: string }).id;
  const get = async () => (await json(await getKey(req("GET", `/keys/${id}`, adminKey), p({ keyId: id })))).body.key;
  // What a write answers is the key as written: a GET right after it answers the same.
  expect(await get()).toEqual(created.body.key);
  expect(Object.keys((await get()) as object)).toEqual(expect.arrayContaining(["enabled", "externalId", "metadata", "status"]));
  const patched = await patch(id, { name: "Same shape, renamed", enabled: false, ratelimits: [{ limit: 7, duration: 1000 }] });
  expect(patched.body.key).toMatchObject({ name: "Same shape, renamed", status: "disabled", ratelimits: [{ limit: 7 }] });
  expect(await get()).toEqual(patched.body.key);
});

it("the OpenAPI document describes project, ip, DISABLED, the key fields and PATCH's fields", async () => {
  const doc = JSON.stringify(await (await openapi(new Request(`${BASE}/openapi.json`))).json());
  for (const text of ['"project"', '"ip"', '"DISABLED"', '"externalId"', '"metadata"', '"enabled"', "unknown_project", '"disabled"']) {
    expect(doc, text).toContain(text);
  }
  const parsed = JSON.parse(doc) as {
    paths: Record<string, { post?: { requestBody: { content: { "application/json": { schema: { $ref: string } } } } } }>;
    components: { schemas: Record<string, { required?: string[] }> };
  };
  const ref = parsed.paths["/api/v1/keys/verify"]?.post?.requestBody.content["application/json"].schema.$ref;
  expect(ref).toBe("#/components/schemas/VerifyRequest");
  expect(parsed.components.schemas.VerifyRequest?.required).toEqual(["key", "project"]);
});
