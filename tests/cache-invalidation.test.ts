// Cross-process cache invalidation: instance B (a separate process with its own cache and
// LISTEN connection, tests/support/verify-instance.ts) must stop accepting a key within one
// second of this process (instance A) revoking, rolling, editing, disabling or enabling it (and
// bulk-revoking several), and must follow project changes (a new project, an archive) as fast;
// also after B's listener connection was cut and re-established.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey, revokeApiKey, revokeApiKeys, rollApiKey, setApiKeyEnabled, updateApiKey } from "@/lib/services/api-keys";
import { archiveProject, createProject } from "@/lib/services/projects";
import { context, seedBase, userActor } from "./support/fixtures";
import { expectCachedOn, startVerifyInstance, type VerifyInstance } from "./support/second-instance";

const PROPAGATION_LIMIT_MS = 1_000;

let actor: ReturnType<typeof userActor>;
let projectId: string;
let instanceB: VerifyInstance;
let counter = 0;

beforeAll(async () => {
  const seeded = await seedBase();
  actor = userActor(seeded.admin);
  projectId = seeded.project.id;
  instanceB = await startVerifyInstance();
});

afterAll(async () => {
  await instanceB?.stop();
});

async function createKey(inProject = projectId) {
  counter += 1;
  return createApiKey(actor, { projectId: inProject, name: `Invalidation ${counter}`, expiry: "30d", constraints: [] }, context);
}

type Answer = { valid: boolean; code: string; key?: { name: string } };

async function verifyOnB(secret: string, project = "default"): Promise<Answer> {
  const response = await instanceB.verify(secret, project);
  const body = (await response.json()) as Answer & { error?: { code: string } };
  // An unknown project is a 422; as an answer it reads as its error code.
  if (response.status === 422 && body.error) return { valid: false, code: body.error.code };
  expect(response.status).toBe(200);
  return body;
}

