// `npm run bench`: builds Keydesk if needed, runs it in production mode on a fresh embedded
// PostgreSQL, seeds 100,000 keys, drives load with autocannon from this process and writes
// bench/results.json and docs/benchmarks.md. See docs/benchmarks.md for what is measured and how.
//
// Every throughput and latency figure is set against two ceilings measured in the same run and
// the same round: a no-op route on the lean path (answered before Next, like verification) and a
// no-op Next.js route handler. Both exist only with KEYDESK_BENCH=1. Each scenario runs in every
// round (3 by default) and the report gives the median; ratios are taken within a round.
//
// Knobs (for trying the harness out, not for published figures): BENCH_ROUNDS, BENCH_DURATION
// (seconds per run), BENCH_KEYS, BENCH_SOAK (verifications for the memory figure),
// BENCH_BUDGET_SEC (whole-run budget the soak fits into, default 570), BENCH_REVOCATIONS,
// BENCH_NO_DOCS=1 (do not rewrite docs/benchmarks.md), BENCH_ONLY=pages (seed, then only the
// Settings → API Keys timings, printed to the console; no verification rounds, revocation or memory
// soak, and neither bench/results.json nor docs/benchmarks.md is written), BENCH_ONLY=scale (seed,
// then only the scale and attack scenarios of bench/scenarios/scale.ts, on the console; their own
// knobs are SCALE_KEYS and SCALE_WARMUP_SEC), BENCH_NO_SCALE=1 (the full run without them),
// BENCH_ONLY=trail (the request trail's scenario alone, bench/scenarios/trail.ts, with its own knobs
// BENCH_TRAIL_INGEST_SEC and BENCH_TRAIL_EVENTS; printed, nothing written),
// BENCH_ONLY=limits (only the usage-limits scenario, bench/scenarios/limits.ts, on the console,
// without seeding; nothing written), BENCH_ONLY=regex (only the regex-cost scenario,
// bench/scenarios/regex.ts: sign-in latency while 20 clients verify against costly regex keys;
// knob BENCH_REGEX_SEC; without seeding, nothing written).
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import type pg from "pg";
import { build, createHarness, envNumber, machine, makeTmpDir, root, runEntrypoint, serverStats, startDatabase, statementsDuring } from "@/bench/harness";
import { median, runLoad, summarize, type LoadResult } from "@/bench/load";
import { rscUrl, signIn, sleep, timePage, verify } from "@/bench/http";
import { renderMarkdown, renderConsole, type BenchResults, type Target } from "@/bench/report";
import { limitsTargets, renderLimits, runLimitsScenario, type LimitsScenarioContext } from "@/bench/scenarios/limits";
import { regexTargets, renderRegex, runRegexScenario } from "@/bench/scenarios/regex";
import { adminId, insertKey, projectIdBySlug, seedKeys, type SeededKey } from "@/bench/seed";
import { runScaleScenario, type ScaleContext } from "@/bench/scenarios/scale";
import { renderScaleConsole, scaleTargets } from "@/bench/scenarios/scale-report";
import { renderTrailOnly, runTrailScenario, trailTargets, type TrailScenarioContext } from "@/bench/scenarios/trail";
import { startServer, type ServerHandle } from "@/bench/server";
import { findFreePort } from "@/lib/db/embedded-postgres";

const harness = createHarness("bench");
const { log, sampleLoad, started } = harness;

const ROUNDS = envNumber("BENCH_ROUNDS", 3);
const DURATION = envNumber("BENCH_DURATION", 5);
const DISTINCT_DURATION = envNumber("BENCH_DURATION", 8);
const KEY_COUNT = envNumber("BENCH_KEYS", 100_000);
const SOAK_VERIFICATIONS = envNumber("BENCH_SOAK", 1_000_000);
const REVOCATIONS = envNumber("BENCH_REVOCATIONS", 30);
const ONLY = process.env.BENCH_ONLY ?? "";
if (ONLY !== "" && ONLY !== "pages" && ONLY !== "scale" && ONLY !== "trail" && ONLY !== "limits" && ONLY !== "regex") throw new Error(`BENCH_ONLY=${ONLY}: the scenarios that can run alone are "pages", "scale", "trail", "limits" and "regex"`);
const SCALE = process.env.BENCH_NO_SCALE !== "1";
/** Enough for the key-state cache to hold every one of the scale scenario's 1,000,000 keys. */
const KEY_CACHE_MB = process.env.KEYDESK_KEY_CACHE_MB ?? "512";
const CONNECTIONS = 16;
/** `npm run bench` must finish within 10 minutes on the reference machine (2 cores). */
const TIME_BUDGET_MS = envNumber("BENCH_BUDGET_SEC", 570) * 1000;
const PAGE_SAMPLES = 20;
const RSC_SAMPLES = 10;
const PAGE_VARIANTS = [
  { name: "first page", query: "", expect: "bench-" },
  { name: "search q=globex", query: "?q=globex", expect: "partner-globex" },
  { name: "status=active", query: "?status=active", expect: "-" },
  { name: "page 500", query: "?page=500", expect: "-" },
];
/** Longer than the usage flush interval (2 s) plus PostgreSQL's statistics delay (≤ 1 s idle). */
const SETTLE_MS = 3_500;
const ADMIN_EMAIL = "bench-admin@keydesk.test";
const ADMIN_PASSWORD = `Bench-${crypto.randomBytes(9).toString("base64url")}`;
const HOSTILE_PATTERN = "/(a+)+b";
const HOSTILE_PATH = `/${"a".repeat(4095)}`;

