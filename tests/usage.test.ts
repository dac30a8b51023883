// Usage counting on a real PostgreSQL: verifications are counted in memory and written in one
// transaction per flush, exactly, and a failed flush keeps its counts for the next one.
import { PrismaPg } from "@prisma/adapter-pg";
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { generateSecret } from "@/lib/keys/secret";
import { flushUsage, recordUsage, startUsageFlusher, stopUsageFlusher, usageStats } from "@/lib/keys/usage";
import { verifyKey } from "@/lib/keys/verify";
import { createApiKey, revokeApiKey, updateApiKey } from "@/lib/services/api-keys";
import { context, seedBase, userActor } from "./support/fixtures";

let actor: ReturnType<typeof userActor>;
let projectId: string;
let counter = 0;

beforeAll(async () => {
  const base = await seedBase();
  actor = userActor(base.admin);
  projectId = base.project.id;
});

async function createKey(overrides: Record<string, unknown> = {}) {
  counter += 1;
  const created = await createApiKey(actor, { projectId, name: `Usage test ${counter}`, expiry: "30d", constraints: [], ...overrides }, context);
  return created;
}

async function usageRows(keyId: string) {
  const rows = await db.keyUsageDaily.findMany({ where: { keyId }, orderBy: { day: "asc" } });
  return rows.map((row) => ({ day: row.day.toISOString().slice(0, 10), valid: row.valid, revoked: row.revoked, expired: row.expired, disabled: row.disabled, forbidden: row.forbidden }));
}

