// The request trail's writer on a real PostgreSQL: events go in as a few statements per batch,
// partitions appear as needed and ahead of time, retention drops whole partitions per project,
// a database that stops costs only counted drops, and stopping the writer writes everything.
import pg from "pg";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { DAY_MS } from "@/lib/dates";
import { db } from "@/lib/db";
import { configureTrailBuffer, countTrailOutcome, pushTrailEvent, trailBufferStats } from "@/lib/trail/buffer";
import { PostgresTrailSink } from "@/lib/trail/postgres-sink";
import { flushTrail, maintainTrail, startTrailWriter, stopTrailWriter, trailWriterStats } from "@/lib/trail/writer";
import { createApiKey } from "@/lib/services/api-keys";
import { context, createProject, seedBase, userActor } from "./support/fixtures";
import { startTcpProxy, type TcpProxy } from "./support/tcp-proxy";

const url = () => process.env.DATABASE_URL ?? "";
let client: pg.Client;
let actor: ReturnType<typeof userActor>;
let projectId: string;
let keyId: string;

beforeAll(async () => {
  const base = await seedBase();
  actor = userActor(base.admin);
  projectId = base.project.id;
  keyId = (await createApiKey(actor, { projectId, name: "Trail writer", expiry: "30d", constraints: [] }, context)).id;
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

/** A writer whose timer never fires during a test: the test decides when to write. */
function startWriter(connectionString = url(), batchSize = 10_000) {
  const sink = new PostgresTrailSink({ connectionString });
  startTrailWriter({ sink, intervalMs: 3_600_000, batchSize, maintenanceIntervalMs: 0, log: () => undefined });
  return sink;
}

async function count(sql: string, values: unknown[] = []): Promise<number> {
  const { rows } = await client.query<{ n: string }>(sql, values);
  return Number(rows[0]?.n ?? 0);
}

async function partitionsOf(project: string): Promise<string[]> {
  const { rows } = await client.query<{ relname: string }>(
    `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'keydesk_trail' AND c.relkind = 'r' AND c.relname LIKE $1 ORDER BY c.relname`,
    [`RequestEvent_${project.replaceAll("-", "")}_%`],
  );
  return rows.map((row) => row.relname);
}

function dayName(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10).replaceAll("-", "");
}

describe("batching", () => {
  it("writes 2,500 events as one COPY and a few upserts, every row present and cleaned", async () => {
    const sink = startWriter();
    const now = Date.now();
    for (let i = 0; i < 2500; i++) {
      pushTrailEvent(now + i, projectId, keyId, i % 10 === 0 ? "FORBIDDEN" : "VALID", "delete", `/invoices/${i}?token=secret`, i % 2 ? "203.0.113.7" : "::ffff:198.51.100.1", "curl/8\u0000", `req-${i}`, null);
    }
    countTrailOutcome(projectId, "NOT_FOUND", now);
    countTrailOutcome(projectId, "NOT_FOUND", now);
    await flushTrail();

    // BEGIN, ensure today's partition, COPY, three upserts, COMMIT: independent of the 2,500.
    expect(sink.statements()).toBeLessThanOrEqual(8);
    expect(await count(`SELECT count(*) AS n FROM "RequestEvent" WHERE "keyId" = $1`, [keyId])).toBe(2500);
    const { rows } = await client.query(`SELECT "method", "path", host("ip") AS ip, "userAgent", "requestId" FROM "RequestEvent" WHERE "requestId" = 'req-1'`);
    expect(rows).toEqual([{ method: "DELETE", path: "/invoices/1", ip: "203.0.113.7", userAgent: "curl/8", requestId: "req-1" }]);
    expect(await count(`SELECT count(*) AS n FROM "RequestEvent" WHERE host("ip") = '198.51.100.1'`)).toBe(1250);
    // The derived tables: hourly counts per outcome, the key's two addresses, the unknown keys.
    expect(await count(`SELECT sum("count") AS n FROM "KeyRequestHourly" WHERE "keyId" = $1 AND "outcome" = 'FORBIDDEN'`, [keyId])).toBe(250);
    expect(await count(`SELECT count(*) AS n FROM "KeyClientIp" WHERE "keyId" = $1`, [keyId])).toBe(2);
    expect(await count(`SELECT sum("count") AS n FROM "ProjectRequestHourly" WHERE "projectId" = $1 AND "outcome" = 'NOT_FOUND'`, [projectId])).toBe(2);
    expect(await count(`SELECT sum("count") AS n FROM "ProjectRequestHourly" WHERE "projectId" = $1 AND "outcome" = 'VALID'`, [projectId])).toBe(2250);
  });

  it("splits a large backlog into batches of the configured size", async () => {
    const sink = startWriter(url(), 1000);
    const now = Date.now();
    for (let i = 0; i < 3500; i++) pushTrailEvent(now, projectId, keyId, "VALID", "GET", "/a", null, null, null, null);
    await flushTrail();
    expect(trailWriterStats().batches).toBe(4);
    expect(await count(`SELECT count(*) AS n FROM "RequestEvent"`)).toBe(3500);
    // Four transactions of a COPY and two upserts each (no addresses), plus one ensure.
    expect(sink.statements()).toBeLessThanOrEqual(4 * 5 + 1);
  });

  it("stores hostile text as text: tabs, backslashes, NUL bytes, long paths, lone surrogates", async () => {
    startWriter();
    const long = `/${"é".repeat(3000)}`;
    pushTrailEvent(Date.now(), projectId, keyId, "FORBIDDEN", "GE\tT", "/a/../b\n\\x", "not an ip", "a\\b\tc\u0000", "\ud800id", null);
    pushTrailEvent(Date.now(), projectId, keyId, "VALID", "GET", long, "1.2.3.4.5", null, null, null);
    await flushTrail();
    const { rows } = await client.query(`SELECT "method", "path", "ip", "userAgent", "requestId", octet_length("path") AS bytes FROM "RequestEvent" ORDER BY "id"`);
    expect(rows[0]).toMatchObject({ method: "GET", path: "/a/../b%0A\\x", ip: null, userAgent: "a\\b c", requestId: "\ufffdid" });
    expect(rows[1].ip).toBeNull();
    expect(rows[1].bytes).toBeLessThanOrEqual(1024);
    expect(rows[1].path.startsWith("/éé")).toBe(true);
  });
  it("stores each address, millisecond and constraint exactly as formatted (binary COPY)", async () => {
    startWriter();
    const base = Date.now() - (Date.now() % 1000) + 7;
    const addresses = ["203.0.113.7", "::1", "2001:db8::", "2001:db8:0:0:1::ff", "64:ff9b::198.51.100.9", "FE80::1%eth0", "::", "1:2:3:4:5:6:7:8"];
    for (const [i, ip] of addresses.entries()) {
      pushTrailEvent(base + i, projectId, i === 0 ? null : keyId, "VALID", "GET", `/ip/${i}`, ip, "agent ✓ 😀", null, { type: "prefix", value: "/ip", methods: ["GET"] });
    }
    await flushTrail();
    const { rows } = await client.query<{ ip: string; ms: string; keyId: string | null; userAgent: string; matchedConstraint: string }>(
      `SELECT host("ip") AS ip, (extract(epoch FROM "at") * 1000)::bigint::text AS ms, "keyId", "userAgent", "matchedConstraint" FROM "RequestEvent" ORDER BY "at"`,
    );
    expect(rows.map((row) => row.ip)).toEqual(["203.0.113.7", "::1", "2001:db8::", "2001:db8::1:0:0:ff", "64:ff9b::c633:6409", "fe80::1", "::", "1:2:3:4:5:6:7:8"]);
    expect(rows.map((row) => Number(row.ms))).toEqual(addresses.map((_, i) => base + i));
    expect(rows[0]?.keyId).toBeNull();
    expect(rows[1]).toMatchObject({ keyId, userAgent: "agent ✓ 😀", matchedConstraint: "prefix /ip (GET)" });
  });
});

describe("partitions and retention", () => {
  it("creates today's partition on first sight and the next days ahead of time", async () => {
    const project = await createProject();
    startWriter();
    pushTrailEvent(Date.now(), project.id, null, "VALID", "GET", "/", null, null, null, null);
    await flushTrail();
    const today = Date.now();
    expect(await partitionsOf(project.id)).toEqual([`RequestEvent_${project.id.replaceAll("-", "")}_${dayName(today)}`]);
    const result = await maintainTrail();
    expect(result?.created).toBeGreaterThanOrEqual(3);
    const names = await partitionsOf(project.id);
    for (let d = 0; d <= 3; d++) expect(names).toContain(`RequestEvent_${project.id.replaceAll("-", "")}_${dayName(today + d * DAY_MS)}`);
  });

  it("drops whole day partitions past each project's own retention, and what derives from them", async () => {
    const short = await createProject();
    const long = await createProject();
    await db.project.update({ where: { id: short.id }, data: { requestRetentionDays: 1 } });
    await db.project.update({ where: { id: long.id }, data: { requestRetentionDays: 30 } });
    const shortKey = await createApiKey(actor, { projectId: short.id, name: "short", expiry: "30d", constraints: [] }, context);
    startWriter();
    const threeDaysAgo = Date.now() - 3 * DAY_MS;
    for (const [project, key] of [[short.id, shortKey.id], [long.id, null]] as const) {
      pushTrailEvent(threeDaysAgo, project, key, "VALID", "GET", "/old", "192.0.2.1", null, null, null);
      pushTrailEvent(Date.now(), project, key, "VALID", "GET", "/new", null, null, null, null);
    }
    await flushTrail();
    await client.query(`UPDATE "KeyClientIp" SET "lastSeenAt" = $1 WHERE "keyId" = $2`, [new Date(threeDaysAgo), shortKey.id]);

    const result = await maintainTrail();
    const oldDay = `_${dayName(threeDaysAgo)}`;
    expect(result?.dropped).toContain(`RequestEvent_${short.id.replaceAll("-", "")}${oldDay}`);
    // Only the short project's, and none of its last two days (kept ≥ 1 day, ≤ 2).
    const recent = [dayName(Date.now()), dayName(Date.now() - DAY_MS)];
    for (const name of result?.dropped ?? []) {
      expect(name.startsWith(`RequestEvent_${short.id.replaceAll("-", "")}_`)).toBe(true);
      expect(recent).not.toContain(name.slice(-8));
    }
    expect(await partitionsOf(short.id)).not.toContain(`RequestEvent_${short.id.replaceAll("-", "")}${oldDay}`);
    expect(await partitionsOf(long.id)).toContain(`RequestEvent_${long.id.replaceAll("-", "")}${oldDay}`);
    expect(await count(`SELECT count(*) AS n FROM "RequestEvent" WHERE "projectId" = $1`, [short.id])).toBe(1);
    expect(await count(`SELECT count(*) AS n FROM "RequestEvent" WHERE "projectId" = $1`, [long.id])).toBe(2);
    expect(await count(`SELECT count(*) AS n FROM "KeyClientIp" WHERE "keyId" = $1`, [shortKey.id])).toBe(0);
  });

  it("refuses to let a caller create partitions far from today or for a project that does not exist", async () => {
    await expect(client.query(`SELECT keydesk_trail_ensure_partitions($1, current_date - 500, current_date - 499)`, [projectId])).rejects.toThrow(/out of range/);
    await expect(client.query(`SELECT keydesk_trail_ensure_partitions(gen_random_uuid(), current_date, current_date)`)).rejects.toThrow(/no project/);
  });
});

describe("a database that stops", () => {
  let proxy: TcpProxy;

  beforeEach(async () => {
    const target = new URL(url());
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port) });
  });

  afterEach(async () => {
    await proxy.close();
  });

  it("keeps the newest events within its bound, counts the dropped ones and writes them as a gap once it is back", async () => {
    configureTrailBuffer({ capacity: 1000, enabled: true });
    startWriter(proxy.urlFor(url()));
    await proxy.stop();
    const start = Date.now() - 60_000;
    for (let i = 0; i < 1000; i++) pushTrailEvent(start + i, projectId, keyId, "VALID", "GET", "/first", null, null, null, null);
    await expect(flushTrail()).rejects.toThrow();
    // The failed batch is held for retrying; the ring fills again and then drops its oldest.
    for (let i = 0; i < 1500; i++) pushTrailEvent(start + 10_000 + i, projectId, keyId, "VALID", "GET", "/second", null, null, null, null);
    expect(trailBufferStats()).toMatchObject({ buffered: 1000, dropped: 500 });
    expect(trailWriterStats().inFlight).toBe(1000);

    await proxy.resume();
    await flushTrail();
    expect(await count(`SELECT count(*) AS n FROM "RequestEvent" WHERE "path" = '/first'`)).toBe(1000);
    expect(await count(`SELECT count(*) AS n FROM "RequestEvent" WHERE "path" = '/second'`)).toBe(1000);
    const { rows } = await client.query(`SELECT "events", "firstAt", "lastAt" FROM "RequestTrailGap" WHERE "projectId" = $1`, [projectId]);
    expect(rows).toEqual([{ events: 500, firstAt: new Date(start + 10_000), lastAt: new Date(start + 10_499) }]);
  });
});

describe("stopping", () => {
  it("writes everything still buffered before it stops", async () => {
    startWriter();
    const now = Date.now();
    for (let i = 0; i < 777; i++) pushTrailEvent(now, projectId, keyId, "VALID", "GET", "/shutdown", null, null, null, null);
    const result = await stopTrailWriter({ timeoutMs: 5000 });
    expect(result).toEqual({ written: 777, lost: 0 });
    expect(await count(`SELECT count(*) AS n FROM "RequestEvent" WHERE "path" = '/shutdown'`)).toBe(777);
  });
});
