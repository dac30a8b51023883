// The 503 answers while the embedded PostgreSQL restarts, through a real node:http server.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { answerUnavailable, needsDatabase, RETRY_AFTER_SECONDS } from "@/server/unavailable";

let server: http.Server;
let base: string;
const passedThrough: string[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (needsDatabase(req)) return answerUnavailable(req, res);
    passedThrough.push(req.url ?? "");
    res.end("passed through");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("answers while the database is down", () => {
  it("pages: 503, Retry-After, a self-contained page that runs and loads nothing", async () => {
    const response = await fetch(`${base}/settings/api-keys?q=x`);
    expect(response.status).toBe(503);
    expect(response.headers.get("retry-after")).toBe(String(RETRY_AFTER_SECONDS));
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(response.headers.get("content-type")).toBe("text/html; charset=utf-8");
    expect(response.headers.get("content-security-policy")).toContain("default-src 'none'");
    expect(response.headers.get("x-frame-options")).toBe("DENY");
    const html = await response.text();
    expect(html).toContain("<h1>Database unavailable</h1>");
    expect(html).toContain(`<meta http-equiv="refresh" content="${RETRY_AFTER_SECONDS}">`);
    expect(html).not.toMatch(/<script|src=|href=/);
  });

  it("the API: 503 in its JSON error shape, also for writes", async () => {
    for (const [method, path] of [["GET", "/api/v1/projects"], ["POST", "/api/v1/projects/default/keys"], ["GET", "/api/auth/session"]]) {
      const response = await fetch(`${base}${path}`, { method, body: method === "POST" ? JSON.stringify({ name: "x" }) : undefined });
      expect(response.status).toBe(503);
      expect(response.headers.get("content-type")).toBe("application/json");
      expect(await response.json()).toEqual({
        error: { code: "unavailable", message: "The database is unavailable right now. Nothing was changed; retry shortly." },
      });
    }
  });

  it("HEAD gets the status without a body", async () => {
    const response = await fetch(`${base}/sign-in`, { method: "HEAD" });
    expect(response.status).toBe(503);
    expect(await response.text()).toBe("");
  });

  it("lets through what needs no database: assets, icons, the API document, and server actions", async () => {
    passedThrough.length = 0;
    for (const path of ["/_next/static/chunks/a.js", "/icon.svg?icon.123.svg", "/favicon.ico", "/api/v1/openapi.json"]) {
      expect((await fetch(`${base}${path}`)).status).toBe(200);
    }
    // A server action shows the outage in its own form (lib/actions/run-action.ts).
    expect((await fetch(`${base}/admin/projects`, { method: "POST", headers: { "next-action": "abc" } })).status).toBe(200);
    expect(passedThrough).toHaveLength(5);
    // Look-alikes still need the database.
    expect((await fetch(`${base}/icon.svg.evil`)).status).toBe(503);
    expect((await fetch(`${base}/api/v1/openapi.jsonx`)).status).toBe(503);
  });
});
