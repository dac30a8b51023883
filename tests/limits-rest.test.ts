// Usage limits through the REST API's real route handlers: create with limits or the project's
// defaults, PATCH them, top up, the 422s that change nothing, 409s, the role rule, the OpenAPI
// document, and what the key then answers at verification. Every answer is checked against the
// document (./support/contract.ts).
import { beforeAll, describe, expect, it } from "vitest";
import * as creditRoutes from "@/app/api/v1/keys/[keyId]/credits/route";
import * as keyRoutes from "@/app/api/v1/keys/[keyId]/route";
import * as projectKeyRoutes from "@/app/api/v1/projects/[projectId]/keys/route";
import * as openApiRoutes from "@/app/api/v1/openapi.json/route";
import { db } from "@/lib/db";
import { verifyKey } from "@/lib/keys/verify";
import { createApiKey } from "@/lib/services/api-keys";
import { createProject } from "@/lib/services/projects";
import { contractChecked } from "./support/contract";
import { context, createUser, seedBase, userActor } from "./support/fixtures";

const addCredits = contractChecked(creditRoutes.POST);
const getKey = contractChecked(keyRoutes.GET);
const patchKey = contractChecked(keyRoutes.PATCH);
const createKey = contractChecked(projectKeyRoutes.POST);
const openapi = contractChecked(openApiRoutes.GET);

const BASE = "http://keydesk.test/api/v1";
let admin: Awaited<ReturnType<typeof seedBase>>["admin"];
let systemProjectId: string;
let adminKey: string;

async function managementKey(creator: { id: string }) {
  const created = await createApiKey(userActor(admin), { projectId: systemProjectId, name: `mgmt ${Math.random()}`, expiry: "30d", constraints: [] }, context);
  await db.apiKey.update({ where: { publicId: created.publicId }, data: { createdById: creator.id } });
  return created.secret;
}

function req(method: string, path: string, key: string, body?: unknown) {
  return new Request(`${BASE}${path}`, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json", "user-agent": "vitest" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}
const p = <T extends Record<string, string>>(params: T) => ({ params: Promise.resolve(params) });
type Json = Record<string, unknown> & { error?: { code: string; message: string; issues?: Record<string, string[]> }; key?: Record<string, unknown> };
async function json(response: Response) {
  return { status: response.status, body: (await response.json()) as Json };
}

beforeAll(async () => {
  const base = await seedBase();
  admin = base.admin;
  systemProjectId = (await db.project.findUniqueOrThrow({ where: { slug: "keydesk-api" } })).id;
  adminKey = await managementKey(admin);
});

const create = (project: string, body: unknown, key = adminKey) => createKey(req("POST", `/projects/${project}/keys`, key, body), p({ projectId: project }));

describe("create", () => {
  it("takes ratelimits and credits, shows them, and the key verifies with them", async () => {
    const { status, body } = await json(
      await create("default", { name: `Metered ${Date.now()}`, ratelimits: [{ limit: 5, duration: 10_000 }, { name: "daily", limit: 1000, duration: 86_400_000 }], credits: { remaining: 20 } }),
    );
    expect(status).toBe(201);
    expect(body.key).toMatchObject({
      ratelimits: [
        { name: "10s", limit: 5, duration: 10_000 },
        { name: "daily", limit: 1000, duration: 86_400_000 },
      ],
      credits: { remaining: 20, refill: null },
    });
    const answer = await verifyKey({ key: body.secret, project: "default", cost: 2 });
    expect(answer.body).toMatchObject({ code: "VALID", ratelimits: [{ name: "10s", remaining: 3 }, { name: "daily", remaining: 998 }], credits: { remaining: 18 } });
  });

  it("without limits of its own a key gets the project's defaults; [] and null opt out unless the project caps them", async () => {
    const project = await createProject(
      userActor(admin),
      { name: `Defaults ${Date.now()}`, keyPrefix: `df${Date.now() % 100000}`, activeKeyLimit: "50", maxLifetimeDays: "unlimited", allowNoExpiry: "on",
        defaultRatelimits: [{ limit: 60, duration: 60_000 }], defaultCredits: { remaining: 100, refill: { interval: "monthly", amount: 100, refillDay: 31 } } },
      context,
    );
    const byDefault = await json(await create(project.slug, { name: "gets defaults" }));
    expect(byDefault.body.key).toMatchObject({
      ratelimits: [{ name: "1m", limit: 60, duration: 60_000 }],
      credits: { remaining: 100, refill: { interval: "monthly", amount: 100, refillDay: 31 } },
    });
    const none = await json(await create(project.slug, { name: "opts out", ratelimits: [], credits: null }));
    expect(none.body.key).toMatchObject({ ratelimits: [], credits: null });

    await db.project.update({ where: { id: project.id }, data: { capLimitsAtDefaults: true } });
    const refused = await json(await create(project.slug, { name: "too loose", ratelimits: [{ limit: 600, duration: 60_000 }], credits: null }));
    expect(refused.status).toBe(422);
    expect(refused.body.error?.issues).toEqual({
      ratelimits: ["This project allows at most 60 per minute per key"],
      credits: ["Keys in this project must have credits (at most 100)"],
    });
    expect(await db.apiKey.count({ where: { name: "too loose" } })).toBe(0);
  });

  it("refuses bad limits with a 422 that names the field, and creates nothing", async () => {
    const before = await db.apiKey.count();
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ratelimits: [{ limit: 0, duration: 1000 }] }, "ratelimits"],
      [{ ratelimits: [{ limit: -5, duration: 1000 }] }, "ratelimits"],
      [{ ratelimits: [{ limit: 1.5, duration: 1000 }] }, "ratelimits"],
      [{ ratelimits: [{ limit: 5, duration: 999 }] }, "ratelimits"],
      [{ ratelimits: [{ limit: 5, duration: 86_400_001 }] }, "ratelimits"],
      [{ ratelimits: { limit: 5 } }, "ratelimits"],
      [{ credits: { remaining: -1 } }, "credits"],
      [{ credits: { remaining: 10, refill: { interval: "monthly", amount: 10, refillDay: 0 } } }, "credits"],
      [{ credits: { remaining: 10, refill: { interval: "monthly", amount: 10, refillDay: 32 } } }, "credits"],
      [{ credits: { remaining: 10, refill: { interval: "daily", amount: 10, refillDay: 5 } } }, "credits"],
      [{ credits: { remaining: 10, refill: { interval: "weekly", amount: 10 } } }, "credits"],
    ];
    for (const [limits, field] of cases) {
      const { status, body } = await json(await create("default", { name: `bad ${Math.random()}`, ...limits }));
      expect(status, JSON.stringify(limits)).toBe(422);
      expect(body.error?.code).toBe("validation_failed");
      expect(Object.keys(body.error?.issues ?? {})).toEqual([field]);
    }
    expect(await db.apiKey.count()).toBe(before);
  });
});

