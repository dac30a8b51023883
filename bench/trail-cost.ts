// What the request trail costs per event, in-process and without the HTTP server: events go
// through pushTrailEvent → the writer → the real PostgreSQL sink on an embedded PostgreSQL with
// production settings (fsync on), and the CPU each side spends is read from the kernel.
//
//   npx tsx bench/trail-cost.ts            (TRAIL_COST_EVENTS=200000, TRAIL_COST_ROUNDS=3)
//   TRAIL_COST_SHAPE=bench …               every event alike, as `npm run bench` sends them
//   TRAIL_COST_SQL='DROP INDEX …' …        SQL run after migrating: to try a schema change
//   TRAIL_COST_PACED_SEC=20 …              then events at 6,000/s for 20 s, written every second
//
// Reports µs per event of Node CPU for pushing, for formatting a batch (timed alone on a copy of
// the events, without the database) and for the whole write (format, COPY, upserts, driver), and
// of PostgreSQL CPU (every process of the server: backends, WAL writer, checkpointer…). The
// issue's target is end to end (≥ 85% of the verify throughput); this says where the cost is.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { ensureAppLogin } from "@/lib/db/app-role";
import { startEmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { ensureDatabase, migrate } from "@/lib/db/migrator";
import { configureTrailBuffer, pushTrailEvent, takeTrailBatch } from "@/lib/trail/buffer";
import { CopyBinaryBuffer } from "@/lib/trail/copy-binary";
import { prepareTrailBatch } from "@/lib/trail/postgres-batch";
import { PostgresTrailSink } from "@/lib/trail/postgres-sink";
import { flushTrail, startTrailWriter, stopTrailWriter } from "@/lib/trail/writer";
import type { KeyConstraint } from "@/lib/keys/constraints";

const EVENTS = Number(process.env.TRAIL_COST_EVENTS ?? 200_000);
const ROUNDS = Number(process.env.TRAIL_COST_ROUNDS ?? 3);
const SHAPE = process.env.TRAIL_COST_SHAPE === "bench" ? "bench" : "varied";
const BATCH = Number(process.env.KEYDESK_TRAIL_BATCH ?? 10_000);
/** Events per second the timestamps are spread at: about what the server answers on this machine. */
const RATE = 6_000;
const TICK_SECONDS = 1 / 100; // USER_HZ on Linux

function nodeCpuUs(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** CPU seconds of the PostgreSQL server: the postmaster and every process it started. */
function postgresCpuSeconds(postmasterPid: number): number {
  let ticks = 0;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
    } catch {
      continue;
    }
    // Fields after the command name (which may hold spaces, so split after its closing paren).
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const pid = Number(entry);
    const ppid = Number(fields[1]);
    if (pid !== postmasterPid && ppid !== postmasterPid) continue;
    ticks += Number(fields[11]) + Number(fields[12]); // utime, stime
  }
  return ticks * TICK_SECONDS;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Fixture {
  projectId: string;
  keyIds: string[];
}

async function seed(client: pg.Client): Promise<Fixture> {
  const { rows: users } = await client.query<{ id: string }>(
    `INSERT INTO "User" ("email", "name", "role") VALUES ('cost@example.com', 'Cost', 'admin') RETURNING "id"`,
  );
  const { rows: projects } = await client.query<{ id: string }>(
    `INSERT INTO "Project" ("name", "slug", "keyPrefix") VALUES ('Cost', 'cost', 'cost') RETURNING "id"`,
  );
  const projectId = projects[0]?.id as string;
  const keyIds: string[] = [];
  for (let i = 0; i < 20; i++) {
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO "ApiKey" ("publicId", "projectId", "name", "displayPrefix", "last4", "hash", "createdById")
       VALUES ($1, $2, $3, 'cost_abc', 'abcd', $4, $5) RETURNING "id"`,
      [`key${String(i).padStart(20, "0")}`, projectId, `key ${i}`, crypto.randomBytes(32).toString("hex"), users[0]?.id],
    );
    keyIds.push(rows[0]?.id as string);
  }
  return { projectId, keyIds };
}

const METHODS = ["GET", "GET", "GET", "POST", "DELETE", "PUT"];
const RESOURCES = ["invoices", "customers", "orders", "users", "reports"];
const AGENTS = ["billing-sync/2.3 (+https://example.com/bot)", "python-requests/2.32.3", "Go-http-client/1.1", "okhttp/4.12.0"];
const PREFIX: KeyConstraint = { type: "prefix", value: "/invoices", methods: ["GET", "DELETE"] } as KeyConstraint;

/** Arguments of `count` events, made before timing so that only pushing is measured. */
function makeEvents(fixture: Fixture, count: number, start: number): Parameters<typeof pushTrailEvent>[] {
  const events: Parameters<typeof pushTrailEvent>[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const at = Math.floor(start + (i * 1000) / RATE);
    if (SHAPE === "bench") {
      events[i] = [at, fixture.projectId, fixture.keyIds[0] as string, "VALID", "DELETE", "/invoices/12", "203.0.113.7", "bench-on", "bench", null];
      continue;
    }
    const key = fixture.keyIds[Math.floor(Math.random() ** 2 * fixture.keyIds.length)] as string;
    const resource = RESOURCES[i % RESOURCES.length] as string;
    const outcome = i % 25 === 0 ? "FORBIDDEN" : "VALID";
    events[i] = [
      at,
      fixture.projectId,
      key,
      outcome,
      METHODS[i % METHODS.length] as string,
      i % 3 === 0 ? `/${resource}` : `/${resource}/${(i * 7919) % 100_000}`,
      `198.51.100.${i % 50}`,
      AGENTS[i % AGENTS.length] as string,
      i % 2 === 0 ? crypto.randomUUID() : null,
      resource === "invoices" && outcome === "VALID" ? PREFIX : null,
    ];
  }
  return events;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/**
 * As the server does it: events arrive at RATE a second, in 10 ms slices, and the writer drains
 * them on its own 1 s timer, so batches are a second's worth and per-batch costs count as they do.
 */
async function paced(fixture: Fixture, url: string, postmasterPid: number, seconds: number): Promise<void> {
  startTrailWriter({ sink: new PostgresTrailSink({ connectionString: url }), intervalMs: 1_000, maintenanceIntervalMs: 0, log: console.error });
  const total = RATE * seconds;
  const events = makeEvents(fixture, total, Date.now());
  await sleep(1_500);
  const pgBefore = postgresCpuSeconds(postmasterPid);
  const t0 = nodeCpuUs();
  const started = Date.now();
  let pushed = 0;
  while (pushed < total) {
    const due = Math.min(total, Math.floor(((Date.now() - started) / 1000) * RATE));
    for (; pushed < due; pushed++) pushTrailEvent(...(events[pushed] as Parameters<typeof pushTrailEvent>));
    await sleep(10);
  }
  await flushTrail();
  const t1 = nodeCpuUs();
  await sleep(1_000);
  // Before the writer stops: its connections' backends exit with it, and their CPU time with them.
  const pgAfter = postgresCpuSeconds(postmasterPid);
  await stopTrailWriter();
  console.log(
    `paced, ${RATE.toLocaleString("en")} ${SHAPE} events a second for ${seconds} s, written every second: Node ${((t1 - t0) / total).toFixed(2)} µs per event ` +
      `(pushing, the writer and the pacing loop), PostgreSQL ${(((pgAfter - pgBefore) * 1e6) / total).toFixed(2)} µs per event`,
  );
}

async function main(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), "keydesk-trail-cost-"));
  fs.chmodSync(tmp, 0o755);
  const postgres = await startEmbeddedPostgres({ dataDir: path.join(tmp, "postgres") });
  const client = new pg.Client({ connectionString: postgres.url() });
  try {
    await ensureDatabase(postgres.url(), "keydesk");
    await ensureAppLogin(postgres.url(), crypto.randomBytes(18).toString("base64url"));
    await migrate(postgres.url("keydesk"));
    await client.connect();
    await client.end();
    const db = new pg.Client({ connectionString: postgres.url("keydesk") });
    await db.connect();
    const fixture = await seed(db);
    if (process.env.TRAIL_COST_SQL) await db.query(process.env.TRAIL_COST_SQL);
    const postmasterPid = Number(fs.readFileSync(path.join(postgres.dataDir, "postmaster.pid"), "utf8").split("\n")[0]);

    configureTrailBuffer({ capacity: EVENTS + 1, maxBytes: 1 << 30, enabled: true });
    startTrailWriter({ sink: new PostgresTrailSink({ connectionString: postgres.url("keydesk") }), intervalMs: 3_600_000, batchSize: BATCH, maintenanceIntervalMs: 0, log: console.error });

    // Warm-up: JIT, today's partitions, the connection pool.
    for (const args of makeEvents(fixture, 20_000, Date.now())) pushTrailEvent(...args);
    await flushTrail();

    const push: number[] = [];
    const format: number[] = [];
    const write: number[] = [];
    const database: number[] = [];
    for (let round = 1; round <= ROUNDS; round++) {
      const events = makeEvents(fixture, EVENTS, Date.now());
      // Formatting alone, on a copy taken out of the buffer (then discarded).
      for (const args of events) pushTrailEvent(...args);
      const out = new CopyBinaryBuffer();
      let formatUs = 0;
      for (let copy = takeTrailBatch(BATCH); copy; copy = takeTrailBatch(BATCH)) {
        const started = nodeCpuUs();
        prepareTrailBatch(copy, new Set(), out);
        formatUs += nodeCpuUs() - started;
      }
      format.push(formatUs / EVENTS);

      await sleep(500);
      const pgBefore = postgresCpuSeconds(postmasterPid);
      const t0 = nodeCpuUs();
      for (const args of events) pushTrailEvent(...args);
      const t1 = nodeCpuUs();
      await flushTrail();
      const t2 = nodeCpuUs();
      // Let the WAL writer and the backend finish what the commits started.
      await sleep(1_000);
      const pgAfter = postgresCpuSeconds(postmasterPid);
      push.push((t1 - t0) / EVENTS);
      write.push((t2 - t1) / EVENTS);
      database.push(((pgAfter - pgBefore) * 1e6) / EVENTS);
      console.log(
        `round ${round}: push ${push.at(-1)?.toFixed(2)} µs, format ${format.at(-1)?.toFixed(2)} µs, write (format + COPY + upserts) ${write.at(-1)?.toFixed(2)} µs, ` +
          `PostgreSQL ${database.at(-1)?.toFixed(2)} µs per event`,
      );
    }
    const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM "RequestEvent"`);
    console.log(
      `${SHAPE} events, ${EVENTS.toLocaleString("en")} per round, batches of ${BATCH.toLocaleString("en")}; median µs per event: ` +
        `push ${median(push).toFixed(2)}, format ${median(format).toFixed(2)}, write ${median(write).toFixed(2)}, ` +
        `Node total ${(median(push) + median(write)).toFixed(2)}, PostgreSQL ${median(database).toFixed(2)} (${rows[0]?.n} rows stored)`,
    );
    await stopTrailWriter();
    const pacedSec = Number(process.env.TRAIL_COST_PACED_SEC ?? 0);
    if (pacedSec > 0) await paced(fixture, postgres.url("keydesk"), postmasterPid, pacedSec);
    await db.end();
  } finally {
    await postgres.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
