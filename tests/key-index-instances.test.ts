// The membership index across processes: instance B (tests/support/verify-instance.ts, its own
// index, cache and listener) learns of keys created here through NOTIFY, answers unknown keys
// without its database, heals a key whose announcement it never got, and forgets deleted keys.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateSecret } from "@/lib/keys/secret";
import { createApiKey } from "@/lib/services/api-keys";
import { context, createProject, seedBase, userActor } from "./support/fixtures";
import { startVerifyInstance, type VerifyInstance } from "./support/second-instance";

let instanceB: VerifyInstance;
let client: pg.Client;
let actor: ReturnType<typeof userActor>;
let project: { id: string; slug: string; keyPrefix: string };
let adminId: string;
let counter = 0;

beforeAll(async () => {
  const seeded = await seedBase();
  actor = userActor(seeded.admin);
  adminId = seeded.admin.id;
  project = await createProject({ activeKeyLimit: 1000 });
  client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  instanceB = await startVerifyInstance({ env: { KEYDESK_KEY_INDEX_CHECK_MS: "1000" } });
  await until(async () => (await instanceB.stats()).index.ready, "B's index to load");
});

afterAll(async () => {
  await instanceB?.stop();
  await client?.end();
});

async function verifyOnB(secret: string): Promise<string> {
  const response = await instanceB.verify(secret, project.slug);
  expect(response.status).toBe(200);
  return ((await response.json()) as { code: string }).code;
}

async function until(condition: () => Promise<boolean>, what: string, ms = 10_000): Promise<number> {
  const started = performance.now();
  while (!(await condition())) {
    if (performance.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  return performance.now() - started;
}

async function createKey() {
  counter += 1;
  return createApiKey(actor, { projectId: project.id, name: `Index ${counter}`, expiry: "30d", constraints: [] }, context);
}

describe("membership index across instances", () => {
  it("answers unknown well-formed keys NOT_FOUND without a database lookup", async () => {
    const before = await instanceB.stats();
    for (let i = 0; i < 20; i++) expect(await verifyOnB(generateSecret(project.keyPrefix).secret)).toBe("NOT_FOUND");
    const after = await instanceB.stats();
    expect(after.lookups).toBe(before.lookups);
    expect(after.index.absent).toBe(before.index.absent + 20);
  });

  it("learns of a key created here within a second, through the database's announcement", async () => {
    const key = await createKey();
    const created = performance.now();
    const elapsed = await until(async () => (await verifyOnB(key.secret)) === "VALID", "B to accept the new key", 5_000);
    expect(performance.now() - created).toBeLessThan(1_000);
    expect(elapsed).toBeLessThan(1_000);
  });

  it("heals a key whose announcement it never got, at its next check", async () => {
    const secret = generateSecret(project.keyPrefix);
    const before = await instanceB.stats();
    // Triggers off for this session (superuser): the insert is not announced at all.
    await client.query("SET session_replication_role = replica");
    try {
      await client.query(
        `INSERT INTO "ApiKey" ("publicId", "projectId", "name", "displayPrefix", "last4", "hash", "createdById")
         VALUES ('key_' || substr(md5($1), 1, 16), $2, 'unannounced', $3, $4, $1, $5)`,
        [secret.hash, project.id, secret.displayPrefix, secret.last4, adminId],
      );
    } finally {
      await client.query("SET session_replication_role = DEFAULT");
    }
    // NOT_FOUND until B's next check (every second here) rebuilds the key's hash range; only a
    // repair can add it, since nothing announced it.
    await until(async () => (await verifyOnB(secret.secret)) === "VALID", "B's check to add the key", 5_000);
    const after = await instanceB.stats();
    expect(after.index.repairedRanges).toBeGreaterThan(before.index.repairedRanges);
    expect(after.index.added).toBe(before.index.added);
  });

  it("forgets a deleted key at once, although its prefix stays until the next check", async () => {
    // Inserted with SQL: a key made by the services has audit events, which keep it from deletion.
    const secret = generateSecret(project.keyPrefix);
    await client.query(
      `INSERT INTO "ApiKey" ("publicId", "projectId", "name", "displayPrefix", "last4", "hash", "createdById")
       VALUES ('key_' || substr(md5($1), 1, 16), $2, 'to delete', $3, $4, $1, $5)`,
      [secret.hash, project.id, secret.displayPrefix, secret.last4, adminId],
    );
    await until(async () => (await verifyOnB(secret.secret)) === "VALID", "B to accept the key");
    expect(await verifyOnB(secret.secret)).toBe("VALID"); // cached now
    await client.query(`DELETE FROM "ApiKey" WHERE "hash" = $1`, [secret.hash]);
    await until(async () => (await verifyOnB(secret.secret)) === "NOT_FOUND", "B to drop the deleted key", 2_000);
    const size = (await instanceB.stats()).index.size;
    await until(async () => (await instanceB.stats()).index.size === size - 1, "B's check to remove the prefix", 5_000);
  });
});
