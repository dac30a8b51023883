// The OpenAPI document itself: what an integrator's tooling needs (operationIds, named
// components, servers, security, every status with a body), that it names exactly the routes the
// app serves, and that the contract check used by the suites does catch violations.
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { GET as getDocument } from "@/app/api/v1/openapi.json/route";
import { openApiDocument } from "@/lib/api/openapi";
import { publicOrigin } from "@/lib/api/public-origin";
import { ContractViolation, checkResponse, document, exampleViolations } from "./support/contract";

type Json = Record<string, unknown>;
const METHODS = ["get", "post", "put", "patch", "delete"];

function operationsOf(doc: ReturnType<typeof openApiDocument>) {
  return Object.entries(doc.paths).flatMap(([template, item]) =>
    Object.entries(item as Record<string, Json>)
      .filter(([method]) => METHODS.includes(method))
      .map(([method, operation]) => ({ template, method, operation })),
  );
}

/** Route files under app/api/v1 and the methods they export, as Next serves them. */
function routeFiles(): { template: string; methods: string[] }[] {
  const root = path.resolve(import.meta.dirname, "../app/api/v1");
  const found: { template: string; methods: string[] }[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === "route.ts") {
        const source = fs.readFileSync(full, "utf8");
        const methods = [...source.matchAll(/export (?:async function|const|function) (GET|POST|PUT|PATCH|DELETE)\b/g)].map((m) => m[1]!.toLowerCase());
        const relative = path.relative(root, dir).split(path.sep).map((s) => s.replace(/^\[(\w+)\]$/, "{$1}"));
        found.push({ template: ["/api/v1", ...relative].join("/"), methods });
      }
    }
  };
  walk(root);
  return found;
}

