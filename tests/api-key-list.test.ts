// Settings → API Keys reads (listApiKeys) on a real PostgreSQL: what search matches, the status
// filters, every sort in both directions with paging that neither skips nor repeats a key, the
// bounded total the dashboard shows, and what each row says about its creator and constraints.
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { generatePublicId, generateSecret } from "@/lib/keys/secret";
import { KEY_COUNT_STEP, listApiKeys } from "@/lib/queries/api-keys";
import { apiKeyListParamsSchema, KEY_PAGE_SIZE, KEY_SORTS, type ApiKeyListParams } from "@/lib/validations/api-key-list";
import { createProject, seedBase } from "./support/fixtures";

const NOW = new Date("2026-06-01T12:00:00.000Z");
const DAY = 86_400_000;

let adminId: string;

beforeAll(async () => {
  adminId = (await seedBase()).admin.id;
});

interface KeySpec {
  name: string;
  description?: string;
  createdAt?: Date;
  expiresAt?: Date | null;
  lastUsedAt?: Date | null;
  revokedAt?: Date | null;
  publicId?: string;
}

async function insertKeys(projectId: string, prefix: string, specs: KeySpec[]) {
  const rows = specs.map((spec) => {
    const secret = generateSecret(prefix);
    const id: string = randomUUID();
    return {
      id,
      publicId: spec.publicId ?? generatePublicId(),
      projectId,
      name: spec.name,
      description: spec.description ?? "",
      displayPrefix: secret.displayPrefix,
      last4: secret.last4,
      hash: secret.hash,
      createdById: adminId,
      createdAt: spec.createdAt ?? new Date(NOW.getTime() - DAY),
      expiresAt: spec.expiresAt ?? null,
      lastUsedAt: spec.lastUsedAt ?? null,
      revokedAt: spec.revokedAt ?? null,
    };
  });
  await db.apiKey.createMany({ data: rows });
  return rows;
}

const params = (overrides: Record<string, string> = {}): ApiKeyListParams => apiKeyListParamsSchema.parse(overrides);

async function names(projectId: string, overrides: Record<string, string> = {}) {
  return (await listApiKeys(projectId, params(overrides), { now: NOW })).rows.map((row) => row.name).sort();
}

describe("search", () => {
  let projectId: string;
  let keys: Awaited<ReturnType<typeof insertKeys>>;

  beforeAll(async () => {
    const project = await createProject();
    projectId = project.id;
    keys = await insertKeys(projectId, project.keyPrefix, [
      { name: "Stripe Sync", description: "pushes invoices" },
      { name: "billing", description: "Nightly EXPORT to the warehouse" },
      { name: "100% coverage" },
      { name: "1000 coverage" },
      { name: "snake_case" },
      { name: "snakeXcase" },
      { name: "back\\slash" },
      { name: "backslash" },
      { name: "foo", description: "bar" },
    ]);
  });

  it("matches name, description, prefix and Sid as case-insensitive substrings", async () => {
    expect(await names(projectId, { q: "stripe sync" })).toEqual(["Stripe Sync"]);
    expect(await names(projectId, { q: "WAREHOUSE" })).toEqual(["billing"]);
    const [first] = keys;
    if (!first) throw new Error("no keys");
    expect(await names(projectId, { q: first.displayPrefix.toUpperCase() })).toEqual(["Stripe Sync"]);
    expect(await names(projectId, { q: first.publicId.slice(4).toLowerCase() })).toEqual(["Stripe Sync"]);
  });

  it("takes %, _ and \\ literally", async () => {
    expect(await names(projectId, { q: "%" })).toEqual(["100% coverage"]);
    expect(await names(projectId, { q: "0% c" })).toEqual(["100% coverage"]);
    expect(await names(projectId, { q: "e_c" })).toEqual(["snake_case"]);
    expect(await names(projectId, { q: "\\" })).toEqual(["back\\slash"]);
    expect(await names(projectId, { q: "k\\s" })).toEqual(["back\\slash"]);
  });

  it("never matches across two fields", async () => {
    expect(await names(projectId, { q: "foobar" })).toEqual([]);
    expect(await names(projectId, { q: "foo bar" })).toEqual([]);
    expect(await names(projectId, { q: "oob" })).toEqual([]);
    expect(await names(projectId, { q: "foo" })).toEqual(["foo"]);
  });

  it("stays inside the project", async () => {
    const other = await createProject();
    await insertKeys(other.id, other.keyPrefix, [{ name: "Stripe Sync elsewhere" }]);
    expect(await names(projectId, { q: "stripe" })).toEqual(["Stripe Sync"]);
  });
});