/** Polls B until `done` holds for its answer; returns the milliseconds that took. */
async function msUntil(secret: string, done: (body: Answer) => boolean, since: number, project = "default"): Promise<number> {
  for (;;) {
    const body = await verifyOnB(secret, project);
    const elapsed = performance.now() - since;
    if (done(body)) return elapsed;
    if (elapsed > 5 * PROPAGATION_LIMIT_MS) throw new Error(`B still answers ${JSON.stringify(body)}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("cross-process invalidation", () => {
  it("a key revoked here stops verifying on instance B within a second", async () => {
    const key = await createKey();
    await expectCachedOn(instanceB, key.secret);

    await revokeApiKey(actor, { keyId: key.publicId }, context);
    const committed = performance.now();
    const elapsed = await msUntil(key.secret, (body) => body.code === "REVOKED", committed);
    expect(elapsed).toBeLessThan(PROPAGATION_LIMIT_MS);
  });

  it("rolls and edits reach instance B within a second", async () => {
    const key = await createKey();
    await expectCachedOn(instanceB, key.secret);
    await updateApiKey(actor, key.publicId, { name: `${key.name} (renamed)` }, context);
    const edited = performance.now();
    expect(await msUntil(key.secret, (body) => body.key?.name === `${key.name} (renamed)`, edited)).toBeLessThan(PROPAGATION_LIMIT_MS);

    await expectCachedOn(instanceB, key.secret);
    await rollApiKey(actor, { keyId: key.publicId, grace: "now" }, context);
    const rolled = performance.now();
    expect(await msUntil(key.secret, (body) => body.code === "EXPIRED", rolled)).toBeLessThan(PROPAGATION_LIMIT_MS);
  });

  it("disabling and enabling reach instance B within a second each", async () => {
    const key = await createKey();
    await expectCachedOn(instanceB, key.secret);
    await setApiKeyEnabled(actor, { keyId: key.publicId, enabled: false }, context);
    const disabled = performance.now();
    expect(await msUntil(key.secret, (body) => body.code === "DISABLED", disabled)).toBeLessThan(PROPAGATION_LIMIT_MS);

    await setApiKeyEnabled(actor, { keyId: key.publicId, enabled: true }, context);
    const enabled = performance.now();
    expect(await msUntil(key.secret, (body) => body.code === "VALID", enabled)).toBeLessThan(PROPAGATION_LIMIT_MS);
  });

  it("a bulk revoke reaches instance B for every key within a second", async () => {
    const keys = [await createKey(), await createKey(), await createKey()];
    for (const key of keys) await expectCachedOn(instanceB, key.secret);
    await revokeApiKeys(actor, { keyIds: keys.map((key) => key.publicId) }, context);
    const committed = performance.now();
    for (const key of keys) expect(await msUntil(key.secret, (body) => body.code === "REVOKED", committed)).toBeLessThan(PROPAGATION_LIMIT_MS);
  });

  it("instance B knows a project created here at once, and forgets it within a second of its archive", async () => {
    const project = await createProject(
      actor,
      { name: `Cross ${Date.now()}`, keyPrefix: `cx${Date.now() % 100000}`, activeKeyLimit: 20, maxLifetimeDays: null, allowNoExpiry: true },
      context,
    );
    const key = await createKey(project.id);
    await expectCachedOn(instanceB, key.secret, project.slug);
    await archiveProject(actor, { projectId: project.id }, context);
    const archived = performance.now();
    expect(await msUntil(key.secret, (body) => body.code === "NOT_FOUND", archived, project.slug)).toBeLessThan(PROPAGATION_LIMIT_MS);
  });

  it("changes made with plain SQL, outside Keydesk, reach instance B within a second (the database announces them)", async () => {
    const key = await createKey();
    await expectCachedOn(instanceB, key.secret);
    const sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await sql.connect();
    try {
      // A constraint added by hand: B must stop answering VALID for paths it does not allow.
      await sql.query(`INSERT INTO "ApiKeyConstraint" ("keyId", "position", "type", "value", "methods") SELECT "id", 0, 'prefix', '/only/', '{}' FROM "ApiKey" WHERE "publicId" = $1`, [key.publicId]);
      const constrained = performance.now();
      const forbidden = async () => {
        const response = await fetch(`${instanceB.base}/api/v1/keys/verify`, { method: "POST", body: JSON.stringify({ key: key.secret, project: "default", method: "GET", path: "/elsewhere" }) });
        return ((await response.json()) as Answer).code;
      };
      for (;;) {
        if ((await forbidden()) === "FORBIDDEN") break;
        expect(performance.now() - constrained).toBeLessThan(5 * PROPAGATION_LIMIT_MS);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      expect(performance.now() - constrained).toBeLessThan(PROPAGATION_LIMIT_MS);

      await sql.query(`DELETE FROM "ApiKeyConstraint" WHERE "keyId" = (SELECT "id" FROM "ApiKey" WHERE "publicId" = $1)`, [key.publicId]);
      await expectCachedOn(instanceB, key.secret);
      await sql.query(`UPDATE "ApiKey" SET "revokedAt" = now() WHERE "publicId" = $1`, [key.publicId]);
      const revoked = performance.now();
      expect(await msUntil(key.secret, (body) => body.code === "REVOKED", revoked)).toBeLessThan(PROPAGATION_LIMIT_MS);
    } finally {
      await sql.end();
    }
  });

  it("the usage flush's lastUsedAt and the limiter's balance writes announce nothing (they would empty every cache)", async () => {
    const key = await createKey();
    const listener = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await listener.connect();
    const heard: string[] = [];
    listener.on("notification", (message) => heard.push(message.payload ?? ""));
    try {
      await listener.query("LISTEN keydesk_key_changed");
      const sql = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await sql.connect();
      try {
        await sql.query(`UPDATE "ApiKey" SET "lastUsedAt" = now(), "updatedAt" = now() WHERE "publicId" = $1`, [key.publicId]);
        // A change that is announced, after it: once it arrives, the first would have too.
        await sql.query(`UPDATE "ApiKey" SET "name" = "name" || ' (renamed)' WHERE "publicId" = $1`, [key.publicId]);
      } finally {
        await sql.end();
      }
      await expect.poll(() => heard.length, { timeout: 2_000 }).toBeGreaterThan(0);
      expect(heard).toEqual([heard[0]]);
      expect(heard[0]).toMatch(/^[0-9a-f]{64}$/);
    } finally {
      await listener.end();
    }
  });

  it("instance B reconnects after losing its LISTEN connection, clears its cache and keeps invalidating", async () => {
    const key = await createKey();
    await expectCachedOn(instanceB, key.secret);
    const before = await instanceB.stats();

    // Cut B's listener connection from the server side, as a database restart or failover would.
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    try {
      const killed = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'keydesk-key-listener' AND datname = current_database()`,
      );
      expect(killed.rowCount).toBe(1);
    } finally {
      await admin.end();
    }

    const deadline = Date.now() + 10_000;
    let stats = await instanceB.stats();
    while (!(stats.listening && stats.clears > before.clears) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      stats = await instanceB.stats();
    }
    expect(stats.listening).toBe(true);
    // Notifications may have been missed while disconnected, so the whole cache was dropped.
    expect(stats.clears).toBeGreaterThan(before.clears);
    expect(stats.size).toBe(0);

    await expectCachedOn(instanceB, key.secret);
    await revokeApiKey(actor, { keyId: key.publicId }, context);
    const committed = performance.now();
    expect(await msUntil(key.secret, (body) => body.code === "REVOKED", committed)).toBeLessThan(PROPAGATION_LIMIT_MS);
  });
});