describe("PATCH and top-up", () => {
  it("changes limits with other fields in one step; a bad value changes nothing, not even the other fields", async () => {
    const created = await json(await create("default", { name: `Patched ${Date.now()}`, credits: { remaining: 5 } }));
    const id = String(created.body.key?.id);
    const patch = (body: unknown) => patchKey(req("PATCH", `/keys/${id}`, adminKey, body), p({ keyId: id }));

    const bad = await json(await patch({ name: "renamed", ratelimits: [{ limit: 0, duration: 1000 }] }));
    expect(bad.status).toBe(422);
    expect((await json(await getKey(req("GET", `/keys/${id}`, adminKey), p({ keyId: id })))).body.key).toMatchObject({ name: created.body.key?.name, ratelimits: [], credits: { remaining: 5 } });

    const ok = await json(await patch({ name: "renamed", ratelimits: [{ limit: 2, duration: 60_000 }], credits: { remaining: 50, refill: { interval: "daily", amount: 50 } } }));
    expect(ok.status).toBe(200);
    expect(ok.body.key).toMatchObject({ name: "renamed", ratelimits: [{ name: "1m", limit: 2, duration: 60_000 }], credits: { remaining: 50, refill: { interval: "daily", amount: 50 } } });
    const events = await db.auditEvent.findMany({ where: { targetId: id, action: { in: ["key.updated", "key.limits_updated"] } }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.action)).toEqual(["key.updated", "key.limits_updated"]);
    expect(events[1]?.metadata).toMatchObject({
      changes: {
        ratelimits: { from: [], to: [{ name: "1m", limit: 2, duration: 60_000 }] },
        credits: { from: { remaining: 5, refill: null }, to: { remaining: 50, refill: { interval: "daily", amount: 50 } } },
      },
    });
  });

  it("POST /keys/{id}/credits adds to the balance; bad amounts are 422, a key without credits 409, managers 403", async () => {
    const created = await json(await create("default", { name: `Topped ${Date.now()}`, credits: { remaining: 1 } }));
    const id = String(created.body.key?.id);
    const top = (body: unknown, key = adminKey) => addCredits(req("POST", `/keys/${id}/credits`, key, body), p({ keyId: id }));
    const done = await json(await top({ amount: 99 }));
    expect(done.status).toBe(200);
    expect(done.body.key).toMatchObject({ credits: { remaining: 100 } });
    for (const amount of [0, -1, 2.5, "5", null, 1e13]) {
      const { status, body } = await json(await top({ amount }));
      expect(status).toBe(422);
      expect(Object.keys(body.error?.issues ?? {})).toEqual(["amount"]);
    }
    const manager = await managementKey(await createUser("manager"));
    expect((await top({ amount: 5 }, manager)).status).toBe(403);

    const plain = await json(await create("default", { name: `No credits ${Date.now()}` }));
    const plainId = String(plain.body.key?.id);
    expect((await addCredits(req("POST", `/keys/${plainId}/credits`, adminKey, { amount: 5 }), p({ keyId: plainId }))).status).toBe(409);
    expect((await getKey(req("GET", `/keys/${id}`, adminKey), p({ keyId: id }))).status).toBe(200);
  });
});

describe("the OpenAPI document", () => {
  it("describes cost, the new codes and the limits fields", async () => {
    const doc = JSON.stringify(await (await openapi(new Request(`${BASE}/openapi.json`))).json());
    for (const word of ['"cost"', "RATE_LIMITED", "USAGE_EXCEEDED", '"ratelimits"', '"credits"', '"refillDay"', "/api/v1/keys/{keyId}/credits", '"capLimitsAtDefaults"']) {
      expect(doc).toContain(word);
    }
  });
});
