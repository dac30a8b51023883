// The request trail's benchmark (issue 14), run by `npm run bench` and alone with
// BENCH_ONLY=trail. Three measurements, each against its own same-run baseline:
//
// 1. Warm verify with the trail on against the trail off: two fresh servers on the same database,
//    started alike but for KEYDESK_TRAIL=off, alternating, BENCH_ROUNDS times: ≥ 85% of the
//    throughput, p99 within 1.5×. (Not the bench's own server: by now it holds 100,000 cached
//    keys and a grown heap, which a fresh "off" server would not — a difference that is not the
//    trail's.) Before each "off" run the "on" server's writer is drained, so its background work
//    never lands in the other's measurement.
// 2. Sustained ingest: BENCH_TRAIL_INGEST_SEC (60) seconds of verification at full speed, every
//    request marked with a user agent unique to the run; afterwards the rows with that marker are
//    counted and must equal the VALID answers, with no drops, and memory after a collection is
//    compared with memory before.
// 3. The Requests page over BENCH_TRAIL_EVENTS (10,000,000) events seeded with COPY over 30
//    days: filtered by a busy key, and by DELETE + a path prefix, over 7 days: p95 ≤ 300 ms.
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { performance } from "node:perf_hooks";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { envNumber, root, serverStats, type Harness } from "@/bench/harness";
import { signIn, sleep, timePage, type PageTiming } from "@/bench/http";
import { median, runLoad, type LoadResult } from "@/bench/load";
import type { Target } from "@/bench/report";
import { seedKeys, type SeededKey } from "@/bench/seed";
import { startServer, type ServerHandle } from "@/bench/server";
import { findFreePort } from "@/lib/db/embedded-postgres";
import { DAY_MS } from "@/lib/dates";

const CONNECTIONS = 16;
const PAGE_SAMPLES = 20;

export interface TrailScenarioContext {
  harness: Harness;
  /** The run's own database connection. */
  db: pg.Client;
  /** The bench's server (trail on). */
  server: ServerHandle;
  /** Environment to start the trail-off server with (the same database and data directory). */
  serverEnv: Record<string, string>;
  logDir: string;
  projectId: string;
  adminId: string;
  adminEmail: string;
  adminPassword: string;
  /** A key of `projectId` that verifies VALID, without constraints. */
  plainKey: { secret: string };
}

export interface TrailResults {
  settings: { rounds: number; durationSec: number; ingestSec: number; seededEvents: number; seedSeconds: number; bytesPerEvent: number };
  rounds: { off: LoadResult; on: LoadResult }[];
  ingest: {
    answered: number;
    valid: number;
    stored: number;
    dropped: number;
    rps: number;
    heapBefore: number;
    heapAfter: number;
    rssBefore: number;
    rssAfter: number;
    maxBuffered: number;
    drainSeconds: number;
  };
  pages: { name: string; path: string; timing: PageTiming }[];
}

type Stats = Awaited<ReturnType<typeof serverStats>> & { trail: { buffered: number; inFlight: number; dropped: number; written: number } };

async function trailStats(server: ServerHandle, gc = false): Promise<Stats> {
  return (await serverStats(server, { gc })) as Stats;
}

/** Waits until the server's trail has written everything it buffered (up to `timeoutMs`). */
async function trailDrained(server: ServerHandle, timeoutMs = 60_000): Promise<number> {
  const started = performance.now();
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(200)) {
    const { trail } = await trailStats(server);
    if (trail.buffered === 0 && trail.inFlight === 0) return (performance.now() - started) / 1000;
  }
  throw new Error(`the request trail of server ${server.name} did not drain within ${timeoutMs / 1000} s`);
}

// ---- seeding ----------------------------------------------------------------------------------

const METHODS: [string, number][] = [["GET", 0.7], ["POST", 0.15], ["PUT", 0.05], ["PATCH", 0.04], ["DELETE", 0.06]];
const RESOURCES = ["invoices", "customers", "orders", "users", "reports", "webhooks"];
const AGENTS = ["billing-sync/2.3", "python-requests/2.32", "Go-http-client/1.1", "okhttp/4.12", "curl/8.5"];

function pick(weights: [string, number][], r: number): string {
  let sum = 0;
  for (const [value, weight] of weights) {
    sum += weight;
    if (r < sum) return value;
  }
  return weights[weights.length - 1]?.[0] ?? "";
}

