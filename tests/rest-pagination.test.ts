// Cursor pagination and rate-limit headers over real HTTP (tests/support/api-server.ts): `limit`
// 1–100, opaque cursors that never repeat or skip a key while keys are created between pages, in
// every sort; `hasMore`/`nextCursor` on every list; RateLimit-* on every management answer and
// 429 with Retry-After past the limit.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createApiKey } from "@/lib/services/api-keys";
import { startApiServer, type ApiServer } from "./support/api-server";
import { context, seedBase, userActor } from "./support/fixtures";

let api: ApiServer;
let key: string;
let admin: Awaited<ReturnType<typeof seedBase>>["admin"];
let systemProjectId: string;
let projectId: string;

type Page = { keys: { id: string; name: string }[]; hasMore: boolean; nextCursor: string | null; error?: { code: string; issues?: Record<string, string[]> } };

beforeAll(async () => {
  api = await startApiServer();
  admin = (await seedBase()).admin;
  systemProjectId = (await db.project.findUniqueOrThrow({ where: { slug: "keydesk-api" } })).id;
  key = (await createApiKey(userActor(admin), { projectId: systemProjectId, name: "pager", expiry: "7d" }, context)).secret;
  const project = await db.project.create({ data: { name: "Paging", slug: "paging", keyPrefix: "pg", activeKeyLimit: 1000 } });
  projectId = project.id;
  for (let i = 0; i < 23; i += 1) {
    await createApiKey(userActor(admin), { projectId, name: `key ${String(i).padStart(2, "0")}`, expiry: i % 3 === 0 ? "never" : "30d" }, context);
  }
});

afterAll(() => api.close());

async function page(query: string): Promise<Page> {
  const response = await api.call("GET", `/api/v1/projects/paging/keys?${query}`, { key });
  expect(response.status, JSON.stringify(response.body)).toBe(200);
  return response.body as Page;
}

describe("cursor pagination", () => {
  for (const [sort, dir] of [["createdAt", "desc"], ["createdAt", "asc"], ["name", "asc"], ["name", "desc"], ["expiresAt", "asc"], ["lastUsedAt", "desc"]] as const) {
    it(`pages ${sort} ${dir} through every key exactly once while keys are created between pages`, async () => {
      const before = new Set((await db.apiKey.findMany({ where: { projectId }, select: { publicId: true } })).map((k) => k.publicId));
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const current: Page = await page(`sort=${sort}&dir=${dir}&limit=5${cursor ? `&starting_after=${cursor}` : ""}`);
        expect(current.keys.length).toBeLessThanOrEqual(5);
        expect(current.hasMore).toBe(current.nextCursor !== null);
        seen.push(...current.keys.map((k) => k.id));
        cursor = current.nextCursor;
        pages += 1;
        // Someone creates keys meanwhile, sorting before, between and after this page.
        await createApiKey(userActor(admin), { projectId, name: `key ${String(pages * 7 + 0.5)} ${sort}${dir}`, expiry: "30d" }, context);
        await createApiKey(userActor(admin), { projectId, name: `a ${pages} ${sort}${dir}`, expiry: "never" }, context);
      } while (cursor && pages < 50);
      expect(new Set(seen).size).toBe(seen.length); // no key twice
      for (const id of before) expect(seen).toContain(id); // none skipped
    });
  }

  it("takes `cursor` as another name for `starting_after`, and the default limit is 25", async () => {
    const first = await page("limit=3");
    const viaCursor = await page(`limit=3&cursor=${first.nextCursor}`);
    const viaStartingAfter = await page(`limit=3&starting_after=${first.nextCursor}`);
    expect(viaCursor).toEqual(viaStartingAfter);
    expect((await page("")).keys).toHaveLength(25);
    const all = await page("limit=100");
    expect(all.keys.length).toBeLessThanOrEqual(100);
  });

  it("refuses a limit outside 1–100, a foreign or forged cursor, and both cursor names at once", async () => {
    const first = await page("limit=2&sort=name&dir=asc");
    for (const [query, parameter] of [
      ["limit=0", "limit"],
      ["limit=101", "limit"],
      ["limit=ten", "limit"],
      ["limit=2.5", "limit"],
      [`starting_after=${first.nextCursor}`, "starting_after"], // minted for name:asc, used with createdAt:desc
      ["starting_after=bm90LWEtY3Vyc29y", "starting_after"],
      ["cursor=%00", "cursor"],
      [`starting_after=${first.nextCursor}&cursor=${first.nextCursor}&sort=name&dir=asc`, "cursor"],
    ] as const) {
      const refused = await api.call("GET", `/api/v1/projects/paging/keys?${query}`, { key });
      expect(refused.status, query).toBe(422);
      expect(Object.keys((refused.body as Page).error?.issues ?? {}), query).toContain(parameter);
    }
  });

  it("pages projects and webhook endpoints the same way", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response = await api.call("GET", `/api/v1/projects?limit=1${cursor ? `&starting_after=${cursor}` : ""}`, { key });
      const body = response.body as { projects: { id: string }[]; hasMore: boolean; nextCursor: string | null };
      seen.push(...body.projects.map((p) => p.id));
      cursor = body.nextCursor;
    } while (cursor);
    expect(seen.sort()).toEqual((await db.project.findMany({ select: { id: true } })).map((p) => p.id).sort());
    const endpoints = await api.call("GET", "/api/v1/webhooks?limit=1", { key });
    expect(endpoints.status).toBe(200);
    expect(endpoints.body).toEqual({ endpoints: [], hasMore: false, nextCursor: null });
  });
});

