// The key-state cache's warmer (lib/keys/key-cache-warm.ts) on the real database: after a pass,
// keys verify from memory on their first presentation (no lookup, answered in the same tick);
// a key that changes while its chunk is read is not cached in its old state; the index's full
// load starts a pass; the warmer fills only its share of the budget and refreshes what is held.
import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { clearKeyCache, keyCacheStats, vouchForInvalidation, type KeyRow } from "@/lib/keys/key-cache";
import { startKeyCacheWarmer, type KeyCacheWarmer } from "@/lib/keys/key-cache-warm";
import { resetKeyIndex } from "@/lib/keys/key-index";
import { startKeyIndexSync, type KeyIndexSync } from "@/lib/keys/key-index-sync";
import { verifyKey, verifyKeyNowOrLater } from "@/lib/keys/verify";
import { createApiKey, revokeApiKey } from "@/lib/services/api-keys";
import { context, createProject, seedBase, userActor } from "./support/fixtures";

let actor: ReturnType<typeof userActor>;
let project: { id: string; slug: string };
let warmer: KeyCacheWarmer | null = null;
let sync: KeyIndexSync | null = null;
let counter = 0;

beforeAll(async () => {
  actor = userActor((await seedBase()).admin);
  project = await createProject({ activeKeyLimit: 1000 });
});

beforeEach(() => {
  clearKeyCache();
  // As a healthy listener would: without one, nothing older than a second is served at all.
  vouchForInvalidation(Date.now() + 600_000);
});

afterEach(async () => {
  vouchForInvalidation(0);
  await warmer?.stop();
  warmer = null;
  await sync?.stop();
  sync = null;
  resetKeyIndex();
});

afterAll(() => clearKeyCache());

async function createKey(): Promise<{ secret: string; publicId: string }> {
  counter += 1;
  const created = await createApiKey(actor, { projectId: project.id, name: `Warm ${counter}`, expiry: "30d", constraints: [] }, context);
  return { secret: created.secret, publicId: created.publicId };
}

async function untilPasses(w: KeyCacheWarmer, passes: number): Promise<void> {
  await expect.poll(() => w.stats().passes, { timeout: 10_000 }).toBeGreaterThanOrEqual(passes);
}

/** A verification answered from memory is an answer, not a promise (verifyKeyNowOrLater). */
function answeredFromMemory(secret: string): string | null {
  const result = verifyKeyNowOrLater({ key: secret, project: project.slug });
  if (result instanceof Promise) return null;
  return result.status === 200 ? result.body.code : `HTTP ${result.status}`;
}

describe("key cache warmer", () => {
  it("after a pass, keys verify from memory on their first presentation, without a lookup", async () => {
    const keys = [await createKey(), await createKey(), await createKey()];
    // The project table is read once, so that only keys could need the database below.
    await verifyKey({ key: "kd_nothing", project: project.slug });
    clearKeyCache();
    expect(answeredFromMemory(keys[0]!.secret)).toBeNull();
    clearKeyCache();

    warmer = startKeyCacheWarmer({ log: () => undefined, refreshMs: 3_600_000 });
    warmer.soon();
    await untilPasses(warmer, 1);
    const lookups = keyCacheStats().lookups;
    for (const key of keys) expect(answeredFromMemory(key.secret)).toBe("VALID");
    expect(keyCacheStats().lookups).toBe(lookups);
    expect(warmer.stats().lastPassKeys).toBeGreaterThanOrEqual(keys.length);
  });

  it("does not cache a key in the state it read when the key changed while its chunk was read", async () => {
    const key = await createKey();
    const sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await sql.connect();
    try {
      let revokedMidway = false;
      const query = async (afterId: string): Promise<KeyRow[]> => {
        const { rows } = await sql.query<KeyRow>(
          `SELECT k."id", k."publicId", k."name", k."projectId", k."hash", k."expiresAt", k."revokedAt", k."enabled", k."externalId",
                  k."metadata", k."canary", false AS "projectArchived", '[]'::json AS "constraints", k."limitsVersion",
                  NULL::json AS "ratelimits", NULL::json AS "credits"
             FROM "ApiKey" k WHERE k."id" > $1 AND k."revokedAt" IS NULL ORDER BY k."id" LIMIT 2000`,
          [afterId],
        );
        // The rows are read (the key is still active in them); now it is revoked before they are stored.
        if (!revokedMidway) {
          revokedMidway = true;
          await revokeApiKey(actor, { keyId: key.publicId }, context);
        }
        return rows;
      };
      warmer = startKeyCacheWarmer({ log: () => undefined, refreshMs: 3_600_000, query });
      warmer.soon();
      await untilPasses(warmer, 1);
      expect(answeredFromMemory(key.secret)).toBeNull();
      const answer = await verifyKey({ key: key.secret, project: project.slug });
      expect(answer.status === 200 && answer.body.code).toBe("REVOKED");
    } finally {
      await sql.end();
    }
  });

  it("fills only its share of the budget and never evicts, but refreshes the keys already held", async () => {
    const held = await createKey();
    const other = await createKey();
    await verifyKey({ key: held.secret, project: project.slug });
    const size = keyCacheStats().size;
    expect(size).toBeGreaterThan(0);

    warmer = startKeyCacheWarmer({ log: () => undefined, refreshMs: 3_600_000, fillPercent: 0 });
    warmer.soon();
    await untilPasses(warmer, 1);
    expect(warmer.stats().lastPassFull).toBe(true);
    expect(keyCacheStats().size).toBe(size);
    expect(answeredFromMemory(held.secret)).toBe("VALID");
    expect(answeredFromMemory(other.secret)).toBeNull();
  });

  it("starts a pass when the membership index has loaded, and again after the cache was cleared", async () => {
    const key = await createKey();
    warmer = startKeyCacheWarmer({ log: () => undefined, refreshMs: 3_600_000 });
    const w = warmer;
    sync = startKeyIndexSync(process.env.DATABASE_URL ?? "", { log: () => undefined, checkIntervalMs: 60_000, onLoaded: () => w.soon() });
    sync.listening();
    await sync.checkNow();
    await untilPasses(w, 1);
    expect(answeredFromMemory(key.secret)).toBe("VALID");

    // As when the listener reconnects: everything is dropped, then read again in the background.
    clearKeyCache();
    expect(answeredFromMemory(key.secret)).toBeNull();
    await untilPasses(w, 2);
    expect(answeredFromMemory(key.secret)).toBe("VALID");
  });
});
