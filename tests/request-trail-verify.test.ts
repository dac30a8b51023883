// Verification and the request trail on a real PostgreSQL: every verification of a key of the
// asking project becomes one event, written in a few statements however many there are; unknown
// keys are counted (and logged only when the project asks); a trail whose database is stopped
// costs verification nothing but counted drops; userAgent and requestId are typed like the rest.
import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { generateSecret } from "@/lib/keys/secret";
import { verifyKey } from "@/lib/keys/verify";
import { createApiKey } from "@/lib/services/api-keys";
import { updateProject } from "@/lib/services/projects";
import { configureTrailBuffer, trailBufferStats } from "@/lib/trail/buffer";
import { PostgresTrailSink } from "@/lib/trail/postgres-sink";
import { flushTrail, startTrailWriter, stopTrailWriter } from "@/lib/trail/writer";
import { context, createProject, seedBase, userActor } from "./support/fixtures";
import { startTcpProxy, type TcpProxy } from "./support/tcp-proxy";

const url = () => process.env.DATABASE_URL ?? "";
let client: pg.Client;
let actor: ReturnType<typeof userActor>;
let project: { id: string; slug: string };

beforeAll(async () => {
  const base = await seedBase();
  actor = userActor(base.admin);
  project = base.project;
  await db.project.update({ where: { id: project.id }, data: { activeKeyLimit: 1000 } });
  client = new pg.Client({ connectionString: url() });
  await client.connect();
});

afterAll(async () => {
  await client.end();
});

beforeEach(async () => {
  configureTrailBuffer({ capacity: 100_000, enabled: true });
  await client.query(`TRUNCATE "RequestEvent", "KeyRequestHourly", "ProjectRequestHourly", "KeyClientIp", "RequestTrailGap"`);
});

afterEach(async () => {
  await stopTrailWriter({ timeoutMs: 1000 });
});

function startWriter(connectionString = url()) {
  const sink = new PostgresTrailSink({ connectionString });
  startTrailWriter({ sink, intervalMs: 3_600_000, maintenanceIntervalMs: 0, log: () => undefined });
  return sink;
}

const createKey = (name: string, projectId = project.id, constraints: unknown[] = []) =>
  createApiKey(actor, { projectId, name, expiry: "30d", constraints }, context);

async function count(sql: string, values: unknown[] = []): Promise<number> {
  const { rows } = await client.query<{ n: string }>(sql, values);
  return Number(rows[0]?.n ?? 0);
}