/** `total` events over the 30 days before now, in time order, as COPY text chunks. */
function* eventChunks(total: number, projectId: string, keyIds: string[], now: number): Generator<string> {
  const days = 30;
  const perDay = Math.ceil(total / days);
  let written = 0;
  let chunk = "";
  for (let d = days - 1; d >= 0 && written < total; d--) {
    const dayStart = Math.floor((now - d * DAY_MS) / DAY_MS) * DAY_MS;
    const span = Math.min(DAY_MS, now - dayStart - 60_000);
    for (let i = 0; i < perDay && written < total; i++, written++) {
      const at = new Date(dayStart + ((i + Math.random()) / perDay) * span).toISOString();
      // Skewed towards the first keys, as real traffic is: keyIds[0] is the busiest.
      const key = keyIds[Math.floor(Math.random() ** 2 * keyIds.length)] as string;
      const method = pick(METHODS, Math.random());
      const resource = RESOURCES[Math.floor(Math.random() * RESOURCES.length)] as string;
      const path = Math.random() < 0.3 ? `/${resource}` : `/${resource}/${Math.floor(Math.random() * 100_000)}`;
      const outcome = Math.random() < 0.96 ? "VALID" : "FORBIDDEN";
      const ip = `198.51.${Math.floor(Math.random() * 4)}.${Math.floor(Math.random() * 250)}`;
      const agent = AGENTS[Math.floor(Math.random() * AGENTS.length)] as string;
      chunk += `${at}\t${projectId}\t${key}\t${outcome}\t${method}\t${path}\t${ip}\t${agent}\t\\N\t\\N\n`;
      if (chunk.length > 1 << 20) {
        yield chunk;
        chunk = "";
      }
    }
  }
  if (chunk) yield chunk;
}

async function seedEvents(ctx: TrailScenarioContext, total: number, keyIds: string[]): Promise<number> {
  const now = Date.now();
  const today = new Date(now).toISOString().slice(0, 10);
  await ctx.db.query(`SELECT keydesk_trail_ensure_partitions($1, $2::date - 30, $2::date)`, [ctx.projectId, today]);
  await pipeline(
    Readable.from(eventChunks(total, ctx.projectId, keyIds, now)),
    ctx.db.query(copyFrom(`COPY "RequestEvent" ("at", "projectId", "keyId", "outcome", "method", "path", "ip", "userAgent", "requestId", "matchedConstraint") FROM STDIN`)),
  );
  // What autovacuum would have done by the time a real trail held this much.
  await ctx.db.query(`VACUUM (ANALYZE) "RequestEvent"`);
  const { rows } = await ctx.db.query<{ bytes: string; events: string }>(
    `SELECT sum(pg_total_relation_size(c.oid))::bigint AS bytes,
            (SELECT count(*) FROM "RequestEvent" WHERE "projectId" = $1)::bigint AS events
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'keydesk_trail' AND c.relkind = 'r' AND c.relname LIKE $2`,
    [ctx.projectId, `RequestEvent_${ctx.projectId.replaceAll("-", "")}_%`],
  );
  return Number(rows[0]?.bytes) / Math.max(1, Number(rows[0]?.events));
}

// ---- the scenario -----------------------------------------------------------------------------

