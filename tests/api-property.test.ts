// A property test generated from the OpenAPI document, as Schemathesis runs one: fast-check draws
// an operation, its path parameters (existing ids or anything), query parameters and a body from
// the document's own schemas (mostly valid, sometimes not), a key or none, and sends it to the
// live server. Every answer must be documented (the contract check in api.call), never a 5xx, and
// a 4xx must leave the data as it was.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createApiKey } from "@/lib/services/api-keys";
import { startApiServer, type ApiServer } from "./support/api-server";
import { document } from "./support/contract";
import { context, seedBase, userActor } from "./support/fixtures";
import { schemaArbitrary } from "./support/schema-arbitrary";

type Json = Record<string, unknown>;
let api: ApiServer;
let adminKey: string;
let keySids: string[] = [];

const components = document.components.schemas as Record<string, Json>;
const METHODS = ["get", "post", "patch", "delete"] as const;
const operations = Object.entries(document.paths).flatMap(([template, item]) =>
  METHODS.filter((method) => (item as Json)[method]).map((method) => ({ template, method, operation: (item as Record<string, Json>)[method]! })),
);

beforeAll(async () => {
  api = await startApiServer();
  const { admin } = await seedBase();
  const system = await db.project.findUniqueOrThrow({ where: { slug: "keydesk-api" } });
  adminKey = (await createApiKey(userActor(admin), { projectId: system.id, name: "property", expiry: "30d" }, context)).secret;
  const defaultProject = await db.project.findUniqueOrThrow({ where: { slug: "default" } });
  for (let i = 0; i < 4; i += 1) {
    await createApiKey(userActor(admin), { projectId: defaultProject.id, name: `seed ${i}`, expiry: "30d", constraints: i === 0 ? [{ type: "prefix", value: "/a" }] : [] }, context);
  }
  keySids = (await db.apiKey.findMany({ select: { publicId: true } })).map((k) => k.publicId);
});

afterAll(() => api.close());

/** What a 4xx must not change. Not: usage and lastUsedAt (every call counts), the rate-limit and idempotency bookkeeping, and `api.denied` audit events (refusals are audited on purpose). */
async function snapshot(): Promise<string> {
  const [keys, projects, endpoints, limits, credits, audit] = await Promise.all([
    db.apiKey.findMany({
      orderBy: { id: "asc" },
      select: { id: true, name: true, description: true, enabled: true, externalId: true, metadata: true, expiresAt: true, revokedAt: true, replacedById: true, canary: true, constraints: { select: { type: true, value: true, methods: true } } },
    }),
    db.project.findMany({ orderBy: { id: "asc" } }),
    db.webhookEndpoint.findMany({ orderBy: { id: "asc" }, select: { id: true, url: true, enabled: true, eventTypes: true, projectId: true, description: true, secretCiphertext: true } }),
    db.apiKeyRateLimit.findMany({ orderBy: [{ keyId: "asc" }, { position: "asc" }] }),
    db.apiKeyCredits.findMany({ orderBy: { keyId: "asc" }, select: { keyId: true, refillInterval: true, refillAmount: true, refillDay: true } }),
    db.auditEvent.count({ where: { action: { not: "api.denied" } } }),
  ]);
  return JSON.stringify({ keys, projects, endpoints, limits, credits, audit });
}

function pathArbitrary(template: string): fc.Arbitrary<string> {
  const names = [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
  const values = names.map((name) =>
    fc.oneof(
      { weight: 3, arbitrary: name === "keyId" ? fc.constantFrom(...keySids) : name === "projectId" ? fc.constantFrom("default", "keydesk-api") : fc.uuid() },
      { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 30 }) },
    ),
  );
  return fc.tuple(...values).map((parts) => {
    let path = template;
    parts.forEach((part, i) => (path = path.replace(`{${names[i]}}`, encodeURIComponent(part))));
    return path;
  });
}

function queryArbitrary(operation: Json): fc.Arbitrary<string> {
  const parameters = ((operation.parameters as Json[]) ?? []).filter((p) => p.in === "query");
  const entries = parameters.map((p) =>
    fc.option(schemaArbitrary(p.schema as Json, components).map((value) => [p.name as string, typeof value === "object" ? JSON.stringify(value) : String(value)] as const), { freq: 2 }),
  );
  const unknown = fc.option(fc.constant(["page", "2"] as const), { freq: 10 });
  return fc.tuple(fc.tuple(...entries), unknown).map(([pairs, extra]) => {
    const search = new URLSearchParams();
    for (const pair of [...pairs, extra]) if (pair) search.append(pair[0], pair[1]);
    const text = search.toString();
    return text ? `?${text}` : "";
  });
}

function bodyArbitrary(operation: Json): fc.Arbitrary<unknown> {
  const content = (operation.requestBody as { content: Record<string, { schema: Json }> } | undefined)?.content;
  if (!content) return fc.constant(undefined);
  return fc.oneof({ weight: 9, arbitrary: schemaArbitrary(content["application/json"]!.schema, components) }, { weight: 1, arbitrary: fc.constantFrom("{not json", "[]", "") });
}

const requestArbitrary = fc.constantFrom(...operations).chain(({ template, method, operation }) =>
  fc.record({
    method: fc.constant(method.toUpperCase()),
    path: pathArbitrary(template),
    query: queryArbitrary(operation),
    body: bodyArbitrary(operation),
    auth: fc.constantFrom("admin", "admin", "admin", "none", "garbage"),
    idempotencyKey: fc.option(fc.constantFrom("p-1", "p-2", "p-3"), { freq: 3 }),
  }),
);

describe("requests drawn from the document", () => {
  it("never answer 5xx or an undocumented status, and change nothing when refused", async () => {
    const seen = new Set<string>();
    await fc.assert(
      fc.asyncProperty(requestArbitrary, async (request) => {
        const before = await snapshot();
        const response = await api.call(request.method, `${request.path}${request.query}`, {
          key: request.auth === "admin" ? adminKey : request.auth === "garbage" ? "kd_garbage" : undefined,
          body: request.body,
          headers: request.idempotencyKey ? { "idempotency-key": request.idempotencyKey } : {},
        });
        seen.add(`${request.method} ${response.status}`);
        expect(response.status, JSON.stringify(response.body)).toBeLessThan(500);
        if (response.status >= 400) expect(await snapshot()).toBe(before);
      }),
      { numRuns: Number(process.env.KEYDESK_PROPERTY_RUNS ?? 200), seed: process.env.KEYDESK_PROPERTY_SEED ? Number(process.env.KEYDESK_PROPERTY_SEED) : undefined },
    );
    // The draw reached past validation: some requests succeeded, some were refused.
    expect([...seen].some((s) => / 2\d\d$/.test(s))).toBe(true);
    expect([...seen].some((s) => / 4\d\d$/.test(s))).toBe(true);
  }, 240_000);
});
