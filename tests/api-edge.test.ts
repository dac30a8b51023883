// What an integrator meets at the edges of /api/v1: JSON errors for unknown paths (404) and
// methods (405 with Allow, TRACE and OPTIONS included) with the security headers; strict query
// validation (422 naming the parameter, never a silent default); and request ids on every
// answer, in the log lines of the request and in the audit events it caused.
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { isWellFormedRequestId, newRequestId } from "@/lib/request-id";
import { createApiKey } from "@/lib/services/api-keys";
import { startApiServer, type ApiServer } from "./support/api-server";
import { context, seedBase, userActor } from "./support/fixtures";

let api: ApiServer;
let key: string;

type ErrorBody = { error: { code: string; message: string; issues?: Record<string, string[]> } };
const errorOf = (response: { body: unknown }) => (response.body as ErrorBody).error;

beforeAll(async () => {
  api = await startApiServer();
  const { admin } = await seedBase();
  const system = await db.project.findUniqueOrThrow({ where: { slug: "keydesk-api" } });
  key = (await createApiKey(userActor(admin), { projectId: system.id, name: "edge", expiry: "7d" }, context)).secret;
});

afterAll(() => api.close());

/** A raw request, for methods fetch will not send (TRACE). */
function raw(method: string, path: string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${api.base}${path}`, { method }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (body += chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    request.on("error", reject);
    request.end();
  });
}

describe("unknown paths and methods", () => {
  it("answers unknown paths under /api/v1 with a JSON 404", async () => {
    for (const path of ["/api/v1", "/api/v1/", "/api/v1/nope", "/api/v1/projects/", "/api/v1/keys/key_AAAAAAAAAAAAAAAA/roll/x", "/api/v1//projects", "/api/v1/keys/%ZZ"]) {
      const response = await api.call("GET", path, { key });
      expect(response.status, path).toBe(404);
      expect(response.headers.get("content-type")).toMatch(/^application\/json/);
      expect(errorOf(response).code).toBe("not_found");
    }
  });

  it("answers other methods with 405, Allow and the security headers: OPTIONS, PUT, TRACE", async () => {
    const put = await api.call("PUT", "/api/v1/keys/key_AAAAAAAAAAAAAAAA", { key, body: {} });
    expect(put.status).toBe(405);
    expect(put.headers.get("allow")).toBe("GET, PATCH, DELETE, HEAD");
    expect(errorOf(put).code).toBe("method_not_allowed");
    const options = await api.call("OPTIONS", "/api/v1/projects");
    expect(options.status).toBe(405);
    expect(options.headers.get("allow")).toBe("GET, HEAD");

    for (const path of ["/api/v1/projects", "/api/v1/keys/verify", "/api/v1/nope"]) {
      const trace = await raw("TRACE", path);
      expect(trace.status, path).toBe(path === "/api/v1/nope" ? 404 : 405);
      expect(trace.headers["content-type"]).toBe("application/json");
      expect(JSON.parse(trace.body)).toMatchObject({ error: { code: expect.any(String), message: expect.any(String) } });
      expect(trace.headers["x-content-type-options"]).toBe("nosniff");
      expect(trace.headers["x-frame-options"]).toBe("DENY");
      expect(trace.headers["content-security-policy"]).toContain("frame-ancestors 'none'");
      expect(trace.headers["cache-control"]).toBe("no-store");
      expect(trace.headers["request-id"]).toMatch(/^req_/);
    }
    expect((await api.call("GET", "/api/v1/keys/verify")).headers.get("allow")).toBe("POST");
  });

  it("answers HEAD where GET is answered", async () => {
    const head = await raw("HEAD", "/api/v1/openapi.json");
    expect(head.status).toBe(200);
    expect(head.body).toBe("");
  });
});

describe("strict query parameters", () => {
  const list = (query: string) => api.call("GET", `/api/v1/projects/default/keys${query}`, { key });

  it("refuses invalid, unknown and repeated parameters with 422 naming the parameter", async () => {
    const cases: [string, string][] = [
      ["?status=AAA", "status"],
      ["?page=-27091", "page"],
      ["?page=2", "page"],
      [`?q=${"x".repeat(101)}`, "q"],
      ["?limit=0", "limit"],
      ["?limit=101", "limit"],
      ["?limit=ten", "limit"],
      ["?sort=secret", "sort"],
      ["?dir=up", "dir"],
      ["?q=a&q=b", "q"],
      ["?starting_after=not-a-cursor", "starting_after"],
      ["?cursor=eyJ4Ijp0cnVlfQ", "cursor"],
    ];
    for (const [query, parameter] of cases) {
      const response = await list(query);
      expect(response.status, query).toBe(422);
      expect(errorOf(response).code).toBe("validation_failed");
      expect(errorOf(response).issues, query).toHaveProperty([parameter]);
      expect(errorOf(response).message).toContain(parameter);
    }
    expect((await api.call("GET", "/api/v1/projects?status=active", { key })).status).toBe(422);
    // Every wrong parameter at once, not only the first.
    const all = await list("?status=AAA&page=-27091&limit=500");
    expect(Object.keys(errorOf(all).issues ?? {}).sort()).toEqual(["limit", "page", "status"]);
  });

  it("accepts every documented value", async () => {
    for (const query of ["", "?status=all", "?status=revoked&sort=name&dir=asc&limit=100", "?q=x&sort=lastUsedAt", "?limit=1"]) {
      expect((await list(query)).status, query).toBe(200);
    }
  });

  it("refuses unknown and mistyped body fields, and null constraints", async () => {
    const cases: [unknown, string][] = [
      [{ name: "a", extra: 1 }, "extra"],
      [{ name: "a", constraints: null }, "constraints"],
      [{ name: 5 }, "name"],
      [{ name: "a", constraints: [{ type: "exact", value: "" }] }, "constraints"],
      [{ name: "a", constraints: [{ type: "verb", methods: [] }] }, "constraints"],
    ];
    for (const [body, field] of cases) {
      const response = await api.call("POST", "/api/v1/projects/default/keys", { key, body });
      expect(response.status, JSON.stringify(body)).toBe(422);
      expect(errorOf(response).issues, JSON.stringify(body)).toHaveProperty([field]);
    }
    // Field names that are Object.prototype's own were once a 500 (found by the hostile-input property test).
    const proto = await api.call("POST", "/api/v1/projects/default/keys", { key, body: '{"name":"a","constructor":"0001-01-01","__proto__":{"x":1}}' });
    expect(proto.status).toBe(422);
    expect(Object.hasOwn(errorOf(proto).issues ?? {}, "constructor")).toBe(true);
    const nested = await api.call("POST", "/api/v1/projects/default/keys", { key, body: { name: "a", constraints: [{ type: "exact", value: "" }] } });
    expect(errorOf(nested).issues?.constraints?.[0]).toMatch(/^constraints\[0\]\.value: /);
    const verb = await api.call("POST", "/api/v1/projects/default/keys", { key, body: { name: "verb only", constraints: [{ type: "verb", methods: ["GET"] }] } });
    expect(verb.status).toBe(201);
  });
});

describe("request ids", () => {
  it("mints well-formed, distinct ids", () => {
    const ids = new Set(Array.from({ length: 1000 }, newRequestId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(isWellFormedRequestId(id) && /^req_[0-9A-Za-z]{20}$/.test(id)).toBe(true);
    for (const bad of ["", " x", "a\nb", "a b", "x".repeat(129), "<script>", "é", "-leading"]) expect(isWellFormedRequestId(bad)).toBe(false);
  });

  it("keeps a well-formed X-Request-Id and replaces anything else", async () => {
    const kept = await api.call("GET", "/api/v1/projects", { key, headers: { "x-request-id": "trace-4bf92f35:00f067aa" } });
    expect(kept.headers.get("request-id")).toBe("trace-4bf92f35:00f067aa");
    for (const bad of ["has space", "x".repeat(200), "quote\"d"]) {
      const replaced = await api.call("GET", "/api/v1/projects", { key, headers: { "x-request-id": bad } });
      expect(replaced.headers.get("request-id")).toMatch(/^req_[0-9A-Za-z]{20}$/);
    }
    // A client cannot plant an id through the internal header either.
    const planted = await api.call("GET", "/api/v1/projects", { key, headers: { "x-keydesk-request-id": "planted" } });
    expect(planted.headers.get("request-id")).not.toBe("planted");
  });

  it("tags the request's log lines and audit events with its id", async () => {
    const id = `it-${Date.now()}`;
    const created = await api.call("POST", "/api/v1/projects/default/keys", { key, body: { name: `traced ${id}` }, headers: { "x-request-id": id } });
    expect(created.status).toBe(201);
    expect(created.headers.get("request-id")).toBe(id);
    await expect.poll(() => api.logs.find((line) => line.includes(`[${id}]`))).toMatch(new RegExp(`^\\[keydesk\\] \\[${id}\\] POST /api/v1/projects/default/keys 201 `));

    const keyId = (created.body as { key: { id: string } }).key.id;
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "key.created", targetId: keyId } });
    expect(event.metadata).toMatchObject({ requestId: id });

    const denied = await api.call("DELETE", `/api/v1/keys/${keyId}`, { key: "kd_nope", headers: { "x-request-id": `${id}-2` } });
    expect(denied.headers.get("request-id")).toBe(`${id}-2`);
    await expect.poll(() => api.logs.some((line) => line.startsWith(`[keydesk] [${id}-2] DELETE /api/v1/keys/${keyId} 401`))).toBe(true);
  });

  it("answers the verification endpoint with a request id too", async () => {
    const response = await api.call("POST", "/api/v1/keys/verify", { body: { key: "nope", project: "default" }, headers: { "x-request-id": "verify-1" } });
    expect(response.status).toBe(200);
    expect(response.headers.get("request-id")).toBe("verify-1");
    // Answered before the API's edge, with the same security headers as every /api/v1 answer.
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    expect(response.headers.get("content-security-policy")).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(response.headers.get("x-content-type-options")).toBe("nosniff");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("content-type")).toBe("application/json");
    const fresh = await api.call("POST", "/api/v1/keys/verify", { body: { key: "nope", project: "default" }, headers: { "x-request-id": "bad id with spaces" } });
    expect(fresh.headers.get("request-id")).toMatch(/^req_[0-9A-Za-z]{20}$/);
  });
});
