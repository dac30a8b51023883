// Verification with the membership index, in this process: exact before the index is ready (the
// database decides), NOT_FOUND without a query once it is, and with the database gone: unknown
// keys still NOT_FOUND, cached keys as usual, an uncached existing key 503 — never a long wait.
import net from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import pg from "pg";
import { disconnectDb } from "@/lib/db";
import { clearKeyCache, keyCacheStats } from "@/lib/keys/key-cache";
import { keyIndexStats, resetKeyIndex } from "@/lib/keys/key-index";
import { startKeyIndexSync, type KeyIndexSync } from "@/lib/keys/key-index-sync";
import { generateSecret } from "@/lib/keys/secret";
import { verifyKey } from "@/lib/keys/verify";
import { createProject, seedBase } from "./support/fixtures";

let client: pg.Client;
let project: { id: string; slug: string; keyPrefix: string };
let adminId: string;
let sync: KeyIndexSync | null = null;

beforeAll(async () => {
  adminId = (await seedBase()).admin.id;
  project = await createProject({ activeKeyLimit: 1000 });
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
  clearKeyCache();
});

/** A key inserted with SQL: neither this process's index nor its cache hears of it. */
async function insertKey(): Promise<string> {
  const secret = generateSecret(project.keyPrefix);
  await client.query(
    `INSERT INTO "ApiKey" ("publicId", "projectId", "name", "displayPrefix", "last4", "hash", "createdById")
     VALUES ('key_' || substr(md5($1), 1, 16), $2, 'sql key', $3, $4, $1, $5)`,
    [secret.hash, project.id, secret.displayPrefix, secret.last4, adminId],
  );
  return secret.secret;
}

async function code(secret: string): Promise<string> {
  const result = await verifyKey({ key: secret, project: project.slug });
  return result.status === 503 ? "UNAVAILABLE" : result.status === 200 ? result.body.code : `HTTP ${result.status}`;
}

async function loadIndex(): Promise<void> {
  sync = startKeyIndexSync(process.env.DATABASE_URL ?? "", { log: () => undefined, checkIntervalMs: 60_000 });
  sync.listening();
  await sync.checkNow();
  expect(keyIndexStats().ready).toBe(true);
}

/** Verification against a database that is gone: `where` is "refused" or "silent". */
async function withDatabaseGone(where: "refused" | "silent", run: () => Promise<void>): Promise<void> {
  const realUrl = process.env.DATABASE_URL;
  // A server that accepts connections and never answers: like a database that hangs.
  const silent = net.createServer(() => undefined);
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  const port = where === "refused" ? 1 : (silent.address() as net.AddressInfo).port;
  await disconnectDb();
  process.env.DATABASE_URL = `postgresql://keydesk:keydesk@127.0.0.1:${port}/keydesk`;
  try {
    await run();
  } finally {
    await disconnectDb();
    process.env.DATABASE_URL = realUrl;
    silent.close();
  }
}

describe("verification with the membership index", () => {
  it("asks the database until the index is ready: no false NOT_FOUND during start-up", async () => {
    const secret = await insertKey();
    expect(keyIndexStats().ready).toBe(false);
    const before = keyCacheStats().lookups;
    expect(await code(secret)).toBe("VALID");
    expect(await code(generateSecret(project.keyPrefix).secret)).toBe("NOT_FOUND");
    expect(keyCacheStats().lookups).toBe(before + 2);
  });

  it("answers an unknown key NOT_FOUND without a query once the index is ready, and caches no negative answer", async () => {
    const existing = await insertKey();
    await loadIndex();
    const unknown = generateSecret(project.keyPrefix).secret;
    const before = keyCacheStats();
    for (let i = 0; i < 5; i++) expect(await code(unknown)).toBe("NOT_FOUND");
    expect(await code(existing)).toBe("VALID");
    const after = keyCacheStats();
    expect(after.lookups).toBe(before.lookups + 1);
    expect(after.size).toBe(before.size + 1);
  });

  it("keeps NOT_FOUND and cached keys working with the database gone; an uncached key fails closed", async () => {
    const cached = await insertKey();
    const uncached = await insertKey();
    await loadIndex();
    expect(await code(cached)).toBe("VALID");
    await withDatabaseGone("refused", async () => {
      expect(await code(generateSecret(project.keyPrefix).secret)).toBe("NOT_FOUND");
      expect(await code(cached)).toBe("VALID");
      expect(await code(uncached)).toBe("UNAVAILABLE");
    });
    // Nothing was cached from the outage: with the database back, the key verifies at once.
    expect(await code(uncached)).toBe("VALID");
  });

  it("with the database gone, a state cached over a minute ago is not trusted: an instance cut off from it may have missed a revocation", async () => {
    const old = await insertKey();
    const fresh = await insertKey();
    await loadIndex();
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      expect(await code(old)).toBe("VALID");
      vi.setSystemTime(Date.now() + 61_000);
      expect(await code(fresh)).toBe("VALID");
      await withDatabaseGone("refused", async () => {
        expect(await code(old)).toBe("UNAVAILABLE");
        expect(await code(fresh)).toBe("VALID");
      });
    } finally {
      vi.useRealTimers();
    }
  });

  it("never waits on a database that does not answer longer than the bound", async () => {
    const uncached = await insertKey();
    await loadIndex();
    await withDatabaseGone("silent", async () => {
      const started = performance.now();
      expect(await code(uncached)).toBe("UNAVAILABLE");
      expect(performance.now() - started).toBeLessThan(2_500);
      // Right after, the breaker answers at once instead of waiting again.
      const again = performance.now();
      expect(await code(uncached)).toBe("UNAVAILABLE");
      expect(performance.now() - again).toBeLessThan(100);
      expect(await code(generateSecret(project.keyPrefix).secret)).toBe("NOT_FOUND");
    });
    // The breaker's pause (1 s), then one probe finds the database again.
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect(await code(uncached)).toBe("VALID");
  });
});
