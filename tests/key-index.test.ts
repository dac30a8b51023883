// The membership index against a real PostgreSQL: the start-up load (COPY), the announcements of
// new keys by the database, the consistency check that heals missed notifications, and exactness
// under random creates, revokes and deletes while notifications are dropped.
import fc from "fast-check";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { prefixOfHash } from "@/lib/keys/hash-prefix-set";
import { KEY_CHANGED_CHANNEL, KEY_CREATED_CHANNEL } from "@/lib/keys/invalidation";
import { addKeyHash, indexSet, keyIndexStats, keyMembership, resetKeyIndex } from "@/lib/keys/key-index";
import { copyBinaryBigintParser, startKeyIndexSync, type KeyIndexSync } from "@/lib/keys/key-index-sync";
import { generateSecret } from "@/lib/keys/secret";
import { createApiKey, revokeApiKey } from "@/lib/services/api-keys";
import { context, createProject, seedBase, userActor } from "./support/fixtures";

let client: pg.Client;
let projectId: string;
/** Raw inserts go here, so that they never count against the default project's active-key limit. */
let rawProjectId: string;
let adminId: string;
let actor: ReturnType<typeof userActor>;
let sync: KeyIndexSync | null = null;

beforeAll(async () => {
  const base = await seedBase();
  projectId = base.project.id;
  rawProjectId = (await createProject()).id;
  adminId = base.admin.id;
  actor = userActor(base.admin);
  client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
});

afterAll(async () => {
  await sync?.stop();
  await client.end();
});

beforeEach(async () => {
  await sync?.stop();
  sync = null;
  resetKeyIndex();
});

/** Inserts keys with plain SQL (as a restore or the benchmark would); returns their hashes. */
async function insertRaw(count: number): Promise<string[]> {
  const hashes = Array.from({ length: count }, () => generateSecret("kd").hash);
  await client.query(
    `INSERT INTO "ApiKey" ("publicId", "projectId", "name", "displayPrefix", "last4", "hash", "createdById")
     SELECT 'key_' || substr(md5(h), 1, 16), $1::uuid, 'raw ' || substr(h, 1, 8), 'kd_x', 'abcd', h, $2::uuid FROM unnest($3::text[]) AS h`,
    [rawProjectId, adminId, hashes],
  );
  return hashes;
}

async function allHashes(): Promise<string[]> {
  return (await client.query<{ hash: string }>(`SELECT "hash" FROM "ApiKey"`)).rows.map((row) => row.hash);
}

/** Keys inserted by insertRaw (in the raw project, with no audit events). */
async function rawHashes(): Promise<string[]> {
  return (await client.query<{ hash: string }>(`SELECT "hash" FROM "ApiKey" WHERE "projectId" = $1`, [rawProjectId])).rows.map((row) => row.hash);
}

/** A sync driven by this test instead of the key listener: `listening()` is called by the test. */
function startSync(): KeyIndexSync {
  sync = startKeyIndexSync(process.env.DATABASE_URL ?? "", { log: () => undefined, checkIntervalMs: 60_000 });
  return sync;
}

async function until(condition: () => boolean, what: string, ms = 5_000): Promise<void> {
  for (const deadline = Date.now() + ms; !condition(); await new Promise((resolve) => setTimeout(resolve, 10))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
  }
}