describe("status filters", () => {
  it("tells active, expired and revoked keys apart at the given time", async () => {
    const project = await createProject();
    await insertKeys(project.id, project.keyPrefix, [
      { name: "never expires" },
      { name: "expires later", expiresAt: new Date(NOW.getTime() + DAY) },
      { name: "expired", expiresAt: new Date(NOW.getTime() - 1) },
      { name: "expires now", expiresAt: NOW },
      { name: "revoked", revokedAt: new Date(NOW.getTime() - DAY) },
      { name: "revoked and expired", revokedAt: new Date(NOW.getTime() - 2 * DAY), expiresAt: new Date(NOW.getTime() - DAY) },
    ]);
    expect(await names(project.id, { status: "active" })).toEqual(["expires later", "never expires"]);
    expect(await names(project.id, { status: "expired" })).toEqual(["expired", "expires now"]);
    expect(await names(project.id, { status: "revoked" })).toEqual(["revoked", "revoked and expired"]);
    expect(await names(project.id)).toHaveLength(6);
    const statuses = Object.fromEntries((await listApiKeys(project.id, params(), { now: NOW })).rows.map((row) => [row.name, row.status]));
    expect(statuses).toEqual({
      "never expires": "active",
      "expires later": "active",
      expired: "expired",
      "expires now": "expired",
      revoked: "revoked",
      "revoked and expired": "revoked",
    });
    expect(await names(project.id, { status: "active", q: "LATER" })).toEqual(["expires later"]);
  });
});

describe("sorting and paging", () => {
  let projectId: string;
  let all: Awaited<ReturnType<typeof insertKeys>>;

  beforeAll(async () => {
    const project = await createProject();
    projectId = project.id;
    // 70 keys with many ties (only five distinct creation times and names) and NULLs.
    all = await insertKeys(
      projectId,
      project.keyPrefix,
      Array.from({ length: 70 }, (_, i) => ({
        name: `key ${String(i % 5)}`,
        createdAt: new Date(NOW.getTime() - (i % 5) * DAY),
        expiresAt: i % 3 === 0 ? null : new Date(NOW.getTime() + ((i % 7) + 1) * DAY),
        lastUsedAt: i % 4 === 0 ? null : new Date(NOW.getTime() - (i % 6) * 3_600_000),
      })),
    );
  });

  async function everyPage(overrides: Record<string, string>) {
    const ids: string[] = [];
    for (let page = 1; page <= Math.ceil(all.length / KEY_PAGE_SIZE); page++) {
      const list = await listApiKeys(projectId, params({ ...overrides, page: String(page) }), { now: NOW });
      expect(list.total).toBe(all.length);
      ids.push(...list.rows.map((row) => row.id));
    }
    return ids;
  }

  for (const sort of KEY_SORTS) {
    for (const dir of ["asc", "desc"] as const) {
      it(`orders by ${sort} ${dir}, NULLs last, and pages through every key exactly once`, async () => {
        const ids = await everyPage({ sort, dir });
        expect(new Set(ids).size).toBe(all.length);
        const byId = new Map(all.map((key) => [key.id, key]));
        const values = ids.map((id) => {
          const value = byId.get(id)?.[sort];
          return value instanceof Date ? value.getTime() : value;
        });
        const present = values.filter((v) => v !== null);
        // NULLs (never used, never expiring) come after every value, whichever the direction.
        expect(values.slice(0, present.length)).toEqual(present);
        const sorted = [...present].sort((a, b) => (a === b ? 0 : (a as string | number) < (b as string | number) ? -1 : 1));
        expect(present).toEqual(dir === "asc" ? sorted : sorted.reverse());
      });
    }
  }

  it("is stable: the same request gives the same page", async () => {
    const first = await listApiKeys(projectId, params({ page: "2" }), { now: NOW });
    const again = await listApiKeys(projectId, params({ page: "2" }), { now: NOW });
    expect(again.rows.map((r) => r.id)).toEqual(first.rows.map((r) => r.id));
  });

  it("answers a page past the end with no rows and the real total", async () => {
    const list = await listApiKeys(projectId, params({ page: "9" }), { now: NOW, boundedTotal: true });
    expect(list).toMatchObject({ rows: [], total: all.length, totalIsLowerBound: false });
  });
});