describe("the OpenAPI document", () => {
  it("is 3.1 with an operationId per operation, a summary, tags, and unique ids", () => {
    expect(document.openapi).toBe("3.1.0");
    const ops = operationsOf(document);
    const ids = ops.map((o) => o.operation.operationId);
    expect(ids.every((id) => typeof id === "string" && /^[a-z][A-Za-z]+$/.test(id as string))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toEqual(
      expect.arrayContaining([
        "verifyKey", "listProjects", "listKeys", "createKey", "getKey", "updateKey", "revokeKey", "rollKey", "addCredits",
        "reportLeakedKeys", "getScannerRules", "listWebhookEndpoints", "createWebhookEndpoint", "getWebhookEndpoint",
        "updateWebhookEndpoint", "deleteWebhookEndpoint", "rotateWebhookSecret", "sendWebhookTestEvent", "listWebhookDeliveries", "redeliverWebhook",
      ]),
    );
    for (const { operation } of ops) {
      expect(operation.summary).toBeTruthy();
      expect(operation.tags).toHaveLength(1);
    }
  });

  it("names its component schemas and refers to them from every body", () => {
    const schemas = document.components.schemas;
    expect(Object.keys(schemas)).toEqual(expect.arrayContaining([
        "ApiKey", "Project", "Constraint", "ConstraintInput", "Error", "KeyList", "ProjectList", "VerifyRequest", "VerifyResponse",
        "RateLimit", "Credits", "WebhookEndpoint", "WebhookDelivery", "WebhookEndpointList", "WebhookDeliveryList", "LeakReportRequest",
      ]));
    for (const { template, method, operation } of operationsOf(document)) {
      const responses = operation.responses as Record<string, Json>;
      for (const [status, response] of Object.entries(responses)) {
        const content = response.content as Record<string, { schema: Json }> | undefined;
        if (status === "200" && operation.operationId === "getOpenApiDocument") continue;
        if (status === "200" && operation.operationId === "getScannerRules") {
          expect(Object.keys(content ?? {})).toEqual(["application/toml", "application/yaml"]);
          continue;
        }
        expect(content?.["application/json"]?.schema.$ref, `${method} ${template} ${status}`).toMatch(/^#\/components\/schemas\/\w+$/);
        expect((response.headers as Json)["Request-Id"]).toBeTruthy();
      }
      const body = operation.requestBody as { content: Record<string, { schema: Json }> } | undefined;
      if (body) expect(body.content["application/json"]!.schema.$ref).toMatch(/^#\/components\/schemas\/\w+$/);
    }
  });

  it("documents every status a management operation can answer, with the security scheme", () => {
    expect(document.components.securitySchemes.managementKey).toMatchObject({ type: "http", scheme: "bearer" });
    for (const { method, operation } of operationsOf(document)) {
      const statuses = Object.keys(operation.responses as Json);
      if (Array.isArray(operation.security) && operation.security.length === 0) continue;
      expect(statuses).toEqual(expect.arrayContaining(["401", "403", "429", "500", "503"]));
      if (operation.requestBody) expect(statuses).toEqual(expect.arrayContaining(["400", "413", "422"]));
      if (method === "post" || method === "delete") {
        expect(statuses).toEqual(expect.arrayContaining(["409", "422"]));
        expect(JSON.stringify(operation.parameters)).toContain("#/components/parameters/IdempotencyKey");
      }
    }
    const listKeys = document.paths["/api/v1/projects/{projectId}/keys"]!.get as Json;
    const names = (listKeys.parameters as Json[]).map((p) => p.name);
    expect(names).toEqual(expect.arrayContaining(["projectId", "q", "status", "sort", "dir", "limit", "starting_after", "cursor"]));
  });

  it("describes exactly the routes the app serves", () => {
    const documented = new Map<string, string[]>();
    for (const { template, method } of operationsOf(document)) documented.set(template, [...(documented.get(template) ?? []), method]);
    // The verification endpoint is answered by the custom server, not a route file.
    documented.delete("/api/v1/keys/verify");
    const served = new Map(routeFiles().map((r) => [r.template, r.methods.sort()]));
    expect(Object.fromEntries(served)).toEqual(Object.fromEntries([...documented].map(([t, m]) => [t, m.sort()])));
  });

  it("names the public URL in servers: NEXTAUTH_URL, else the request's origin, never 0.0.0.0", () => {
    const request = new Request("http://0.0.0.0:3000/api/v1/openapi.json", { headers: { host: "keys.example.com:8443" } });
    expect(publicOrigin(request, { NEXTAUTH_URL: "https://keys.example.com/" })).toBe("https://keys.example.com");
    expect(publicOrigin(request, {})).toBe("http://keys.example.com:8443");
    const proxied = new Request("http://0.0.0.0:3000/x", { headers: { host: "10.0.0.5:3000", "x-forwarded-proto": "https", "x-forwarded-host": "api.example.org" } });
    expect(publicOrigin(proxied, { KEYDESK_TRUST_PROXY: "1" })).toBe("https://api.example.org");
    expect(publicOrigin(proxied, {})).toBe("http://10.0.0.5:3000");
    const hostile = new Request("http://0.0.0.0:3000/x", { headers: { host: "evil.example/<script>" } });
    expect(publicOrigin(hostile, {})).toBe("http://0.0.0.0:3000");
  });

  it("is served with no-store and the request's id", async () => {
    const saved = process.env.NEXTAUTH_URL;
    process.env.NEXTAUTH_URL = "https://keys.example.com";
    try {
      const response = await getDocument(new Request("http://0.0.0.0:3000/api/v1/openapi.json", { headers: { "x-keydesk-request-id": "req_test" } }));
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(response.headers.get("request-id")).toBe("req_test");
      expect(((await response.json()) as { servers: unknown }).servers).toEqual([{ url: "https://keys.example.com" }]);
    } finally {
      if (saved === undefined) delete process.env.NEXTAUTH_URL;
      else process.env.NEXTAUTH_URL = saved;
    }
  });
});

describe("the document's examples", () => {
  type Media = { examples?: Record<string, { summary: string; value: unknown }> };
  type Op = { operationId: string; requestBody?: { content: Record<string, Media> }; responses: Record<string, { content?: Record<string, Media> }> };
  const byId = new Map(operationsOf(document).map(({ operation }) => [operation.operationId as string, operation as unknown as Op]));

  it("are given for the main operations' request and success bodies", () => {
    for (const id of ["createKey", "getKey", "listKeys", "updateKey", "rollKey", "revokeKey", "verifyKey", "listProjects"]) {
      const operation = byId.get(id)!;
      if (operation.requestBody) expect(Object.keys(operation.requestBody.content["application/json"]?.examples ?? {}), `${id} request`).not.toHaveLength(0);
      const [status, success] = Object.entries(operation.responses).find(([code]) => code.startsWith("2"))!;
      const examples = success.content?.["application/json"]?.examples ?? {};
      expect(Object.keys(examples), `${id} ${status}`).not.toHaveLength(0);
      for (const example of Object.values(examples)) expect(example.summary).toBeTruthy();
    }
  });

  it("every example in the document matches its schema", () => {
    expect(exampleViolations(document)).toEqual([]);
  });

  it("an example that does not match its schema is reported", () => {
    const broken = structuredClone(document) as unknown as { paths: Record<string, Record<string, Op>> };
    const examples = (media: Media | undefined) => media!.examples!;
    // New objects, not edits: the example values are shared between operations.
    const active = examples(broken.paths["/api/v1/keys/{keyId}"]!.get!.responses["200"]!.content!["application/json"]).active!;
    active.value = { key: { ...(active.value as { key: object }).key, status: "paused" } };
    const minimal = examples(broken.paths["/api/v1/projects/{projectId}/keys"]!.post!.requestBody!.content["application/json"]).minimal!;
    minimal.value = { ...(minimal.value as object), expiry: "forever" };
    expect(exampleViolations(broken as unknown as typeof document)).toEqual([
      expect.stringMatching(/^createKey request example "minimal"/),
      expect.stringMatching(/^getKey 200 example "active"/),
    ]);
  });
});

describe("the contract check", () => {
  const headers = (extra: Record<string, string> = {}) =>
    new Headers({ "request-id": "req_x", "content-type": "application/json", "ratelimit-limit": "1", "ratelimit-remaining": "0", "ratelimit-reset": "1", ...extra });
  const key = {
    id: "key_AAAAAAAAAAAAAAAA", projectId: "0b4f6c1e-7d2a-4c3b-9e8f-1a2b3c4d5e6f", name: "n", description: "", prefix: "kd_abcdef",
    maskedKey: "kd_abcdef…wxyz", status: "active", createdAt: "2026-01-01T00:00:00.000Z", expiresAt: null, lastUsedAt: null,
    revokedAt: null, replacedBy: null, constraints: [], enabled: true, externalId: null, metadata: {}, canary: false, leakedAt: null,
    ratelimits: [], credits: null, projectScope: null,
  };
  const check = (status: number, body: unknown, method = "GET", url = "http://x/api/v1/keys/key_AAAAAAAAAAAAAAAA", extra?: Record<string, string>) =>
    () => checkResponse({ method, url, status, headers: headers(extra), body });

  it("accepts a documented answer and refuses undocumented statuses, extra fields and wrong types", () => {
    expect(check(200, { key })).not.toThrow();
    expect(check(201, { key })).toThrow(ContractViolation);
    expect(check(200, { key: { ...key, secret: "kd_leak" } })).toThrow(/does not match/);
    expect(check(200, { key: { ...key, expiresAt: 5 } })).toThrow(/does not match/);
    expect(check(404, { error: { code: "not_found" } })).toThrow(/does not match/);
    expect(check(401, { error: { code: "unauthorized", message: "x" } })).toThrow(/WWW-Authenticate/);
    expect(check(404, { error: { code: "not_found", message: "x" } }, "GET", "http://x/api/v1/nowhere")).not.toThrow();
    expect(check(405, { error: { code: "method_not_allowed", message: "x" } }, "PUT", "http://x/api/v1/projects")).toThrow(/Allow/);
    expect(check(200, { ok: true }, "GET", "http://x/api/v1/nowhere")).toThrow(/undocumented/);
  });
});