interface DbCounters {
  xactCommit: number;
  usageRowWrites: number;
  keyRowUpdates: number;
}

async function dbCounters(client: pg.Client): Promise<DbCounters> {
  const { rows } = await client.query<{ xact: string; usage_rows: string; key_updates: string }>(`
    SELECT (SELECT xact_commit FROM pg_stat_database WHERE datname = current_database()) AS xact,
           (SELECT coalesce(sum(n_tup_ins + n_tup_upd), 0) FROM pg_stat_user_tables WHERE relname = 'KeyUsageDaily') AS usage_rows,
           (SELECT coalesce(sum(n_tup_upd), 0) FROM pg_stat_user_tables WHERE relname = 'ApiKey') AS key_updates`);
  const row = rows[0];
  return { xactCommit: Number(row?.xact), usageRowWrites: Number(row?.usage_rows), keyRowUpdates: Number(row?.key_updates) };
}

function diffCounters(after: DbCounters, before: DbCounters): DbCounters {
  return {
    xactCommit: after.xactCommit - before.xactCommit,
    usageRowWrites: after.usageRowWrites - before.usageRowWrites,
    keyRowUpdates: after.keyRowUpdates - before.keyRowUpdates,
  };
}

/** Waits (up to 10 s) until server A has no usage counts pending and no flush is running. */
async function usageQuiet(server: ServerHandle): Promise<void> {
  for (const deadline = Date.now() + 10_000; Date.now() < deadline; await sleep(250)) {
    const before = await serverStats(server);
    await sleep(250);
    const after = await serverStats(server);
    if (after.usage.pending === 0 && after.usage.flushes === before.usage.flushes && after.usage.failedFlushes === before.usage.failedFlushes) return;
  }
}

/** Where this run keeps its database and the servers' logs; removed at the end. */
let tmpDir: string | undefined;

/** The servers' last log lines, for a failed run (the directory is removed afterwards). */
function serverLogTails(): string {
  if (!tmpDir || !fs.existsSync(tmpDir)) return "";
  return fs
    .readdirSync(tmpDir)
    .filter((name) => /^server-.*\.log$/.test(name))
    .map((name) => `--- ${name} (last lines)\n${fs.readFileSync(path.join(tmpDir as string, name), "utf8").trimEnd().split("\n").slice(-25).join("\n")}`)
    .join("\n");
}

/** BENCH_ONLY=pages: the page timings on the console, median over the rounds as in the report. */
function renderPagesOnly(pages: BenchResults["pages"]): string {
  if (pages.missing) return `Settings → API Keys answered HTTP ${pages.status}: not measured`;
  const ms = (values: number[]) => median(values).toFixed(1).padStart(7);
  const lines = [`Settings → API Keys, median over ${ROUNDS} rounds (ms)      HTML p50  HTML p95   RSC p50   RSC p95`];
  for (const v of pages.variants) {
    lines.push(`  ${v.name.padEnd(46)}${ms(v.html.map((t) => t.p50))}  ${ms(v.html.map((t) => t.p95))}  ${ms(v.rsc.map((t) => t.p50))}  ${ms(v.rsc.map((t) => t.p95))}`);
    if (v.slowestStatement) lines.push(`    slowest SQL ${v.slowestStatement.ms.toFixed(0)} ms (${v.slowestStatement.count} > ${pages.slowStatementMs} ms): ${v.slowestStatement.sql.slice(0, 300)}`);
  }
  return lines.join("\n");
}