describe("membership index", () => {
  it("says unknown before its first load, then knows every key and nothing else", async () => {
    const existing = await insertRaw(50);
    expect(keyMembership(existing[0] as string)).toBe("unknown");
    const s = startSync();
    s.listening();
    await until(() => keyIndexStats().ready, "the first load");
    for (const hash of await allHashes()) expect(keyMembership(hash)).toBe("present");
    const unknown = generateSecret("kd").hash;
    const before = keyIndexStats().absent;
    expect(keyMembership(unknown)).toBe("absent");
    expect(keyIndexStats().absent).toBe(before + 1);
    expect(keyIndexStats().size).toBe((await allHashes()).length);
  });

  it("is not ready when the listener dropped during the load, until a check under a steady listener", async () => {
    await insertRaw(5);
    const s = startSync();
    s.listening();
    s.notListening(); // lost before the load could finish: its snapshot may miss announcements
    await s.checkNow();
    expect(keyIndexStats().ready).toBe(false);
    s.listening();
    await until(() => keyIndexStats().ready, "a load under a steady listener");
  });

  it("the database announces inserts, however they are made, and deletes as changes", async () => {
    const listener = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await listener.connect();
    const heard: { channel: string; payload: string | undefined }[] = [];
    listener.on("notification", (message) => heard.push({ channel: message.channel, payload: message.payload }));
    await listener.query(`LISTEN "${KEY_CREATED_CHANNEL}"; LISTEN "${KEY_CHANGED_CHANNEL}"`);
    try {
      const [hash] = await insertRaw(1);
      const created = await createApiKey(actor, { projectId, name: "Announced", expiry: "30d", constraints: [] }, context);
      await until(() => heard.length >= 2, "two announcements");
      expect(heard).toContainEqual({ channel: KEY_CREATED_CHANNEL, payload: hash });
      expect(heard.filter((h) => h.channel === KEY_CREATED_CHANNEL)).toHaveLength(2);

      heard.length = 0;
      await client.query(`DELETE FROM "ApiKey" WHERE "hash" = $1`, [hash]);
      await until(() => heard.length >= 1, "the delete");
      expect(heard).toEqual([{ channel: KEY_CHANGED_CHANNEL, payload: hash }]);

      // Over 1000 rows in one statement: one "*" instead of a flood.
      heard.length = 0;
      await insertRaw(1001);
      await until(() => heard.length >= 1, "the bulk insert");
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(heard).toEqual([{ channel: KEY_CREATED_CHANNEL, payload: "*" }]);
      expect(created.secret).toMatch(/^[a-z0-9]+_/);
    } finally {
      await listener.end();
    }
  });

  it("adds a key created in this process at once, before any notification", async () => {
    const s = startSync();
    s.listening();
    await until(() => keyIndexStats().ready, "the first load");
    const created = await createApiKey(actor, { projectId, name: "Same process", expiry: "30d", constraints: [] }, context);
    const { rows } = await client.query<{ hash: string }>(`SELECT "hash" FROM "ApiKey" WHERE "publicId" = $1`, [created.publicId]);
    // No listener runs in this test: only the in-process announcement can have added it.
    expect(keyMembership(rows[0]?.hash ?? "")).toBe("present");
  });

  it("heals a missed notification with one check, rebuilding only the ranges that differ", async () => {
    const s = startSync();
    s.listening();
    await until(() => keyIndexStats().ready, "the first load");
    // No listener: these inserts are announced, but nobody hears them.
    const missed = await insertRaw(3);
    for (const hash of missed) expect(keyMembership(hash)).toBe("absent");
    const repaired = await s.checkNow();
    expect(repaired).toBeGreaterThanOrEqual(1);
    expect(repaired).toBeLessThanOrEqual(3);
    for (const hash of missed) expect(keyMembership(hash)).toBe("present");
    expect(await s.checkNow()).toBe(0);
  });

  it("removes deleted keys only through the check, and never a prefix another key still has", async () => {
    const s = startSync();
    s.listening();
    await until(() => keyIndexStats().ready, "the first load");
    const [gone] = await insertRaw(1);
    addKeyHash(gone as string);
    await client.query(`DELETE FROM "ApiKey" WHERE "hash" = $1`, [gone]);
    expect(keyMembership(gone as string)).toBe("present"); // stale until the check: only costs a lookup
    expect(await s.checkNow()).toBe(1);
    expect(keyMembership(gone as string)).toBe("absent");
  });

  it("has no false NOT_FOUND under random creates, revokes and deletes while notifications are dropped", async () => {
    const s = startSync();
    s.listening();
    await until(() => keyIndexStats().ready, "the first load");
    const ops = fc.array(fc.tuple(fc.constantFrom("create", "revoke", "delete"), fc.nat(), fc.boolean()), { minLength: 5, maxLength: 25 });
    await fc.assert(
      fc.asyncProperty(ops, async (steps) => {
        for (const [op, pick, heard] of steps) {
          // Deletes pick only keys inserted raw: a key made by the service has audit events,
          // and the append-only audit log (rightly) refuses the SET NULL a delete would cascade.
          const hashes = op === "delete" ? await rawHashes() : await allHashes();
          if (op === "create") {
            const [hash] = await insertRaw(1);
            if (heard) addKeyHash(hash as string); // else: the notification was dropped
          } else if (hashes.length > 0) {
            const hash = hashes[pick % hashes.length] as string;
            if (op === "revoke") await client.query(`UPDATE "ApiKey" SET "revokedAt" = now() WHERE "hash" = $1`, [hash]);
            else await client.query(`DELETE FROM "ApiKey" WHERE "hash" = $1`, [hash]);
          }
          // Between checks: no key that a notification announced is ever absent.
          for (const hash of await allHashes()) {
            const prefix = prefixOfHash(hash) as [number, number];
            if (keyMembership(hash) === "absent") expect(indexSet().has(...prefix)).toBe(false);
          }
        }
        await s.checkNow();
        const now = await allHashes();
        for (const hash of now) expect(keyMembership(hash)).toBe("present");
        expect(keyIndexStats().size).toBe(new Set(now.map((hash) => hash.slice(0, 16))).size);
      }),
      { numRuns: 15 },
    );
  });

  it("keeps a key announced while a range was being rebuilt", async () => {
    const s = startSync();
    s.listening();
    await until(() => keyIndexStats().ready, "the first load");
    await insertRaw(20); // missed: the next check rebuilds their ranges
    const check = s.checkNow();
    // Announced while the check runs (its insert commits after the check's snapshot, or before).
    const [late] = await insertRaw(1);
    addKeyHash(late as string);
    await check;
    expect(keyMembership(late as string)).toBe("present");
  });

  it("revoked keys stay members: they answer REVOKED, not NOT_FOUND", async () => {
    const s = startSync();
    s.listening();
    await until(() => keyIndexStats().ready, "the first load");
    const created = await createApiKey(actor, { projectId, name: "Revoked member", expiry: "30d", constraints: [] }, context);
    await revokeApiKey(actor, { keyId: created.publicId }, context);
    await s.checkNow();
    const { rows } = await client.query<{ hash: string }>(`SELECT "hash" FROM "ApiKey" WHERE "publicId" = $1`, [created.publicId]);
    expect(keyMembership(rows[0]?.hash ?? "")).toBe("present");
  });
});

