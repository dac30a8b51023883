// The typed client of docs/typed-client.md, built as an integrator would: `openapi-typescript`
// turns the live server's document into types, a client written with `openapi-fetch` against
// them must compile under `strict` (and a wrong field must not), and then it runs against the live
// server: create, get, patch, roll, revoke, and verify the keys it made. A document that produces
// `components: never` or loose types fails here.
import fs from "node:fs";
import path from "node:path";
import openapiTS, { astToString } from "openapi-typescript";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createApiKey } from "@/lib/services/api-keys";
import { startApiServer, type ApiServer } from "./support/api-server";
import { context, seedBase, userActor } from "./support/fixtures";

let api: ApiServer;
let key: string;
// Inside the repository, so that `openapi-fetch` resolves from node_modules like in a real app.
const dir = fs.mkdtempSync(path.join(import.meta.dirname, ".typed-client-"));

beforeAll(async () => {
  api = await startApiServer();
  const { admin } = await seedBase();
  const system = await db.project.findUniqueOrThrow({ where: { slug: "keydesk-api" } });
  key = (await createApiKey(userActor(admin), { projectId: system.id, name: "typed client", expiry: "90d" }, context)).secret;
});

afterAll(async () => {
  await api.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

// The client an integrator writes (docs/typed-client.md shows the same calls).
const CLIENT = `
import createClient from "openapi-fetch";
import type { components, paths } from "./keydesk-api";

type ApiKey = components["schemas"]["ApiKey"];

export async function run(baseUrl: string, managementKey: string) {
  const keydesk = createClient<paths>({ baseUrl, headers: { authorization: \`Bearer \${managementKey}\` } });

  const created = await keydesk.POST("/api/v1/projects/{projectId}/keys", {
    params: { path: { projectId: "default" }, header: { "Idempotency-Key": "typed-client-create-1" } },
    body: { name: "Typed client", expiry: "7d", metadata: { plan: "pro" }, constraints: [{ type: "prefix", value: "/orders" }] },
  });
  if (!created.data) throw new Error(\`create failed: \${JSON.stringify(created.error)}\`);
  const secret: string = created.data.secret;
  const id: string = created.data.key.id;

  const fetched = await keydesk.GET("/api/v1/keys/{keyId}", { params: { path: { keyId: id } } });
  const patched = await keydesk.PATCH("/api/v1/keys/{keyId}", { params: { path: { keyId: id } }, body: { description: "made by the typed client", enabled: true } });
  const page = await keydesk.GET("/api/v1/projects/{projectId}/keys", { params: { path: { projectId: "default" }, query: { limit: 10, sort: "name", dir: "asc" } } });
  const verified = await keydesk.POST("/api/v1/keys/verify", { body: { key: secret, project: "default", method: "GET", path: "/orders/7" } });
  const rolled = await keydesk.POST("/api/v1/keys/{keyId}/roll", { params: { path: { keyId: id } }, body: { grace: "now" } });
  if (!rolled.data) throw new Error("roll failed");
  const revoked = await keydesk.DELETE("/api/v1/keys/{keyId}", { params: { path: { keyId: rolled.data.key.id } } });
  const afterRevoke = await keydesk.POST("/api/v1/keys/verify", { body: { key: rolled.data.secret, project: "default" } });
  const missing = await keydesk.GET("/api/v1/keys/{keyId}", { params: { path: { keyId: "key_AAAAAAAAAAAAAAAA" } } });

  const status: ApiKey["status"] | undefined = revoked.data?.key.status;
  return {
    id,
    fetchedName: fetched.data?.key.name,
    description: patched.data?.key.description,
    listed: page.data?.keys.map((k: ApiKey) => k.id) ?? [],
    hasMore: page.data?.hasMore,
    verdict: verified.data?.code,
    matched: verified.data?.matchedConstraint?.value,
    previousExpiresAt: rolled.data.previous.expiresAt,
    replacement: rolled.data.key.id,
    revokedStatus: status,
    afterRevoke: afterRevoke.data?.code,
    missing: missing.error?.error.code,
  };
}
`;

// What the types must refuse: a field the API does not have, a wrong type, an unknown path.
const WRONG = `
import createClient from "openapi-fetch";
import type { paths } from "./keydesk-api";
const keydesk = createClient<paths>({ baseUrl: "http://localhost" });
export async function wrong() {
  const created = await keydesk.POST("/api/v1/projects/{projectId}/keys", { params: { path: { projectId: "default" } }, body: { name: 5 } });
  const nope: string | undefined = created.data?.key.nope;
  await keydesk.GET("/api/v1/nowhere", {});
  return nope;
}
`;

function typeErrors(file: string): string[] {
  const program = ts.createProgram([file], {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    skipLibCheck: true,
    types: [],
  });
  return ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n"));
}

describe("a client generated from the document", () => {
  it("compiles, refuses what the API does not take, and works against the live server", async () => {
    const document = await api.call("GET", "/api/v1/openapi.json");
    expect(document.status).toBe(200);
    const types = astToString(await openapiTS(document.body as Parameters<typeof openapiTS>[0]));
    expect(types).toMatch(/\bApiKey: \{/);
    expect(types).not.toMatch(/components: never/);
    fs.writeFileSync(path.join(dir, "keydesk-api.ts"), types);
    fs.writeFileSync(path.join(dir, "client.ts"), CLIENT);
    fs.writeFileSync(path.join(dir, "wrong.ts"), WRONG);

    expect(typeErrors(path.join(dir, "client.ts"))).toEqual([]);
    const wrong = typeErrors(path.join(dir, "wrong.ts"));
    expect(wrong.some((m) => /number.*string|string.*number/.test(m)), wrong.join("\n")).toBe(true);
    expect(wrong.some((m) => m.includes("nope")), wrong.join("\n")).toBe(true);
    expect(wrong.some((m) => m.includes("/api/v1/nowhere")), wrong.join("\n")).toBe(true);

    const client = (await import(/* @vite-ignore */ path.join(dir, "client.ts"))) as { run: (base: string, key: string) => Promise<Record<string, unknown>> };
    const result = await client.run(api.base, key);
    expect(result).toMatchObject({
      fetchedName: "Typed client",
      description: "made by the typed client",
      verdict: "VALID",
      matched: "/orders",
      revokedStatus: "revoked",
      afterRevoke: "REVOKED",
      missing: "not_found",
      hasMore: false,
    });
    expect(result.listed).toContain(result.id);
    expect(new Date(result.previousExpiresAt as string).getTime()).toBeLessThanOrEqual(Date.now());
  });
});