async function main(): Promise<BenchResults | null> {
  sampleLoad();
  log("checking the production build (scripts/build-if-needed.mjs)");
  build();

  const tmp = makeTmpDir(harness, "keydesk-bench-");
  tmpDir = tmp;
  log(`data directory ${tmp}`);
  const { postgres, serverDatabaseEnv, db, pgVersion } = await startDatabase(harness, tmp);
  const pgLogFile = `${postgres.dataDir}.log`;

  const serverEnv = {
    ...serverDatabaseEnv,
    KEYDESK_DATA_DIR: tmp,
    KEYDESK_ADMIN_EMAIL: ADMIN_EMAIL,
    KEYDESK_ADMIN_PASSWORD: ADMIN_PASSWORD,
    KEYDESK_BENCH: "1",
    KEYDESK_KEY_CACHE_MB: KEY_CACHE_MB,
    NEXTAUTH_SECRET: crypto.randomBytes(32).toString("base64url"),
  };
  log("starting Keydesk (instance A, production mode)");
  const a = await startServer({ name: "a", root, port: await findFreePort(), env: serverEnv, logDir: tmp });
  harness.onCleanup("server A", () => a.stop());
  const rssAtStart = (await serverStats(a, { gc: true })).memory.rss;
  const phases: BenchResults["memory"]["phases"] = [];
  const notePhase = async (name: string) => {
    const { memory } = await serverStats(a, { gc: true });
    phases.push({ name, rss: memory.rss, heapUsed: memory.heapUsed, external: memory.external, arrayBuffers: memory.arrayBuffers });
  };

  // ---- seed -------------------------------------------------------------------------------
  const defaultProject = await projectIdBySlug(db, "default");
  const systemProject = await projectIdBySlug(db, "keydesk-api");
  const admin = await adminId(db);
  await db.query(`UPDATE "Project" SET "activeKeyLimit" = 1000 WHERE "id" = $1`, [defaultProject]);
  const limitsContext: LimitsScenarioContext = {
    baseUrl: a.baseUrl,
    db,
    pgLogFile,
    serverUrl: (database) => postgres.url(database),
    root,
    projectId: defaultProject,
    projectSlug: "default",
    adminId: admin,
    rounds: ROUNDS,
    durationSec: DURATION,
    connections: CONNECTIONS,
    log,
    onCleanup: harness.onCleanup,
    stats: () => serverStats(a),
  };
  if (ONLY === "limits") {
    process.stdout.write(`\n${renderLimits(await runLimitsScenario(limitsContext))}\n`);
    return null;
  }
  if (ONLY === "regex") {
    const regex = await runRegexScenario({ baseUrl: a.baseUrl, db, projectId: defaultProject, projectSlug: "default", adminId: admin, log });
    process.stdout.write(`\n${renderRegex(regex)}\n`);
    return null;
  }
  log(`seeding ${KEY_COUNT.toLocaleString("en")} keys`);
  const seedStarted = performance.now();
  const keys = await seedKeys(db, { projectId: defaultProject, prefix: "kd", createdById: admin, count: KEY_COUNT });
  const plainKey = await insertKey(db, { projectId: defaultProject, prefix: "kd", createdById: admin, name: "bench-plain" });
  const regexKey = await insertKey(db, {
    projectId: defaultProject,
    prefix: "kd",
    createdById: admin,
    name: "bench-regex",
    constraints: [{ type: "regex", value: HOSTILE_PATTERN }],
  });
  const managementKey = await insertKey(db, { projectId: systemProject, prefix: "kdm", createdById: admin, name: "bench-management" });
  // What autovacuum would have done long before a real project reached 100,000 keys.
  await db.query(`VACUUM ANALYZE "ApiKey"`);
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  log(`seeded in ${seedSeconds.toFixed(1)} s`);

  const trailContext: TrailScenarioContext = {
    harness, db, server: a, serverEnv, logDir: tmp, projectId: defaultProject, adminId: admin,
    adminEmail: ADMIN_EMAIL, adminPassword: ADMIN_PASSWORD, plainKey,
  };
  if (ONLY === "trail") {
    process.stdout.write(`\n${renderTrailOnly(await runTrailScenario(trailContext))}\n\n`);
    return null;
  }

  if (ONLY === "pages") {
    const cookie = await signIn(a.baseUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
    // The first render of a route loads its code.
    for (const variant of PAGE_VARIANTS) await (await fetch(`${a.baseUrl}/settings/api-keys${variant.query}`, { headers: { cookie } })).text();
    log("Settings → API Keys with the seeded keys (BENCH_ONLY=pages)");
    process.stdout.write(`\n${renderPagesOnly(await measurePages(a, cookie, db, pgLogFile))}\n\n`);
    return null;
  }

  const scaleContext = (cookie: string): ScaleContext => ({
    harness,
    server: a,
    db,
    pgLogFile,
    existingSecrets: keys.map((key) => key.secret),
    adminId: admin,
    warmSecret: plainKey.secret,
    cookie,
    serverEnv,
    root,
    logDir: tmp,
    rounds: ROUNDS,
    durationSec: DURATION,
    connections: CONNECTIONS,
  });
  if (ONLY === "scale") {
    const scale = await runScaleScenario(scaleContext(await signIn(a.baseUrl, ADMIN_EMAIL, ADMIN_PASSWORD)));
    process.stdout.write(`\n${renderScaleConsole(scale)}\n\n`);
    return null;
  }

  // A malformed key: a real secret with its last (checksum) character changed.
  const last = plainKey.secret.slice(-1);
  const malformedKey = plainKey.secret.slice(0, -1) + (last === "A" ? "B" : "A");

  // Every key here is in the default project, and every request names it.
  const project = "default";
  const plainBody = JSON.stringify({ key: plainKey.secret, project, method: "GET", path: "/v1/orders" });
  const regexBody = JSON.stringify({ key: regexKey.secret, project, method: "GET", path: HOSTILE_PATH });
  const malformedBody = JSON.stringify({ key: malformedKey, project, method: "GET", path: "/v1/orders" });
  const distinctBodies = keys.map((key) => JSON.stringify({ key: key.secret, project, method: "GET", path: "/v1/orders" }));
  const randomDistinct = () => distinctBodies[Math.floor(Math.random() * distinctBodies.length)] as string;
  // Random picks built before the measured runs (bench/load.ts \`bodies\`): the load generator then
  // spends on them what it spends on the fixed-body runs they are compared with.
  const randomDistinctBodies = Array.from({ length: 150_000 }, randomDistinct);

  // ---- sanity: every scenario answers what it is meant to ---------------------------------
  const expectCode = async (body: Record<string, unknown>, code: string, what: string) => {
    const answer = await verify(a.baseUrl, project, body);
    if (answer.code !== code) throw new Error(`${what}: expected ${code}, got HTTP ${answer.status} ${answer.code}`);
  };
  await expectCode({ key: plainKey.secret }, "VALID", "plain key");
  await expectCode({ key: regexKey.secret, method: "GET", path: HOSTILE_PATH }, "FORBIDDEN", "regex key, hostile path");
  await expectCode({ key: regexKey.secret, method: "GET", path: "/aab" }, "VALID", "regex key, matching path");
  await expectCode({ key: malformedKey }, "MALFORMED", "bad checksum");
  for (let i = 0; i < 150; i++) {
    const key = keys[Math.floor(Math.random() * keys.length)] as SeededKey;
    await expectCode({ key: key.secret }, key.state === "active" ? "VALID" : key.state === "revoked" ? "REVOKED" : "EXPIRED", `seeded ${key.state} key`);
  }
  const leanNoopUrl = `${a.baseUrl}/api/v1/bench/noop`;
  const nextNoopUrl = `${a.baseUrl}/api/bench/noop`;
  for (const url of [leanNoopUrl, nextNoopUrl]) {
    const res = await fetch(url, { method: "POST", body: plainBody });
    const text = await res.text();
    if (res.status !== 200 || JSON.parse(text).ok !== true) throw new Error(`${url} answered ${res.status} ${text.slice(0, 200)}`);
  }

  // ---- warm-up ----------------------------------------------------------------------------
  log("warm-up");
  await runLoad({ url: leanNoopUrl, method: "POST", connections: CONNECTIONS, durationSec: 2, body: plainBody });
  await runLoad({ url: nextNoopUrl, method: "POST", connections: CONNECTIONS, durationSec: 3, body: plainBody });
  await runLoad({ url: `${a.baseUrl}/api/v1/keys/verify`, method: "POST", connections: CONNECTIONS, durationSec: 2, body: plainBody });
  const warmupDistinct = await runLoad({
    url: `${a.baseUrl}/api/v1/keys/verify`,
    method: "POST",
    connections: CONNECTIONS,
    durationSec: 5,
    nextBody: randomDistinct,
    recordLatencies: false,
  });
  // Every page variant once too: the first render of a route loads its code.
  const cookie = await signIn(a.baseUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
  for (const variant of PAGE_VARIANTS) await (await fetch(`${a.baseUrl}/settings/api-keys${variant.query}`, { headers: { cookie } })).text();
  await sleep(SETTLE_MS);
  await notePhase("after warm-up");

  // ---- Settings → API Keys ----------------------------------------------------------------
  // Before the verification rounds: rendering pages grows the process (allocator arenas, code),
  // and the memory target is about what verification adds, so the baseline is taken after this.
  log("Settings → API Keys with the seeded keys");
  sampleLoad();
  const pages = await measurePages(a, cookie, db, pgLogFile);
  await notePhase("after the page measurements (the baseline)");
  const rssAfterWarmup = (await serverStats(a, { gc: true })).memory.rss;
  let distinctVerifications = 0; // over the 100,000 keys, after warm-up: counts towards the soak
  log(`RSS after warm-up ${(rssAfterWarmup / 2 ** 20).toFixed(0)} MiB (${warmupDistinct.requests} warm-up verifications over ${KEY_COUNT} keys)`);

  // ---- verification rounds ----------------------------------------------------------------
  const verifyUrl = `${a.baseUrl}/api/v1/keys/verify`;
  const rounds: BenchResults["rounds"] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    sampleLoad();
    log(`round ${round}/${ROUNDS}: ceilings (load average ${os.loadavg()[0]?.toFixed(2)})`);
    const leanNoop = await runLoad({ url: leanNoopUrl, method: "POST", connections: CONNECTIONS, durationSec: DURATION, body: plainBody });
    await sleep(500);
    const nextNoop = await runLoad({ url: nextNoopUrl, method: "POST", connections: CONNECTIONS, durationSec: DURATION, body: plainBody });
    await sleep(SETTLE_MS);

    log(`round ${round}/${ROUNDS}: verify, warm cache`);
    const warmStatsBefore = await serverStats(a);
    const warmDbBefore = await dbCounters(db);
    const warm = await runLoad({ url: verifyUrl, method: "POST", connections: CONNECTIONS, durationSec: DURATION, body: plainBody });
    await sleep(SETTLE_MS);
    const warmStatsAfter = await serverStats(a);
    const warmDb = diffCounters(await dbCounters(db), warmDbBefore);
    const warmUsage = {
      verifications: warm.ok2xx,
      flushes: warmStatsAfter.usage.flushes - warmStatsBefore.usage.flushes,
      statements: warmStatsAfter.usage.statements - warmStatsBefore.usage.statements,
      usageRowWrites: warmDb.usageRowWrites,
      keyRowUpdates: warmDb.keyRowUpdates,
      cacheLookups: warmStatsAfter.keyCache.lookups - warmStatsBefore.keyCache.lookups,
    };

    log(`round ${round}/${ROUNDS}: verify, regex constraint with a hostile pattern and a 4 KiB path`);
    const regex = await runLoad({ url: verifyUrl, method: "POST", connections: CONNECTIONS, durationSec: DURATION, body: regexBody });
    await sleep(SETTLE_MS);

    log(`round ${round}/${ROUNDS}: malformed keys`);
    // Counts of earlier scenarios are written first, so that their flush is not in the window.
    await usageQuiet(a);
    const malformedStatsBefore = await serverStats(a);
    let malformed: LoadResult | undefined;
    const statements = await statementsDuring(db, pgLogFile, async () => {
      malformed = await runLoad({ url: verifyUrl, method: "POST", connections: CONNECTIONS, durationSec: DURATION, body: malformedBody });
      await sleep(SETTLE_MS);
    });
    if (!malformed) throw new Error("malformed run did not complete");
    const malformedStatsAfter = await serverStats(a);
    const malformedCounts = {
      verifications: malformed.ok2xx,
      cacheLookups: malformedStatsAfter.keyCache.lookups - malformedStatsBefore.keyCache.lookups,
      usageStatements: malformedStatsAfter.usage.statements - malformedStatsBefore.usage.statements,
      statements: statements.length,
      keyLookupStatements: statements.filter((sql) => /"hash"\s*=/.test(sql)).length,
      statementSamples: [...new Set(statements.map((sql) => sql.slice(0, 120)))].slice(0, 5),
    };

    log(`round ${round}/${ROUNDS}: verify over ${KEY_COUNT.toLocaleString("en")} distinct keys`);
    const distinctStatsBefore = await serverStats(a);
    const distinctDbBefore = await dbCounters(db);
    const distinct = await runLoad({ url: verifyUrl, method: "POST", connections: CONNECTIONS, durationSec: DISTINCT_DURATION, bodies: randomDistinctBodies });
    distinctVerifications += distinct.requests;
    await sleep(SETTLE_MS);
    const distinctStatsAfter = await serverStats(a);
    const distinctDb = diffCounters(await dbCounters(db), distinctDbBefore);
    const hits = distinctStatsAfter.keyCache.hits - distinctStatsBefore.keyCache.hits;
    const misses = distinctStatsAfter.keyCache.misses - distinctStatsBefore.keyCache.misses;
    const distinctCounts = {
      verifications: distinct.ok2xx,
      cacheHitRatio: hits / Math.max(1, hits + misses),
      cacheLookups: distinctStatsAfter.keyCache.lookups - distinctStatsBefore.keyCache.lookups,
      cacheSize: distinctStatsAfter.keyCache.size,
      flushes: distinctStatsAfter.usage.flushes - distinctStatsBefore.usage.flushes,
      statements: distinctStatsAfter.usage.statements - distinctStatsBefore.usage.statements,
      usageRowWrites: distinctDb.usageRowWrites,
      keyRowUpdates: distinctDb.keyRowUpdates,
    };
    await notePhase(`after round ${round}`);
    rounds.push({ round, leanNoop, nextNoop, warm, warmUsage, regex, malformed, malformedCounts, distinct, distinctCounts });
  }


  log("usage limits (bench/scenarios/limits.ts)");
  sampleLoad();
  const limits = await runLimitsScenario(limitsContext);
  await notePhase("after the usage-limits scenario");

  log("regex constraints under attack (bench/scenarios/regex.ts)");
  sampleLoad();
  const regexAttack = await runRegexScenario({ baseUrl: a.baseUrl, db, projectId: defaultProject, projectSlug: "default", adminId: admin, log });

  // ---- revocation propagation to a second instance ----------------------------------------
  log("starting instance B for revocation propagation");
  const b = await startServer({ name: "b", root, port: await findFreePort(), env: { ...serverEnv, KEYDESK_ADMIN_EMAIL: "", KEYDESK_ADMIN_PASSWORD: "" }, logDir: tmp });
  harness.onCleanup("server B", () => b.stop());
  sampleLoad();
  const revocation = await measureRevocation(a, b, db, managementKey.secret, keys);
  sampleLoad();
  await b.stop();
  await notePhase("after revocation");
  log(`revocation: p50 ${revocation.fromRevokedAt.p50.toFixed(1)} ms, p99 ${revocation.fromRevokedAt.p99.toFixed(1)} ms, ${revocation.failures.length} failed`);

  // ---- the request trail (bench/scenarios/trail.ts) ------------------------------------------
  const trail = await runTrailScenario(trailContext);

  // ---- at a million keys and under attack (bench/scenarios/scale.ts) -----------------------
  const scale = SCALE ? await runScaleScenario(scaleContext(cookie)) : undefined;
  if (scale) await notePhase(`after the scale scenarios (${scale.totalKeys.toLocaleString("en")} keys)`);

  // ---- memory: 1,000,000 verifications over the 100,000 keys ------------------------------
  // Last, because it runs for whatever time the 10-minute budget leaves.
  const soakRemaining = Math.max(0, SOAK_VERIFICATIONS - distinctVerifications);
  log(`memory soak: ${soakRemaining.toLocaleString("en")} more verifications over ${KEY_COUNT.toLocaleString("en")} keys`);
  const timeline: BenchResults["memory"]["timeline"] = [];
  const soakStarted = Date.now();
  const sampleMemory = async () => {
    const stats = await serverStats(a);
    timeline.push({
      atSec: Math.round((Date.now() - soakStarted) / 1000),
      rss: stats.memory.rss,
      heapUsed: stats.memory.heapUsed,
      external: stats.memory.external,
      arrayBuffers: stats.memory.arrayBuffers,
      cacheSize: stats.keyCache.size,
      usagePending: stats.usage.pending,
      flushes: stats.usage.flushes,
      failedFlushes: stats.usage.failedFlushes,
    });
  };
  await sampleMemory();
  const sampler = setInterval(() => void sampleMemory().catch(() => undefined), 15_000);
  const soak = await runLoad({
    url: verifyUrl,
    method: "POST",
    connections: CONNECTIONS,
    pipelining: 4,
    amount: soakRemaining,
    // The whole run must stay under 10 minutes; the servers still have to stop after this.
    maxDurationSec: Math.max(10, (TIME_BUDGET_MS - (Date.now() - started)) / 1000 - 30),
    nextBody: randomDistinct,
    recordLatencies: false,
  }).finally(() => clearInterval(sampler));
  distinctVerifications += soak.requests;
  await sleep(SETTLE_MS);
  await sampleMemory();
  const afterSoak = await serverStats(a, { gc: true });
  const memory: BenchResults["memory"] = {
    rssAtStart,
    rssAfterWarmup,
    rssAfterSoak: afterSoak.memory.rss,
    heapUsedAfterSoak: afterSoak.memory.heapUsed,
    verifications: distinctVerifications,
    soakRps: soak.rps,
    soakErrors: soak.non2xx + soak.errors + soak.timeouts,
    soakSeconds: soak.durationSec,
    cacheSize: afterSoak.keyCache.size,
    usage: afterSoak.usage,
    timeline,
    phases,
  };
  log(`RSS after ${distinctVerifications.toLocaleString("en")} verifications: ${(memory.rssAfterSoak / 2 ** 20).toFixed(0)} MiB; usage flushes ${afterSoak.usage.flushes}, failed ${afterSoak.usage.failedFlushes}, pending ${afterSoak.usage.pending}`);

  const results: BenchResults = {
    date: new Date().toISOString(),
    durationSec: 0,
    machine: machine(pgVersion, harness.loadAverages),
    settings: {
      rounds: ROUNDS,
      durationSec: DURATION,
      distinctDurationSec: DISTINCT_DURATION,
      connections: CONNECTIONS,
      keyCount: KEY_COUNT,
      keyCacheMb: Number(KEY_CACHE_MB),
      usageFlushMs: Number(process.env.KEYDESK_USAGE_FLUSH_MS ?? 2_000),
      seedSeconds,
      hostilePattern: HOSTILE_PATTERN,
      hostilePathBytes: HOSTILE_PATH.length,
    },
    rounds,
    pages,
    memory,
    revocation,
    trail,
    ...(scale ? { scale } : {}),
    limits,
    regex: regexAttack,
    targets: [],
  };
  results.targets = [...evaluate(results), ...(scale ? scaleTargets(scale) : [])];
  return results;
}

/** Statements slower than this are logged by PostgreSQL during the page measurements. */
const SLOW_STATEMENT_MS = 20;

/** The slowest statement PostgreSQL logged in `text` (log_min_duration_statement output). */
function slowestStatement(text: string): { ms: number; count: number; sql: string } | null {
  let slowest: { ms: number; count: number; sql: string } | null = null;
  let count = 0;
  // A multi-line statement continues on lines that start with a tab.
  for (const match of text.matchAll(/duration: ([\d.]+) ms {2}(?:execute [^:]*|statement): ([^\n]*(?:\n\t[^\n]*)*)/g)) {
    count += 1;
    const ms = Number(match[1]);
    const sql = (match[2] ?? "").replace(/"public"\./g, "").replace(/\s+/g, " ").trim();
    if (!slowest || ms > slowest.ms) slowest = { ms, count: 0, sql: sql.slice(0, 600) };
  }
  return slowest && { ...slowest, count };
}

async function measurePages(a: ServerHandle, cookie: string, db: pg.Client, pgLogFile: string): Promise<BenchResults["pages"]> {
  const variants = PAGE_VARIANTS;
  await db.query(`ALTER SYSTEM SET log_min_duration_statement = ${SLOW_STATEMENT_MS}`);
  await db.query("SELECT pg_reload_conf()");
  const probe = await fetch(`${a.baseUrl}/settings/api-keys`, { headers: { cookie }, redirect: "manual" });
  await probe.text();
  if (probe.status !== 200) return { missing: true, status: probe.status, variants: [] };
  const out: Extract<BenchResults["pages"], { missing: false }>["variants"] = variants.map((v) => ({
    name: v.name,
    path: `/settings/api-keys${v.query}`,
    html: [],
    rsc: [],
    slowestStatement: null,
  }));
  for (let round = 1; round <= ROUNDS; round++) {
    for (const [index, variant] of variants.entries()) {
      const url = `${a.baseUrl}/settings/api-keys${variant.query}`;
      const target = out[index];
      if (!target) continue;
      const logOffset = fs.statSync(pgLogFile).size;
      const html = await timePage(url, { cookie }, { samples: PAGE_SAMPLES, warmup: round === 1 ? 3 : 1, expect: (body) => body.includes(variant.expect) });
      const rscHeaders = { cookie, rsc: "1" };
      const rsc = await timePage(await rscUrl(url, rscHeaders), rscHeaders, { samples: RSC_SAMPLES, warmup: 1 });
      target.html.push(html);
      target.rsc.push(rsc);
      const logged = fs.readFileSync(pgLogFile).subarray(logOffset).toString("utf8");
      const slowest = slowestStatement(logged);
      if (slowest && (!target.slowestStatement || slowest.ms > target.slowestStatement.ms)) target.slowestStatement = slowest;
      log(`  ${variant.name}: HTML p95 ${html.p95.toFixed(1)} ms (${(html.bytes / 1024).toFixed(0)} KiB), RSC p95 ${rsc.p95.toFixed(1)} ms (HTTP ${rsc.status})`);
    }
  }
  await db.query("ALTER SYSTEM RESET log_min_duration_statement");
  await db.query("SELECT pg_reload_conf()");
  return { missing: false, status: probe.status, variants: out, slowStatementMs: SLOW_STATEMENT_MS };
}

async function measureRevocation(
  a: ServerHandle,
  b: ServerHandle,
  db: pg.Client,
  managementSecret: string,
  keys: SeededKey[],
): Promise<BenchResults["revocation"]> {
  const trials: { fromRevokedAtMs: number; fromRequestMs: number; fromAckMs: number; deleteMs: number }[] = [];
  const failures: string[] = [];
  const candidates = keys.filter((key) => key.state === "active");
  for (let t = 0; t < REVOCATIONS; t++) {
    const key = candidates[Math.floor(((t + 0.5) / REVOCATIONS) * candidates.length)] as SeededKey;
    // Cached in B: the first answer loads it, the second must be a cache hit.
    for (let i = 0; i < 2; i++) {
      const answer = await verify(b.baseUrl, "default", { key: key.secret });
      if (answer.code !== "VALID") throw new Error(`revocation trial ${t}: expected VALID from B, got ${answer.code}`);
    }
    const t0 = performance.now();
    let ackAt = Number.NaN;
    let revokeError: string | null = null;
    const revoke = fetch(`${a.baseUrl}/api/v1/keys/${key.publicId}`, { method: "DELETE", headers: { authorization: `Bearer ${managementSecret}` } }).then(
      async (res) => {
        ackAt = performance.now();
        const text = await res.text();
        if (res.status !== 200) revokeError = `DELETE answered HTTP ${res.status} after ${(ackAt - t0).toFixed(0)} ms: ${text.slice(0, 200)}`;
      },
      (error: unknown) => {
        revokeError = `DELETE failed: ${error instanceof Error ? error.message : String(error)}`;
      },
    );
    let seenAt = Number.NaN;
    while (performance.now() - t0 < 10_000 && revokeError === null) {
      const answer = await verify(b.baseUrl, "default", { key: key.secret });
      if (answer.code === "REVOKED") {
        seenAt = performance.now();
        break;
      }
      if (answer.code !== "VALID") throw new Error(`revocation trial ${t}: B answered ${answer.code}`);
      await sleep(5);
    }
    await revoke;
    if (revokeError !== null) {
      failures.push(`trial ${t + 1}: ${revokeError}`);
      continue;
    }
    if (Number.isNaN(seenAt)) {
      failures.push(`trial ${t + 1}: B still answered VALID 10 s after the DELETE was sent`);
      continue;
    }
    // "revokedAt" is A's clock when it revoked (inside the transaction, just before commit); this
    // machine's clock is the same, so the difference is the propagation time plus the commit.
    const { rows } = await db.query<{ revokedAt: Date }>(`SELECT "revokedAt" FROM "ApiKey" WHERE "publicId" = $1`, [key.publicId]);
    const revokedAt = rows[0]?.revokedAt?.getTime() ?? Number.NaN;
    const seenWall = performance.timeOrigin + seenAt;
    trials.push({ fromRevokedAtMs: seenWall - revokedAt, fromRequestMs: seenAt - t0, fromAckMs: seenAt - ackAt, deleteMs: ackAt - t0 });
    await sleep(50);
  }
  if (trials.length === 0) throw new Error(`every revocation failed: ${failures.join("; ")}`);
  const fromRevokedAt = summarize(trials.map((trial) => trial.fromRevokedAtMs));
  const fromRequest = summarize(trials.map((trial) => trial.fromRequestMs));
  const fromAck = summarize(trials.map((trial) => trial.fromAckMs));
  const deleteLatency = summarize(trials.map((trial) => trial.deleteMs));
  return { trials: trials.length, failures, pollIntervalMs: 5, fromRevokedAt, fromRequest, fromAck, deleteLatency };
}

function evaluate(r: BenchResults): Target[] {
  const med = (pick: (round: BenchResults["rounds"][number]) => number) => median(r.rounds.map(pick));
  const p99 = (x: LoadResult) => x.latency?.p99 ?? Number.NaN;
  const errorsOf = (x: LoadResult) => x.non2xx + x.errors + x.timeouts;
  const targets: Target[] = [];

  const vsNext = med((x) => x.warm.rps / x.nextNoop.rps);
  const vsLean = med((x) => x.warm.rps / x.leanNoop.rps);
  const warmP99 = med((x) => p99(x.warm));
  targets.push({
    scenario: "verify, valid key, warm cache, 16 connections",
    target: "≥ 8× Next no-op req/s; ≥ 50% of lean no-op req/s; p99 ≤ 5 ms",
    measured: `${vsNext.toFixed(1)}× Next no-op; ${(vsLean * 100).toFixed(0)}% of lean no-op; p99 ${warmP99.toFixed(2)} ms`,
    met: vsNext >= 8 && vsLean >= 0.5 && warmP99 <= 5,
  });

  const distinctP99 = med((x) => p99(x.distinct));
  const distinctErrors = r.rounds.reduce((sum, x) => sum + errorsOf(x.distinct), 0);
  targets.push({
    scenario: `verify over ${r.settings.keyCount.toLocaleString("en")} distinct keys (cache budget ${r.settings.keyCacheMb} MiB), 16 connections`,
    target: "p99 ≤ 15 ms; no error responses",
    measured: `p99 ${distinctP99.toFixed(2)} ms; ${distinctErrors} error responses`,
    met: distinctP99 <= 15 && distinctErrors === 0,
  });

  const regexRatio = med((x) => p99(x.regex) / p99(x.warm));
  targets.push({
    scenario: "verify, regex constraint, hostile pattern, 4 KiB path",
    target: "p99 within 2× of the plain case",
    measured: `p99 ${med((x) => p99(x.regex)).toFixed(2)} ms = ${regexRatio.toFixed(2)}× plain`,
    met: regexRatio <= 2,
  });

  const malformedLookups = r.rounds.reduce((sum, x) => sum + x.malformedCounts.cacheLookups + x.malformedCounts.keyLookupStatements, 0);
  const malformedStatements = r.rounds.reduce((sum, x) => sum + x.malformedCounts.statements, 0);
  const malformedTotal = r.rounds.reduce((sum, x) => sum + x.malformedCounts.verifications, 0);
  targets.push({
    scenario: "malformed keys (bad checksum)",
    target: "answered without a database query",
    measured: `${malformedLookups} key lookups for ${malformedTotal.toLocaleString("en")} answers (server counter and PostgreSQL's statement log); ${malformedStatements} statements in all reached PostgreSQL during those runs`,
    met: malformedLookups === 0 && r.rounds.every((x) => x.malformedCounts.usageStatements === 0),
  });

  const writesPer10k = med((x) => (x.warmUsage.statements / Math.max(1, x.warmUsage.verifications)) * 10_000);
  targets.push({
    scenario: "usage tracking",
    target: "database writes per 10,000 verifications ≤ 10",
    measured: `${writesPer10k.toFixed(2)} write statements per 10,000 (warm key); ${med((x) => (x.distinctCounts.flushes / Math.max(1, x.distinctCounts.verifications)) * 10_000).toFixed(2)} write transactions per 10,000 over ${r.settings.keyCount.toLocaleString("en")} keys`,
    met: writesPer10k <= 10,
  });

  if (r.pages.missing) {
    targets.push({ scenario: "Settings → API Keys (100,000 keys)", target: "server time p95 ≤ 250 ms each", measured: `not measured (page missing: HTTP ${r.pages.status})`, met: null });
  } else {
    for (const variant of r.pages.variants) {
      const p95 = median(variant.html.map((t) => t.p95));
      const rscP95 = median(variant.rsc.map((t) => t.p95));
      targets.push({
        scenario: `Settings → API Keys: ${variant.name}`,
        target: "server time p95 ≤ 250 ms",
        measured: `HTML p95 ${p95.toFixed(1)} ms; RSC p95 ${Number.isNaN(rscP95) ? "n/a" : `${rscP95.toFixed(1)} ms`}`,
        met: p95 <= 250 && (Number.isNaN(rscP95) || rscP95 <= 250),
      });
    }
  }

  const memoryRatio = r.memory.rssAfterSoak / r.memory.rssAfterWarmup;
  targets.push({
    scenario: `memory (${r.memory.verifications.toLocaleString("en")} verifications over ${r.settings.keyCount.toLocaleString("en")} keys)`,
    target: "RSS ≤ 2× RSS after warm-up",
    measured: `${(r.memory.rssAfterWarmup / 2 ** 20).toFixed(0)} → ${(r.memory.rssAfterSoak / 2 ** 20).toFixed(0)} MiB = ${memoryRatio.toFixed(2)}×`,
    met: memoryRatio <= 2 && r.memory.verifications >= 1_000_000 && r.memory.soakErrors === 0,
  });
  targets.push({
    scenario: "usage flushes during the whole run (server A)",
    target: "none fails (a failed flush is retried with its counts)",
    measured: `${r.memory.usage.flushes} flushes, ${r.memory.usage.failedFlushes} failed, ${r.memory.usage.pending} (key, day) counts pending at the end`,
    met: r.memory.usage.failedFlushes === 0,
  });

  if (r.trail) targets.push(...trailTargets(r.trail));
  targets.push({
    scenario: "revocation → first REVOKED from a second instance",
    target: "report the distribution; p99 ≤ 1 s",
    measured: `p50 ${r.revocation.fromRevokedAt.p50.toFixed(1)} ms, p99 ${r.revocation.fromRevokedAt.p99.toFixed(1)} ms, max ${r.revocation.fromRevokedAt.max.toFixed(1)} ms (${r.revocation.trials} revocations, from the moment A revoked)${r.revocation.failures.length ? `; ${r.revocation.failures.length} revocation(s) failed` : ""}`,
    met: r.revocation.fromRevokedAt.p99 <= 1000 && r.revocation.failures.length === 0,
  });
  if (r.limits) targets.push(...limitsTargets(r.limits));
  if (r.regex) targets.push(...regexTargets(r.regex));
  return targets;
}

runEntrypoint(harness, main, {
  resultsFile: "bench/results.json",
  docsFile: "docs/benchmarks.md",
  noDocs: process.env.BENCH_NO_DOCS === "1",
  renderMarkdown,
  renderConsole,
  nothingWritten: `BENCH_ONLY=${ONLY}`,
  failureDetail: serverLogTails,
});