describe("COPY binary parser", () => {
  const header = Buffer.concat([Buffer.from("PGCOPY\n\xff\r\n\0", "latin1"), Buffer.alloc(8)]);
  const row = (hi: number, lo: number) => {
    const b = Buffer.alloc(14);
    b.writeInt16BE(1, 0);
    b.writeInt32BE(8, 2);
    b.writeUInt32BE(hi, 6);
    b.writeUInt32BE(lo, 10);
    return b;
  };
  const trailer = Buffer.from([0xff, 0xff]);

  it("reads rows split anywhere across chunks", () => {
    const whole = Buffer.concat([header, row(1, 2), row(0xffffffff, 0x80000000), trailer]);
    for (let cut = 1; cut < whole.length; cut++) {
      const seen: number[] = [];
      const parser = copyBinaryBigintParser((hi, lo) => seen.push(hi, lo));
      parser.push(whole.subarray(0, cut));
      parser.push(whole.subarray(cut));
      parser.end();
      expect(seen).toEqual([1, 2, 0xffffffff, 0x80000000]);
    }
  });

  it("refuses what it does not understand and a stream without its trailer", () => {
    expect(() => copyBinaryBigintParser(() => undefined).push(Buffer.from("1\n2\n3\n4\n5\n6\n7\n8\n9\n0\n"))).toThrow(/binary/);
    const parser = copyBinaryBigintParser(() => undefined);
    parser.push(Buffer.concat([header, row(1, 2)]));
    expect(() => parser.end()).toThrow(/trailer/);
  });
});