describe("verifications in the trail", () => {
  it("writes 1,000 verifications as one batch of a few statements, each with what the caller sent", async () => {
    const sink = startWriter();
    const key = await createKey("Trail verify", project.id, [{ type: "prefix", value: "/invoices", methods: ["DELETE"] }]);
    const answers = await Promise.all(
      Array.from({ length: 1000 }, (_, i) =>
        verifyKey({ key: key.secret, project: project.slug, method: "DELETE", path: `/invoices/${i}`, ip: "203.0.113.9", userAgent: "cron/1", requestId: `r${i}` }),
      ),
    );
    expect(answers.every((a) => a.status === 200 && a.body.code === "VALID")).toBe(true);
    // Verification itself wrote nothing.
    expect(await count(`SELECT count(*) AS n FROM "RequestEvent"`)).toBe(0);

    await flushTrail();
    expect(sink.statements()).toBeLessThanOrEqual(8);
    expect(await count(`SELECT count(*) AS n FROM "RequestEvent" WHERE "keyId" = $1 AND "outcome" = 'VALID'`, [key.id])).toBe(1000);
    const { rows } = await client.query(
      `SELECT "projectId", "method", "path", host("ip") AS ip, "userAgent", "requestId", "matchedConstraint" FROM "RequestEvent" WHERE "requestId" = 'r7'`,
    );
    expect(rows).toEqual([
      { projectId: project.id, method: "DELETE", path: "/invoices/7", ip: "203.0.113.9", userAgent: "cron/1", requestId: "r7", matchedConstraint: "prefix /invoices (DELETE)" },
    ]);
  });

  it("records every outcome of a known key, and counts unknown keys without logging them", async () => {
    startWriter();
    const key = await createKey("Trail outcomes", project.id, [{ type: "verb", methods: ["GET"] }]);
    const other = await createProject();
    const foreign = await createKey("Elsewhere", other.id);
    const ask = (input: Record<string, unknown>) => verifyKey({ project: project.slug, ...input });
    expect((await ask({ key: key.secret, method: "GET" })).body).toMatchObject({ code: "VALID" });
    expect((await ask({ key: key.secret, method: "POST" })).body).toMatchObject({ code: "FORBIDDEN" });
    expect((await ask({ key: "kd_nope" })).body).toMatchObject({ code: "MALFORMED" });
    expect((await ask({ key: generateSecret("kd").secret })).body).toMatchObject({ code: "NOT_FOUND" });
    // Another project's key is NOT_FOUND for this project, and nothing is written under the key.
    expect((await ask({ key: foreign.secret })).body).toMatchObject({ code: "NOT_FOUND" });
    await flushTrail();

    const outcomes = await client.query(`SELECT "outcome" FROM "RequestEvent" ORDER BY "id"`);
    expect(outcomes.rows.map((r) => r.outcome)).toEqual(["VALID", "FORBIDDEN"]);
    expect(await count(`SELECT count(*) AS n FROM "RequestEvent" WHERE "keyId" = $1`, [foreign.id])).toBe(0);
    const counted = await client.query(`SELECT "outcome", sum("count")::int AS n FROM "ProjectRequestHourly" WHERE "projectId" = $1 GROUP BY 1 ORDER BY 1`, [project.id]);
    expect(counted.rows).toEqual([
      { outcome: "FORBIDDEN", n: 1 },
      { outcome: "MALFORMED", n: 1 },
      { outcome: "NOT_FOUND", n: 2 },
      { outcome: "VALID", n: 1 },
    ]);
  });

  it("logs unknown keys one by one, without a key, once the project turns that on", async () => {
    startWriter();
    const logging = await createProject();
    await updateProject(actor, logging.id, { name: logging.name, activeKeyLimit: "20", maxLifetimeDays: "", allowNoExpiry: "on", logUnknownKeys: "on" }, context);
    await verifyKey({ key: generateSecret("kd").secret, project: logging.slug, method: "GET", path: "/probe", ip: "192.0.2.1" });
    await verifyKey({ key: "garbage", project: logging.slug, path: "/probe2" });
    await flushTrail();
    const { rows } = await client.query(`SELECT "keyId", "outcome", "path", host("ip") AS ip FROM "RequestEvent" WHERE "projectId" = $1 ORDER BY "id"`, [logging.id]);
    expect(rows).toEqual([
      { keyId: null, outcome: "NOT_FOUND", path: "/probe", ip: "192.0.2.1" },
      { keyId: null, outcome: "MALFORMED", path: "/probe2", ip: null },
    ]);
    // Still counted once each, not twice.
    expect(await count(`SELECT sum("count") AS n FROM "ProjectRequestHourly" WHERE "projectId" = $1`, [logging.id])).toBe(2);
  });

  it("refuses a userAgent or requestId that is not a string, with a 422 that names it", async () => {
    const key = await createKey("Trail types");
    for (const field of ["userAgent", "requestId"]) {
      for (const value of [42, {}, ["x"], true]) {
        const result = await verifyKey({ key: key.secret, project: project.slug, [field]: value });
        expect(result.status).toBe(422);
        expect(JSON.stringify(result.body)).toContain(field);
      }
    }
    expect((await verifyKey({ key: key.secret, project: project.slug, userAgent: null, requestId: "x".repeat(10_000) })).status).toBe(200);
  });
});

describe("a stopped trail database", () => {
  let proxy: TcpProxy;

  beforeEach(async () => {
    const target = new URL(url());
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
  });

  afterEach(async () => {
    await proxy.close();
  });

  it("leaves verification unaffected: answers stay VALID while the oldest events are dropped and counted", async () => {
    configureTrailBuffer({ capacity: 200, enabled: true });
    startWriter(proxy.urlFor(url()));
    const key = await createKey("Trail outage");
    await proxy.stop();
    const started = performance.now();
    const answers = [];
    for (let i = 0; i < 500; i++) answers.push(await verifyKey({ key: key.secret, project: project.slug, path: `/x/${i}` }));
    const elapsed = performance.now() - started;
    expect(answers.every((a) => a.status === 200 && a.body.code === "VALID")).toBe(true);
    // 500 cached verifications take milliseconds, not the seconds a wait on the database would.
    expect(elapsed).toBeLessThan(2000);
    expect(trailBufferStats()).toMatchObject({ buffered: 200, dropped: 300 });
    await expect(flushTrail()).rejects.toThrow();

    await proxy.resume();
    await flushTrail();
    expect(await count(`SELECT count(*) AS n FROM "RequestEvent" WHERE "keyId" = $1`, [key.id])).toBe(200);
    expect(await count(`SELECT sum("events") AS n FROM "RequestTrailGap" WHERE "projectId" = $1`, [project.id])).toBe(300);
  });
});