describe("rate-limit headers", () => {
  it("count a management key's calls, and answer 429 with Retry-After past the limit", async () => {
    const saved = process.env.KEYDESK_API_RATE_LIMIT;
    process.env.KEYDESK_API_RATE_LIMIT = "3/60s";
    try {
      const limited = (await createApiKey(userActor(admin), { projectId: systemProjectId, name: "limited", expiry: "7d" }, context)).secret;
      const remaining: string[] = [];
      for (let i = 0; i < 3; i += 1) {
        const ok = await api.call("GET", "/api/v1/projects", { key: limited });
        expect(ok.status).toBe(200);
        expect(ok.headers.get("ratelimit-limit")).toBe("3");
        expect(Number(ok.headers.get("ratelimit-reset"))).toBeGreaterThan(0);
        remaining.push(ok.headers.get("ratelimit-remaining") ?? "");
      }
      expect(remaining).toEqual(["2", "1", "0"]);
      const refused = await api.call("POST", "/api/v1/projects/default/keys", { key: limited, body: { name: "over the limit" } });
      expect(refused.status).toBe(429);
      expect((refused.body as Page).error?.code).toBe("rate_limited");
      expect(Number(refused.headers.get("retry-after"))).toBeGreaterThan(0);
      expect(Number(refused.headers.get("retry-after"))).toBeLessThanOrEqual(60);
      expect(await db.apiKey.count({ where: { name: "over the limit" } })).toBe(0);
      // Another key has its own budget.
      const fresh = (await createApiKey(userActor(admin), { projectId: systemProjectId, name: "fresh", expiry: "7d" }, context)).secret;
      const other = await api.call("GET", "/api/v1/projects", { key: fresh });
      expect(other.status).toBe(200);
      expect(other.headers.get("ratelimit-remaining")).toBe("2");

      // A key's own first rate limit is its limit: an administrator changes it per key (and the
      // default for new keys in the Keydesk API project's usage limits).
      const own = (await createApiKey(userActor(admin), { projectId: systemProjectId, name: "own limit", expiry: "7d", ratelimits: [{ limit: 2, duration: 3_600_000 }] }, context)).secret;
      const first = await api.call("GET", "/api/v1/projects", { key: own });
      expect(first.headers.get("ratelimit-limit")).toBe("2");
      expect(Number(first.headers.get("ratelimit-reset"))).toBeLessThanOrEqual(3600);
      await api.call("GET", "/api/v1/projects", { key: own });
      const third = await api.call("GET", "/api/v1/projects", { key: own });
      expect(third.status).toBe(429);
      expect(Number(third.headers.get("retry-after"))).toBeLessThanOrEqual(3600);
    } finally {
      if (saved === undefined) delete process.env.KEYDESK_API_RATE_LIMIT;
      else process.env.KEYDESK_API_RATE_LIMIT = saved;
    }
  });
});