describe("usage counting", () => {
  it("writes 510 verifications in one flush of one transaction, with exact counts and lastUsedAt", async () => {
    const open = await createKey();
    const scoped = await createKey({ constraints: [{ type: "verb", methods: ["GET"] }] });
    const revoked = await createKey();
    await revokeApiKey(actor, { keyId: revoked.publicId }, context);
    const expiring = await createKey();
    const disabled = await createKey();
    await updateApiKey(actor, disabled.publicId, { enabled: false }, context);
    const updatedBefore = await db.apiKey.findMany({ where: { id: { in: [open.id, scoped.id] } }, select: { id: true, updatedAt: true } });

    // Verification times within the keys' lifetime (they expire in 30 days): today, 00:01 UTC.
    const day = new Date(Math.floor(Date.now() / 86_400_000) * 86_400_000 + 60_000);
    const today = day.toISOString().slice(0, 10);
    const at = (ms: number) => new Date(day.getTime() + ms);
    const afterExpiry = new Date(expiring.expiresAt!.getTime() + 1000);
    const before = usageStats();

    // 300 + 100 + 50 + 30 + 20 + 10 = 510 verifications of known keys, plus uncounted misses.
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < 300; i += 1) calls.push(verifyKey({ project: "default", key: open.secret }, at(i)));
    for (let i = 0; i < 100; i += 1) calls.push(verifyKey({ project: "default", key: scoped.secret, method: "GET" }, at(1000 + i)));
    for (let i = 0; i < 50; i += 1) calls.push(verifyKey({ project: "default", key: scoped.secret, method: "POST" }, at(5000 + i)));
    for (let i = 0; i < 30; i += 1) calls.push(verifyKey({ project: "default", key: revoked.secret }, at(i)));
    for (let i = 0; i < 20; i += 1) calls.push(verifyKey({ project: "default", key: expiring.secret }, afterExpiry));
    for (let i = 0; i < 10; i += 1) calls.push(verifyKey({ project: "default", key: disabled.secret }, at(i)));
    calls.push(verifyKey({ project: "default", key: "kd_not-a-key" }), verifyKey({ project: "default", key: generateSecret("kd").secret }));
    await Promise.all(calls);

    // Nothing written yet: verification itself never writes.
    expect(await db.keyUsageDaily.count()).toBe(0);
    expect(usageStats().statements).toBe(before.statements);
    expect(usageStats().pending).toBe(5);

    expect(await flushUsage()).toBe(5);
    const after = usageStats();
    expect(after.flushes - before.flushes).toBe(1);
    // One INSERT … ON CONFLICT for the counts, one UPDATE for lastUsedAt, in one transaction.
    expect(after.statements - before.statements).toBe(2);
    expect(after.pending).toBe(0);

    expect(await usageRows(open.id)).toEqual([{ day: today, valid: 300, revoked: 0, expired: 0, disabled: 0, forbidden: 0 }]);
    expect(await usageRows(scoped.id)).toEqual([{ day: today, valid: 100, revoked: 0, expired: 0, disabled: 0, forbidden: 50 }]);
    expect(await usageRows(revoked.id)).toEqual([{ day: today, valid: 0, revoked: 30, expired: 0, disabled: 0, forbidden: 0 }]);
    expect(await usageRows(disabled.id)).toEqual([{ day: today, valid: 0, revoked: 0, expired: 0, disabled: 10, forbidden: 0 }]);
    expect(await usageRows(expiring.id)).toEqual([
      { day: afterExpiry.toISOString().slice(0, 10), valid: 0, revoked: 0, expired: 20, disabled: 0, forbidden: 0 },
    ]);

    const keys = await db.apiKey.findMany({
      where: { id: { in: [open.id, scoped.id, revoked.id, expiring.id] } },
      select: { id: true, lastUsedAt: true, updatedAt: true },
    });
    const byId = new Map(keys.map((k) => [k.id, k]));
    // lastUsedAt is the last VALID use; denied verifications leave it alone.
    expect(byId.get(open.id)?.lastUsedAt?.toISOString()).toBe(at(299).toISOString());
    expect(byId.get(scoped.id)?.lastUsedAt?.toISOString()).toBe(at(1099).toISOString());
    expect(byId.get(revoked.id)?.lastUsedAt).toBeNull();
    expect(byId.get(expiring.id)?.lastUsedAt).toBeNull();
    // Being used is not an edit.
    for (const row of updatedBefore) expect(byId.get(row.id)?.updatedAt).toEqual(row.updatedAt);

    // An empty flush sends nothing.
    expect(await flushUsage()).toBe(0);
    expect(usageStats().statements).toBe(after.statements);
  });

  it("adds to existing rows, splits by UTC day and never moves lastUsedAt backwards", async () => {
    const key = await createKey();
    const lateEvening = new Date("2030-02-01T23:59:59.999Z");
    recordUsage(key.id, "VALID", lateEvening);
    recordUsage(key.id, "VALID", new Date("2030-02-02T00:00:00.000Z"));
    recordUsage(key.id, "FORBIDDEN", new Date("2030-02-02T08:00:00.000Z"));
    await flushUsage();
    recordUsage(key.id, "VALID", new Date("2030-02-02T09:00:00.000Z"));
    recordUsage(key.id, "VALID", new Date("2030-02-01T12:00:00.000Z"));
    await flushUsage();

    expect(await usageRows(key.id)).toEqual([
      { day: "2030-02-01", valid: 2, revoked: 0, expired: 0, disabled: 0, forbidden: 0 },
      { day: "2030-02-02", valid: 2, revoked: 0, expired: 0, disabled: 0, forbidden: 1 },
    ]);
    const row = await db.apiKey.findUniqueOrThrow({ where: { id: key.id }, select: { lastUsedAt: true } });
    expect(row.lastUsedAt?.toISOString()).toBe("2030-02-02T09:00:00.000Z");

    // An older use arriving later does not move it back.
    recordUsage(key.id, "VALID", new Date("2030-02-01T00:00:00.000Z"));
    await flushUsage();
    const again = await db.apiKey.findUniqueOrThrow({ where: { id: key.id }, select: { lastUsedAt: true } });
    expect(again.lastUsedAt?.toISOString()).toBe("2030-02-02T09:00:00.000Z");
  });

  it("keeps the counts of a flush the database refused and writes them exactly once later", async () => {
    const key = await createKey();
    const day = new Date("2030-03-03T12:00:00.000Z");
    for (let i = 0; i < 7; i += 1) recordUsage(key.id, "VALID", day);
    recordUsage(key.id, "EXPIRED", day);

    // A client whose database is unreachable (nothing listens on port 1).
    const unreachable = new PrismaClient({
      adapter: new PrismaPg({ connectionString: "postgresql://keydesk:keydesk@127.0.0.1:1/keydesk", connectionTimeoutMillis: 1_000 }),
    });
    const before = usageStats();
    try {
      await expect(flushUsage({ client: unreachable })).rejects.toThrow();
      // Verifications that arrive meanwhile are merged with the kept counts.
      recordUsage(key.id, "VALID", day);
      await expect(flushUsage({ client: unreachable })).rejects.toThrow();
    } finally {
      await unreachable.$disconnect();
    }
    expect(usageStats().failedFlushes - before.failedFlushes).toBe(2);
    expect(usageStats().pending).toBe(1);
    expect(await usageRows(key.id)).toEqual([]);

    expect(await flushUsage()).toBe(1);
    expect(await usageRows(key.id)).toEqual([{ day: "2030-03-03", valid: 8, revoked: 0, expired: 1, disabled: 0, forbidden: 0 }]);
    expect(await flushUsage()).toBe(0);
    expect(await usageRows(key.id)).toEqual([{ day: "2030-03-03", valid: 8, revoked: 0, expired: 1, disabled: 0, forbidden: 0 }]);
  });

  it("counts verifications made during a flush in the next one", async () => {
    const key = await createKey();
    const day = new Date("2030-04-04T12:00:00.000Z");
    for (let i = 0; i < 5; i += 1) recordUsage(key.id, "VALID", day);
    const first = flushUsage();
    for (let i = 0; i < 3; i += 1) recordUsage(key.id, "VALID", day);
    const second = flushUsage();
    await Promise.all([first, second]);
    expect(await usageRows(key.id)).toEqual([{ day: "2030-04-04", valid: 8, revoked: 0, expired: 0, disabled: 0, forbidden: 0 }]);
  });

  it("flushes on its own at the configured interval", async () => {
    const key = await createKey();
    recordUsage(key.id, "VALID", new Date("2030-05-05T12:00:00.000Z"));
    startUsageFlusher({ intervalMs: 50 });
    try {
      const deadline = Date.now() + 5_000;
      while ((await usageRows(key.id)).length === 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
    } finally {
      stopUsageFlusher();
    }
    expect(await usageRows(key.id)).toEqual([{ day: "2030-05-05", valid: 1, revoked: 0, expired: 0, disabled: 0, forbidden: 0 }]);
  });
});