describe("rows", () => {
  it("say who created the key, how many constraints it has and what replaced it", async () => {
    const project = await createProject();
    const [byUser, byKey, replacement] = await insertKeys(project.id, project.keyPrefix, [{ name: "by user" }, { name: "by key" }, { name: "replacement" }]);
    if (!byUser || !byKey || !replacement) throw new Error("no keys");
    await db.apiKey.update({ where: { id: byKey.id }, data: { createdById: null, createdByKeyId: byUser.id } });
    await db.apiKey.update({ where: { id: byUser.id }, data: { replacedById: replacement.id } });
    await db.apiKeyConstraint.createMany({
      data: [
        { keyId: byUser.id, position: 0, type: "prefix", value: "/jobs" },
        { keyId: byUser.id, position: 1, type: "verb", methods: ["GET"] },
      ],
    });
    const rows = Object.fromEntries((await listApiKeys(project.id, params(), { now: NOW })).rows.map((row) => [row.name, row]));
    expect(rows["by user"]).toMatchObject({ createdBy: "Admin", constraintCount: 2, replacedBy: replacement.publicId, publicId: byUser.publicId });
    expect(rows["by key"]).toMatchObject({ createdBy: 'API key "by user"', constraintCount: 0, replacedBy: null });
    expect(rows["by user"]?.maskedKey).toContain(byUser.displayPrefix);
    expect(rows["by user"]?.createdAt).toBe(byUser.createdAt.toISOString());
  });
});

describe("bounded total", () => {
  let projectId: string;
  const count = KEY_COUNT_STEP + 30;

  beforeAll(async () => {
    const project = await createProject();
    projectId = project.id;
    await insertKeys(
      projectId,
      project.keyPrefix,
      Array.from({ length: count }, (_, i) => ({ name: `bulk ${i}`, createdAt: new Date(NOW.getTime() - i * 1000) })),
    );
  }, 60_000);

  it("counts exactly by default (the REST API's total)", async () => {
    const list = await listApiKeys(projectId, params(), { now: NOW });
    expect(list).toMatchObject({ total: count, totalIsLowerBound: false });
  });

  it("says 'more than' once the matches pass the step, and counts further on deeper pages", async () => {
    const first = await listApiKeys(projectId, params(), { now: NOW, boundedTotal: true });
    expect(first).toMatchObject({ total: KEY_COUNT_STEP, totalIsLowerBound: true });
    expect(first.rows).toHaveLength(KEY_PAGE_SIZE);
    const lastOfStep = await listApiKeys(projectId, params({ page: String(KEY_COUNT_STEP / KEY_PAGE_SIZE) }), { now: NOW, boundedTotal: true });
    // The page's last row is the 10,000th: the count must go past it to know a next page exists.
    expect(lastOfStep).toMatchObject({ total: count, totalIsLowerBound: false });
    const filtered = await listApiKeys(projectId, params({ q: "bulk 1000" }), { now: NOW, boundedTotal: true });
    expect(filtered).toMatchObject({ total: 11, totalIsLowerBound: false });
  });
});