export async function runTrailScenario(ctx: TrailScenarioContext): Promise<TrailResults> {
  const { harness, server } = ctx;
  const log = (message: string) => harness.log(`trail: ${message}`);
  const rounds = envNumber("BENCH_ROUNDS", 3);
  const durationSec = envNumber("BENCH_DURATION", 5);
  const ingestSec = envNumber("BENCH_TRAIL_INGEST_SEC", 60);
  const seededEvents = envNumber("BENCH_TRAIL_EVENTS", 10_000_000);

  log("starting two fresh servers, the trail on and off (KEYDESK_TRAIL=off)");
  const on = await startServer({ name: "trail-on", root, port: await findFreePort(), env: ctx.serverEnv, logDir: ctx.logDir });
  harness.onCleanup("trail-on server", () => on.stop());
  const off = await startServer({ name: "trail-off", root, port: await findFreePort(), env: { ...ctx.serverEnv, KEYDESK_TRAIL: "off" }, logDir: ctx.logDir });
  harness.onCleanup("trail-off server", () => off.stop());

  // A verification as an API behind Keydesk sends it: project, method, path, client and agent.
  const body = (agent: string) =>
    JSON.stringify({ key: ctx.plainKey.secret, project: "default", method: "DELETE", path: "/invoices/12", ip: "203.0.113.7", userAgent: agent, requestId: "bench" });
  const url = (s: ServerHandle) => `${s.baseUrl}/api/v1/keys/verify`;
  for (const s of [on, off]) await runLoad({ url: url(s), method: "POST", connections: CONNECTIONS, durationSec: 3, body: body("warm-up") });
  await trailDrained(on);

  const results: TrailResults["rounds"] = [];
  for (let round = 1; round <= rounds; round++) {
    harness.sampleLoad();
    const offRun = await runLoad({ url: url(off), method: "POST", connections: CONNECTIONS, durationSec, body: body("bench-off") });
    const onRun = await runLoad({ url: url(on), method: "POST", connections: CONNECTIONS, durationSec, body: body("bench-on") });
    await trailDrained(on);
    results.push({ off: offRun, on: onRun });
    log(`round ${round}/${rounds}: off ${offRun.rps.toFixed(0)} req/s p99 ${offRun.latency?.p99.toFixed(2)} ms; on ${onRun.rps.toFixed(0)} req/s p99 ${onRun.latency?.p99.toFixed(2)} ms`);
  }
  await off.stop();
  await on.stop();

  log(`sustained ingest: ${ingestSec} s at full speed`);
  const marker = `bench-ingest-${Date.now()}`;
  const before = await trailStats(server, true);
  let maxBuffered = 0;
  const sampler = setInterval(() => {
    void trailStats(server)
      .then((stats) => {
        maxBuffered = Math.max(maxBuffered, stats.trail.buffered + stats.trail.inFlight);
      })
      .catch(() => undefined);
  }, 1000);
  const ingest = await runLoad({ url: url(server), method: "POST", connections: CONNECTIONS, durationSec: ingestSec, body: body(marker), recordLatencies: false }).finally(() =>
    clearInterval(sampler),
  );
  const drainSeconds = await trailDrained(server);
  const after = await trailStats(server, true);
  const { rows } = await ctx.db.query<{ n: string }>(`SELECT count(*) AS n FROM "RequestEvent" WHERE "projectId" = $1 AND "userAgent" = $2`, [ctx.projectId, marker]);
  const stored = Number(rows[0]?.n);
  log(`ingest: ${ingest.ok2xx} answered, ${stored} stored, ${after.trail.dropped - before.trail.dropped} dropped, drained ${drainSeconds.toFixed(1)} s after the run`);

  log(`seeding ${seededEvents.toLocaleString("en")} events with COPY (1,000 keys, 30 days)`);
  const seedStarted = performance.now();
  const keys: SeededKey[] = await seedKeys(ctx.db, { projectId: ctx.projectId, prefix: "kd", createdById: ctx.adminId, count: 1000 });
  const { rows: keyRows } = await ctx.db.query<{ id: string; publicId: string }>(`SELECT "id", "publicId" FROM "ApiKey" WHERE "publicId" = ANY($1)`, [keys.map((k) => k.publicId)]);
  const byPublicId = new Map(keyRows.map((row) => [row.publicId, row.id]));
  const keyIds = keys.map((k) => byPublicId.get(k.publicId) as string);
  const bytesPerEvent = await seedEvents(ctx, seededEvents, keyIds);
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  log(`seeded in ${seedSeconds.toFixed(0)} s; ${bytesPerEvent.toFixed(0)} bytes per event on disk (table and indexes)`);

  const cookie = await signIn(server.baseUrl, ctx.adminEmail, ctx.adminPassword);
  const variants = [
    { name: "a busy key, 7 days", path: `/requests?key=${keys[0]?.publicId}`, expect: "data-request-id" },
    { name: "DELETE + path prefix /invoices, 7 days", path: "/requests?method=DELETE&path=%2Finvoices", expect: "data-request-id" },
    { name: "unfiltered, 7 days", path: "/requests", expect: "data-request-id" },
  ];
  const pages: TrailResults["pages"] = [];
  for (const variant of variants) {
    const timing = await timePage(`${server.baseUrl}${variant.path}`, { cookie }, { samples: PAGE_SAMPLES, warmup: 3, expect: (html) => html.includes(variant.expect) });
    pages.push({ name: variant.name, path: variant.path, timing });
    log(`Requests page, ${variant.name}: p50 ${timing.p50.toFixed(1)} ms, p95 ${timing.p95.toFixed(1)} ms`);
  }

  return {
    settings: { rounds, durationSec, ingestSec, seededEvents, seedSeconds, bytesPerEvent },
    rounds: results,
    ingest: {
      answered: ingest.requests,
      valid: ingest.ok2xx,
      stored,
      dropped: after.trail.dropped - before.trail.dropped,
      rps: ingest.rps,
      heapBefore: before.memory.heapUsed,
      heapAfter: after.memory.heapUsed,
      rssBefore: before.memory.rss,
      rssAfter: after.memory.rss,
      maxBuffered,
      drainSeconds,
    },
    pages,
  };
}