describe("flushing usage over many keys", () => {
  it("writes a large batch in chunks of 1,000 rows, each in its own transaction, with every count kept", async () => {
    const { project } = await seedBase();
    await flushUsage();
    await db.$executeRaw`
      INSERT INTO "ApiKey" ("publicId", "projectId", "name", "displayPrefix", "last4", "hash")
      SELECT 'key_bulk' || lpad(g::text, 12, '0'), ${project.id}::uuid, 'bulk ' || g, 'kd_bulk00', 'abcd', md5(g::text) || md5('x' || g::text)
        FROM generate_series(1, 2500) AS g`;
    const keys = await db.apiKey.findMany({ where: { name: { startsWith: "bulk " } }, select: { id: true } });
    expect(keys).toHaveLength(2500);
    const at = new Date();
    for (const key of keys) {
      recordUsage(key.id, "VALID", at);
      recordUsage(key.id, "FORBIDDEN", at);
    }
    const before = usageStats();
    expect(await flushUsage()).toBe(2500);
    // Three chunks, each an INSERT of counts and an UPDATE of lastUsedAt.
    expect(usageStats().statements - before.statements).toBe(6);
    const totals = await db.keyUsageDaily.aggregate({ where: { keyId: { in: keys.map((k) => k.id) } }, _sum: { valid: true, forbidden: true } });
    expect(totals._sum).toEqual({ valid: 2500, forbidden: 2500 });
    expect(await db.apiKey.count({ where: { name: { startsWith: "bulk " }, lastUsedAt: null } })).toBe(0);
  });
});