export function trailTargets(r: TrailResults): Target[] {
  const ratio = median(r.rounds.map((x) => x.on.rps / x.off.rps));
  const p99Ratio = median(r.rounds.map((x) => (x.on.latency?.p99 ?? Number.NaN) / (x.off.latency?.p99 ?? Number.NaN)));
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
  const targets: Target[] = [
    {
      scenario: "verify, warm key, request trail on vs off (two fresh servers, same database)",
      target: "≥ 85% of the req/s with the trail off; p99 ≤ 1.5×",
      measured: `${(ratio * 100).toFixed(0)}% of the req/s (${median(r.rounds.map((x) => x.on.rps)).toFixed(0)} vs ${median(r.rounds.map((x) => x.off.rps)).toFixed(0)}); p99 ${p99Ratio.toFixed(2)}×`,
      met: ratio >= 0.85 && p99Ratio <= 1.5,
    },
    {
      scenario: `request trail, sustained ingest (${r.settings.ingestSec} s at full speed)`,
      target: "every answered verification's event stored (counted in the table; ≤ 16 more for requests in flight at the stop); memory flat",
      measured: `${r.ingest.stored.toLocaleString("en")} of ${r.ingest.valid.toLocaleString("en")} answered verifications stored at ${r.ingest.rps.toFixed(0)}/s, ${r.ingest.dropped} dropped, at most ${r.ingest.maxBuffered.toLocaleString("en")} waiting; heap after GC ${mib(r.ingest.heapBefore)} → ${mib(r.ingest.heapAfter)}, RSS ${mib(r.ingest.rssBefore)} → ${mib(r.ingest.rssAfter)}`,
      // Requests still in flight when the load stopped were answered (and recorded) after the
      // client stopped counting: at most one per connection more than the answers counted.
      met:
        r.ingest.stored >= r.ingest.valid &&
        r.ingest.stored <= r.ingest.valid + CONNECTIONS &&
        r.ingest.dropped === 0 &&
        r.ingest.heapAfter <= r.ingest.heapBefore * 1.25 + 16 * 2 ** 20,
    },
  ];
  for (const page of r.pages.slice(0, 2)) {
    targets.push({
      scenario: `Requests page over ${r.settings.seededEvents.toLocaleString("en")} events: ${page.name}`,
      target: "server time p95 ≤ 300 ms",
      measured: `p95 ${page.timing.p95.toFixed(1)} ms (p50 ${page.timing.p50.toFixed(1)} ms)`,
      met: page.timing.p95 <= 300,
    });
  }
  return targets;
}

/** BENCH_ONLY=trail: the targets and the page timings on the console. */
export function renderTrailOnly(r: TrailResults): string {
  const lines = [`Request trail (${r.settings.seededEvents.toLocaleString("en")} events seeded in ${r.settings.seedSeconds.toFixed(0)} s, ${r.settings.bytesPerEvent.toFixed(0)} bytes per event on disk)`];
  for (const t of trailTargets(r)) lines.push(`  ${t.met ? "met    " : "NOT met"}  ${t.scenario}: ${t.measured} (target: ${t.target})`);
  for (const page of r.pages.slice(2)) lines.push(`  (info)   Requests page, ${page.name}: p95 ${page.timing.p95.toFixed(1)} ms`);
  return lines.join("\n");
}
