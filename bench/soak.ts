// `npm run bench:soak`: a bounded soak (issue 7, "load without loss"). Keydesk runs in production
// mode on a fresh embedded PostgreSQL with a few thousand seeded keys, and for SOAK_SECONDS (300 by
// default) takes mixed traffic at once: verifications of valid, revoked, expired, unknown and
// malformed keys (with and without constraints), the signed-in key list with searches and status
// filters and key detail pages, and creates and revokes through the REST API with a management key.
//
// It passes when: no response is a 5xx; every response is one the request should get (and no
// request fails in transport); memory after a forced GC is flat after the warm-up minute; and every
// acknowledged create and revoke is in the database afterwards, with its audit event, and answered
// by verification as VALID or REVOKED. Results go to bench/soak-results.json and docs/soak.md;
// the exit code is 1 when any criterion fails. Everything it starts is stopped on every path out
// (success, failure, Ctrl-C).
//
// Knobs: SOAK_SECONDS (300), SOAK_KEYS (3,000 seeded keys), SOAK_VERIFY_RATE (verifications per
// second, 500), SOAK_SAMPLE_SEC (10) and SOAK_WARMUP_SEC (60, at most a fifth of the soak): a short
// trial run passes the memory criteria only with six samples after its warm-up, e.g. SOAK_SECONDS=20
// SOAK_SAMPLE_SEC=2; SOAK_NO_DOCS=1 (do not rewrite docs/soak.md), KEYDESK_DIST_DIR (.next-soak:
// the soak builds and serves its own copy of the app, never the shared .next).
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import autocannon from "autocannon";
import { build, createHarness, envNumber, machine, makeTmpDir, root, runEntrypoint, serverStats, startDatabase } from "@/bench/harness";
import { median, percentile } from "@/bench/load";
import { signIn, sleep, verify } from "@/bench/http";
import { adminId, insertKey, projectIdBySlug, seedKeys, type SeededKey } from "@/bench/seed";
import { startServer } from "@/bench/server";
import { renderSoakConsole, renderSoakMarkdown, type SoakCriterion, type SoakResults } from "@/bench/soak-report";
import { findFreePort } from "@/lib/db/embedded-postgres";
import { generateSecret } from "@/lib/keys/secret";

const harness = createHarness("soak");
const { log, sampleLoad } = harness;

const SOAK_SECONDS = envNumber("SOAK_SECONDS", 300);
const KEY_COUNT = envNumber("SOAK_KEYS", 3_000);
const VERIFY_RATE = envNumber("SOAK_VERIFY_RATE", 500);
const VERIFY_CONNECTIONS = 8;
const PAGE_WORKERS = 2;
const WRITE_WORKERS = 2;
/** Between one worker's writes: about ten writes a second in all, a busy admin team's worth many times over. */
const WRITE_PAUSE_MS = 150;
const SAMPLE_EVERY_MS = envNumber("SOAK_SAMPLE_SEC", 10) * 1000;
/** The first minute (or the first fifth of a shorter soak) warms up caches, code and pools. */
const WARMUP_SEC = Math.min(envNumber("SOAK_WARMUP_SEC", 60), SOAK_SECONDS / 5);
/** Memory is compared as the median of this many samples at each end. */
const SAMPLES_PER_END = 3;
const HEAP_GROWTH_LIMIT = 0.2;
const RSS_GROWTH_LIMIT = 0.5;
const DIST_DIR = process.env.KEYDESK_DIST_DIR || ".next-soak";
const ADMIN_EMAIL = "soak-admin@keydesk.test";
const ADMIN_PASSWORD = `Soak-${crypto.randomBytes(9).toString("base64url")}`;
const WRITES_PROJECT = { slug: "soak-writes", name: "Soak writes", keyPrefix: "soak" };

// ---- bookkeeping ------------------------------------------------------------------------------

type Kind = SoakResults["requests"][number]["kind"];
const counts = new Map<Kind, { statuses: Map<number, number>; transportErrors: number; unexpected: number }>();
const unexpectedSamples: string[] = [];

function countOf(kind: Kind) {
  let entry = counts.get(kind);
  if (!entry) counts.set(kind, (entry = { statuses: new Map(), transportErrors: 0, unexpected: 0 }));
  return entry;
}

function record(kind: Kind, status: number, expected: boolean, detail: string): void {
  const entry = countOf(kind);
  entry.statuses.set(status, (entry.statuses.get(status) ?? 0) + 1);
  if (!expected || status >= 500) {
    entry.unexpected += 1;
    if (unexpectedSamples.length < 50) unexpectedSamples.push(`${kind}: HTTP ${status} ${detail}`.slice(0, 300));
  }
}

function recordTransportError(kind: Kind, error: unknown): void {
  const entry = countOf(kind);
  entry.transportErrors += 1;
  entry.unexpected += 1;
  if (unexpectedSamples.length < 50) unexpectedSamples.push(`${kind}: ${error instanceof Error ? error.message : String(error)}`.slice(0, 300));
}

/** Set on Ctrl-C, a failure or the end of the soak: every loop finishes its request and stops. */
let stopRequested = false;

// ---- traffic ----------------------------------------------------------------------------------

interface VerifyCase {
  name: string;
  body: string;
  weight: number;
}

/** Verifications by autocannon at a fixed rate; the answers' statuses are counted, per status. */
function runVerifications(
  baseUrl: string,
  cases: VerifyCase[],
): Promise<{ requests: number; errors: number; timeouts: number; latency: { p50: number; p99: number; max: number } }> {
  const table: string[] = [];
  for (const c of cases) for (let i = 0; i < c.weight; i++) table.push(c.body);
  const nextBody = () => table[Math.floor(Math.random() * table.length)] as string;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: `${baseUrl}/api/v1/keys/verify`,
        connections: VERIFY_CONNECTIONS,
        overallRate: VERIFY_RATE,
        duration: SOAK_SECONDS,
        headers: { "content-type": "application/json" },
        requests: [{ method: "POST", setupRequest: (req: autocannon.Request) => ({ ...req, body: nextBody() }) }],
        timeout: 10,
      },
      (error: Error | null, result: autocannon.Result) => {
        if (error) {
          reject(error);
          return;
        }
        resolve({
          requests: result["2xx"] + result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          latency: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
        });
      },
    );
    instance.on("response", (_client: autocannon.Client, status: number) => {
      // 200 with a verdict; 400 and 422 for the deliberately broken bodies.
      record("verify", status, status === 200 || status === 400 || status === 422, "");
    });
    const poll = setInterval(() => {
      if (stopRequested) instance.stop();
    }, 250);
    instance.once("done", () => clearInterval(poll));
  });
}

interface Created {
  id: string;
  name: string;
  secret: string;
  constrained: boolean;
  revoked: boolean;
}

interface Revoked {
  id: string;
  secret: string;
  source: "seeded" | "created";
}

interface WriteState {
  management: string;
  created: Created[];
  revoked: Revoked[];
  /** Creates and revokes whose outcome we never learnt (transport error or 5xx): possibly applied. */
  unknownOutcomes: string[];
  seededPool: SeededKey[];
  probeMismatches: string[];
  sequence: number;
}

/** Response times (ms, to the last byte) of the requests sent by the loops, per kind. */
const latencies = new Map<Kind, number[]>();

async function timed<T>(kind: Kind, request: () => Promise<T>): Promise<T | undefined> {
  const t0 = performance.now();
  try {
    const result = await request();
    const list = latencies.get(kind) ?? [];
    list.push(performance.now() - t0);
    latencies.set(kind, list);
    return result;
  } catch (error) {
    recordTransportError(kind, error);
    return undefined;
  }
}

/** Right after an acknowledged write, the same instance must already answer accordingly. */
async function probe(baseUrl: string, state: WriteState, project: string, secret: string, body: Record<string, unknown>, expected: string, what: string) {
  // Every key the soak writes is in the writes project, and seeded ones in default.
  const answer = await timed("verify (after a write)", () => verify(baseUrl, project, { key: secret, ...body }));
  if (!answer) return;
  record("verify (after a write)", answer.status, answer.status === 200, answer.code);
  if (answer.code !== expected) state.probeMismatches.push(`${what}: expected ${expected}, got HTTP ${answer.status} ${answer.code}`);
}

async function createOne(baseUrl: string, state: WriteState, worker: number): Promise<void> {
  const n = ++state.sequence;
  const name = `soak-${worker}-${String(n).padStart(5, "0")}`;
  const constrained = n % 4 === 0;
  const body = {
    name,
    description: `soak write ${n}`,
    expiry: n % 3 === 0 ? "90d" : "30d",
    ...(constrained ? { constraints: [{ type: "prefix", value: "orders", methods: ["GET"] }] } : {}),
  };
  const res = await timed("create (REST)", async () => {
    const response = await fetch(`${baseUrl}/api/v1/projects/${WRITES_PROJECT.slug}/keys`, {
      method: "POST",
      headers: { authorization: `Bearer ${state.management}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });
    return { status: response.status, text: await response.text() };
  });
  if (!res) {
    state.unknownOutcomes.push(`create ${name}`);
    return;
  }
  const text = res.text;
  record("create (REST)", res.status, res.status === 201, text.slice(0, 200));
  if (res.status >= 500) state.unknownOutcomes.push(`create ${name}`);
  if (res.status !== 201) return;
  const json = JSON.parse(text) as { key: { id: string; name: string }; secret: string };
  state.created.push({ id: json.key.id, name, secret: json.secret, constrained, revoked: false });
  await probe(baseUrl, state, WRITES_PROJECT.slug, json.secret, constrained ? { method: "GET", path: "/orders/7" } : {}, "VALID", `created ${json.key.id}`);
}

/** Seeded keys live in the default project, the soak's own in the writes project. */
function projectOf(target: Revoked): string {
  return target.source === "seeded" ? "default" : WRITES_PROJECT.slug;
}

async function revokeOne(baseUrl: string, state: WriteState, target: Revoked, created?: Created): Promise<void> {
  const res = await timed("revoke (REST)", async () => {
    const response = await fetch(`${baseUrl}/api/v1/keys/${target.id}`, { method: "DELETE", headers: { authorization: `Bearer ${state.management}` } });
    return { status: response.status, text: await response.text() };
  });
  if (!res) {
    state.unknownOutcomes.push(`revoke ${target.id}`);
    return;
  }
  const text = res.text;
  record("revoke (REST)", res.status, res.status === 200, text.slice(0, 200));
  if (res.status >= 500) state.unknownOutcomes.push(`revoke ${target.id}`);
  if (res.status !== 200) return;
  state.revoked.push(target);
  if (created) created.revoked = true;
  await probe(baseUrl, state, projectOf(target), target.secret, {}, "REVOKED", `revoked ${target.source} ${target.id}`);
}

/**
 * One write worker: two creates, then a revoke of one of the soak's own keys and one of a seeded
 * key. Half the created keys stay active, well within the writes project's limit of 1,000.
 */
async function writeWorker(baseUrl: string, state: WriteState, worker: number): Promise<void> {
  for (let i = 0; !stopRequested; i++) {
    const op = i % 4;
    const own = op === 1 ? state.created.find((c) => !c.revoked) : undefined;
    if (op === 1 && own) {
      // Claimed before the request, so that two workers never revoke the same key.
      own.revoked = true;
      await revokeOne(baseUrl, state, { id: own.id, secret: own.secret, source: "created" }, own);
    } else if (op === 3 && state.seededPool.length > 0) {
      const seeded = state.seededPool.pop() as SeededKey;
      await revokeOne(baseUrl, state, { id: seeded.publicId, secret: seeded.secret, source: "seeded" });
    } else {
      await createOne(baseUrl, state, worker);
    }
    await sleep(WRITE_PAUSE_MS);
  }
}

interface PageCase {
  name: string;
  url: () => string;
}

/** One page worker: signed-in dashboard pages one after another, each checked for its status. */
async function pageWorker(baseUrl: string, cookie: string, cases: PageCase[]): Promise<void> {
  for (let i = 0; !stopRequested; i++) {
    const page = cases[Math.floor(Math.random() * cases.length)] as PageCase;
    const url = page.url();
    const res = await timed("page", async () => {
      const response = await fetch(`${baseUrl}${url}`, { headers: { cookie }, redirect: "manual" });
      return { status: response.status, body: await response.text() };
    });
    if (!res) continue;
    const body = res.body;
    // A redirect here would mean the session was lost (to /sign-in); every page must render.
    record("page", res.status, res.status === 200 && body.includes("</html>"), `${page.name} ${url}`);
  }
}

// ---- the soak ---------------------------------------------------------------------------------

async function main(): Promise<SoakResults> {
  sampleLoad();
  log(`checking the production build in ${DIST_DIR} (scripts/build-if-needed.mjs)`);
  build(DIST_DIR);

  const tmp = makeTmpDir(harness, "keydesk-soak-");
  const { serverDatabaseEnv, db, pgVersion } = await startDatabase(harness, tmp);
  // Kept after the directory goes (after the server stopped, so with its shutdown lines).
  const keptLog = path.join(os.tmpdir(), `keydesk-soak-server-${process.pid}.log`);
  harness.onCleanup("server log copy", async () => {
    const file = path.join(tmp, "server-soak.log");
    if (fs.existsSync(file)) fs.copyFileSync(file, keptLog);
    log(`server log kept in ${keptLog}`);
  });

  log("starting Keydesk (production mode)");
  const server = await startServer({
    name: "soak",
    root,
    port: await findFreePort(3400 + Math.floor(Math.random() * 100)),
    env: {
      ...serverDatabaseEnv,
      KEYDESK_DATA_DIR: tmp,
      KEYDESK_DIST_DIR: DIST_DIR,
      KEYDESK_ADMIN_EMAIL: ADMIN_EMAIL,
      KEYDESK_ADMIN_PASSWORD: ADMIN_PASSWORD,
      KEYDESK_BENCH: "1",
      NEXTAUTH_SECRET: crypto.randomBytes(32).toString("base64url"),
    },
    logDir: tmp,
  });
  harness.onCleanup("Keydesk", () => server.stop());

  // ---- seed ----
  const defaultProject = await projectIdBySlug(db, "default");
  const systemProject = await projectIdBySlug(db, "keydesk-api");
  const admin = await adminId(db);
  log(`seeding ${KEY_COUNT.toLocaleString("en")} keys`);
  const keys = await seedKeys(db, { projectId: defaultProject, prefix: "kd", createdById: admin, count: KEY_COUNT });
  const constrained = await insertKey(db, {
    projectId: defaultProject,
    prefix: "kd",
    createdById: admin,
    name: "soak-constrained",
    constraints: [
      { type: "prefix", value: "orders", methods: ["GET"] },
      { type: "regex", value: "/reports/[0-9]+", methods: [] },
    ],
  });
  const management = await insertKey(db, { projectId: systemProject, prefix: "kdm", createdById: admin, name: "soak-management" });
  const { rows: writesProjectRows } = await db.query<{ id: string }>(
    `INSERT INTO "Project" ("name", "slug", "keyPrefix", "activeKeyLimit") VALUES ($1, $2, $3, 1000) RETURNING "id"`,
    [WRITES_PROJECT.name, WRITES_PROJECT.slug, WRITES_PROJECT.keyPrefix],
  );
  const writesProjectId = writesProjectRows[0]?.id as string;
  await db.query(`VACUUM ANALYZE "ApiKey"`);

  // ---- what each kind of traffic sends ----
  const active = keys.filter((k) => k.state === "active");
  const pick = <T>(list: T[]) => list[Math.floor(Math.random() * list.length)] as T;
  // The seeded keys are in the default project; every request names it.
  const body = (key: string, extra: Record<string, unknown> = {}) => JSON.stringify({ key, project: "default", ...extra });
  const badChecksum = (secret: string) => secret.slice(0, -1) + (secret.endsWith("A") ? "B" : "A");
  const verifyCases: VerifyCase[] = [
    ...active.slice(0, 400).map((k, i) => ({ name: "valid", body: body(k.secret, i % 2 ? { method: "GET", path: `/v1/orders/${i}` } : {}), weight: 1 })),
    ...keys.filter((k) => k.state === "revoked").map((k) => ({ name: "revoked", body: body(k.secret), weight: 3 })),
    ...keys.filter((k) => k.state === "expired").map((k) => ({ name: "expired", body: body(k.secret), weight: 1 })),
    ...Array.from({ length: 50 }, () => ({ name: "unknown", body: body(generateSecret("kd").secret), weight: 2 })),
    ...active.slice(400, 450).map((k) => ({ name: "malformed", body: body(badChecksum(k.secret)), weight: 2 })),
    { name: "malformed", body: body("not-a-key"), weight: 20 },
    { name: "constrained, allowed", body: body(constrained.secret, { method: "GET", path: "/orders/12/lines" }), weight: 40 },
    { name: "constrained, regex", body: body(constrained.secret, { method: "POST", path: "/reports/2026" }), weight: 20 },
    { name: "constrained, forbidden", body: body(constrained.secret, { method: "DELETE", path: "/orders/12" }), weight: 40 },
    { name: "constrained, dot segments", body: body(constrained.secret, { method: "GET", path: "/orders/../admin" }), weight: 10 },
    { name: "no key (422)", body: JSON.stringify({ project: "default", method: "GET" }), weight: 5 },
    { name: "no project (422)", body: JSON.stringify({ key: pick(active).secret }), weight: 2 },
    { name: "another project's key", body: JSON.stringify({ key: pick(active).secret, project: WRITES_PROJECT.slug }), weight: 5 },
    { name: "not JSON (400)", body: "{not json", weight: 5 },
  ];

  // Sanity: each kind answers what it is meant to before the clock starts.
  const expectCode = async (payload: Record<string, unknown>, code: string, what: string) => {
    const answer = await verify(server.baseUrl, "default", payload);
    if (answer.code !== code) throw new Error(`${what}: expected ${code}, got HTTP ${answer.status} ${answer.code}`);
  };
  await expectCode({ key: pick(active).secret }, "VALID", "seeded active key");
  await expectCode({ key: keys.find((k) => k.state === "revoked")?.secret }, "REVOKED", "seeded revoked key");
  await expectCode({ key: keys.find((k) => k.state === "expired")?.secret }, "EXPIRED", "seeded expired key");
  await expectCode({ key: generateSecret("kd").secret }, "NOT_FOUND", "unknown key");
  await expectCode({ key: badChecksum(constrained.secret) }, "MALFORMED", "bad checksum");
  await expectCode({ key: constrained.secret, method: "GET", path: "/orders/1" }, "VALID", "constrained key, allowed");
  await expectCode({ key: constrained.secret, method: "DELETE", path: "/orders/1" }, "FORBIDDEN", "constrained key, forbidden");
  const foreign = await verify(server.baseUrl, WRITES_PROJECT.slug, { key: pick(active).secret });
  if (foreign.code !== "NOT_FOUND") throw new Error(`another project's key: expected NOT_FOUND, got HTTP ${foreign.status} ${foreign.code}`);

  const cookie = await signIn(server.baseUrl, ADMIN_EMAIL, ADMIN_PASSWORD);
  const state: WriteState = {
    management: management.secret,
    created: [],
    revoked: [],
    unknownOutcomes: [],
    // Keys the soak revokes are not among those the verification mix calls valid.
    seededPool: active.slice(450).sort(() => Math.random() - 0.5),
    probeMismatches: [],
    sequence: 0,
  };
  const words = ["globex", "acme", "billing", "staging", "audit", "nightly", "payments", "zzz-none"];
  const pageCases: PageCase[] = [
    { name: "list", url: () => "/settings/api-keys" },
    { name: "search", url: () => `/settings/api-keys?q=${pick(words)}` },
    { name: "status filter", url: () => `/settings/api-keys?status=${pick(["active", "revoked", "expired"])}` },
    { name: "search + filter", url: () => `/settings/api-keys?q=${pick(words)}&status=${pick(["active", "revoked"])}&sort=name&dir=asc` },
    { name: "deep page", url: () => `/settings/api-keys?page=${1 + Math.floor(Math.random() * (KEY_COUNT / 25))}` },
    { name: "writes project", url: () => `/settings/api-keys?project=${WRITES_PROJECT.slug}&status=${pick(["all", "active", "revoked"])}` },
    { name: "detail (seeded)", url: () => `/settings/api-keys/${pick(keys).publicId}` },
    { name: "detail (created)", url: () => `/settings/api-keys/${state.created.length ? pick(state.created).id : pick(keys).publicId}` },
  ];
  for (const page of pageCases) {
    const res = await fetch(`${server.baseUrl}${page.url()}`, { headers: { cookie }, redirect: "manual" });
    await res.text();
    if (res.status !== 200) throw new Error(`${page.name} answered HTTP ${res.status} before the soak started`);
  }

  // ---- run ----
  log(
    `soak: ${SOAK_SECONDS} s of verifications (${VERIFY_RATE}/s), ${PAGE_WORKERS} page loops and ${WRITE_WORKERS} write loops; memory every ${SAMPLE_EVERY_MS / 1000} s`,
  );
  const samples: SoakResults["memory"]["samples"] = [];
  const sampleErrors: string[] = [];
  const soakStarted = performance.now();
  const sampleMemory = async () => {
    try {
      const underLoad = !stopRequested;
      const { memory, keyCache } = await serverStats(server, { gc: true });
      const atSec = Math.round((performance.now() - soakStarted) / 1000);
      samples.push({ atSec, underLoad, rss: memory.rss, heapUsed: memory.heapUsed, external: memory.external, cacheSize: keyCache.size });
      sampleLoad();
      const last = samples[samples.length - 1];
      if (last && last.atSec % 60 < SAMPLE_EVERY_MS / 1000) {
        log(`  ${last.atSec} s: RSS ${(last.rss / 2 ** 20).toFixed(0)} MiB, heap ${(last.heapUsed / 2 ** 20).toFixed(1)} MiB; ${state.created.length} created, ${state.revoked.length} revoked`);
      }
    } catch (error) {
      sampleErrors.push(error instanceof Error ? error.message : String(error));
    }
  };
  await sampleMemory();
  const sampler = setInterval(() => void sampleMemory(), SAMPLE_EVERY_MS);
  const endTimer = setTimeout(() => (stopRequested = true), SOAK_SECONDS * 1000);
  const verifications = runVerifications(server.baseUrl, verifyCases).finally(() => (stopRequested = true));
  const loops = [
    ...Array.from({ length: PAGE_WORKERS }, () => pageWorker(server.baseUrl, cookie, pageCases)),
    ...Array.from({ length: WRITE_WORKERS }, (_, i) => writeWorker(server.baseUrl, state, i + 1)),
  ];
  const verifySummary = await verifications;
  // autocannon counts failed requests (timeouts included) without telling them apart per request.
  countOf("verify").transportErrors += verifySummary.errors;
  countOf("verify").unexpected += verifySummary.errors;
  await Promise.all(loops);
  clearTimeout(endTimer);
  clearInterval(sampler);
  const soakSeconds = (performance.now() - soakStarted) / 1000;
  await sampleMemory();
  if (harness.interrupted) throw new Error("interrupted");
  log(`soak done after ${soakSeconds.toFixed(0)} s; checking every acknowledged write`);

  // ---- every acknowledged write, against the database ----
  const createdIds = state.created.map((c) => c.id);
  const revokedIds = state.revoked.map((r) => r.id);
  const { rows: createdRows } = await db.query<{ publicId: string; name: string; projectId: string }>(
    `SELECT "publicId", "name", "projectId" FROM "ApiKey" WHERE "publicId" = ANY($1::text[])`,
    [createdIds],
  );
  const createdById = new Map(createdRows.map((r) => [r.publicId, r]));
  const missingCreates = state.created.filter((c) => {
    const row = createdById.get(c.id);
    return !row || row.name !== c.name || row.projectId !== writesProjectId;
  });
  const { rows: revokedRows } = await db.query<{ publicId: string }>(
    `SELECT "publicId" FROM "ApiKey" WHERE "publicId" = ANY($1::text[]) AND "revokedAt" IS NOT NULL`,
    [revokedIds],
  );
  const revokedFound = new Set(revokedRows.map((r) => r.publicId));
  const missingRevokes = state.revoked.filter((r) => !revokedFound.has(r.id));
  const { rows: auditRows } = await db.query<{ action: string; targetId: string }>(
    `SELECT "action", "targetId" FROM "AuditEvent" WHERE "action" IN ('key.created', 'key.revoked') AND "targetId" = ANY($1::text[])`,
    [[...createdIds, ...revokedIds]],
  );
  const audited = new Set(auditRows.map((r) => `${r.action} ${r.targetId}`));
  const unauditedCreates = state.created.filter((c) => !audited.has(`key.created ${c.id}`)).length;
  const unauditedRevokes = state.revoked.filter((r) => !audited.has(`key.revoked ${r.id}`)).length;
  // Nothing unacknowledged either: the writes project holds exactly the keys we were told about.
  const { rows: extraRows } = await db.query<{ publicId: string }>(
    `SELECT "publicId" FROM "ApiKey" WHERE "projectId" = $1 AND NOT ("publicId" = ANY($2::text[]))`,
    [writesProjectId, createdIds],
  );

  // ---- and against verification, on the same running server (no restart) ----
  const verdicts: string[] = [];
  const revokedSet = new Set(revokedIds);
  const stillValid = state.created.filter((c) => !revokedSet.has(c.id));
  for (const target of state.revoked) {
    const answer = await verify(server.baseUrl, projectOf(target), { key: target.secret });
    if (answer.code !== "REVOKED") verdicts.push(`revoked ${target.source} ${target.id}: HTTP ${answer.status} ${answer.code}`);
  }
  for (const target of stillValid) {
    const answer = await verify(server.baseUrl, WRITES_PROJECT.slug, { key: target.secret, ...(target.constrained ? { method: "GET", path: "/orders/1" } : {}) });
    if (answer.code !== "VALID") verdicts.push(`created ${target.id}: HTTP ${answer.status} ${answer.code}`);
  }
  const serverLog = fs.readFileSync(server.logFile, "utf8");
  const serverErrorLines = serverLog.split("\n").filter((line) => /request failed|API request failed|action failed|uncaught|unhandled/i.test(line));

  // ---- verdict ----
  const requests: SoakResults["requests"] = [...counts].map(([kind, entry]) => ({
    kind,
    latencyMs: kind === "verify" ? verifySummary.latency : latencySummary(latencies.get(kind) ?? []),
    total: [...entry.statuses.values()].reduce((a, b) => a + b, 0),
    statuses: Object.fromEntries([...entry.statuses].sort(([a], [b]) => a - b).map(([status, n]) => [String(status), n])),
    transportErrors: entry.transportErrors,
    unexpected: entry.unexpected,
  }));
  const fiveXx = [...counts.values()].reduce((sum, entry) => sum + [...entry.statuses].filter(([s]) => s >= 500).reduce((a, [, n]) => a + n, 0), 0);
  const unexpected = [...counts.values()].reduce((sum, entry) => sum + entry.unexpected, 0);

  const afterWarmup = samples.filter((s) => s.underLoad && s.atSec >= WARMUP_SEC);
  const firstSamples = afterWarmup.slice(0, SAMPLES_PER_END);
  const lastSamples = afterWarmup.slice(-SAMPLES_PER_END);
  const baseline = { heapUsed: median(firstSamples.map((s) => s.heapUsed)), rss: median(firstSamples.map((s) => s.rss)) };
  const end = { heapUsed: median(lastSamples.map((s) => s.heapUsed)), rss: median(lastSamples.map((s) => s.rss)) };
  const heapGrowth = end.heapUsed / baseline.heapUsed - 1;
  const rssGrowth = end.rss / baseline.rss - 1;
  const enoughSamples = afterWarmup.length >= 2 * SAMPLES_PER_END;

  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  const pct = (x: number) => `${x >= 0 ? "+" : ""}${(x * 100).toFixed(1)}%`;
  const criteria: SoakCriterion[] = [
    {
      name: "no 5xx",
      target: "0 responses with status ≥ 500, of every kind",
      measured: `${fiveXx} of ${requests.reduce((a, r) => a + r.total, 0).toLocaleString("en")} responses; ${serverErrorLines.length} error lines in the server log`,
      met: fiveXx === 0,
    },
    {
      name: "every response as expected",
      target: "verify 200/400/422, pages 200 (a full page, no redirect), create 201, revoke 200; no transport error or timeout; probes right after each write agree",
      measured: `${unexpected} unexpected, ${requests.reduce((a, r) => a + r.transportErrors, 0)} transport errors, ${verifySummary.timeouts} timeouts; ${state.probeMismatches.length} probe mismatches`,
      met: unexpected === 0 && state.probeMismatches.length === 0,
    },
    {
      name: "heap flat after warm-up",
      target: `heap used after a forced GC: median of the last ${SAMPLES_PER_END} samples ≤ ${(1 + HEAP_GROWTH_LIMIT).toFixed(2)}× the median of the first ${SAMPLES_PER_END} after ${WARMUP_SEC.toFixed(0)} s`,
      measured: enoughSamples ? `${mib(baseline.heapUsed)} → ${mib(end.heapUsed)} (${pct(heapGrowth)})` : `only ${afterWarmup.length} samples after warm-up`,
      met: enoughSamples && heapGrowth <= HEAP_GROWTH_LIMIT,
    },
    {
      name: "RSS bounded after warm-up",
      target: `RSS after a forced GC, same samples ≤ ${(1 + RSS_GROWTH_LIMIT).toFixed(2)}× (looser: the allocator returns memory lazily)`,
      measured: enoughSamples ? `${mib(baseline.rss)} → ${mib(end.rss)} (${pct(rssGrowth)})` : `only ${afterWarmup.length} samples after warm-up`,
      met: enoughSamples && rssGrowth <= RSS_GROWTH_LIMIT,
    },
    {
      name: "acknowledged writes all present",
      target: "every 2xx create is in the database (name, project) with its audit event; every 2xx revoke has revokedAt and its audit event; nothing unacknowledged appeared",
      measured: `creates ${state.created.length - missingCreates.length}/${state.created.length} found, revokes ${state.revoked.length - missingRevokes.length}/${state.revoked.length} found; ${unauditedCreates + unauditedRevokes} without audit event; ${extraRows.length} unacknowledged keys; ${state.unknownOutcomes.length} writes of unknown outcome`,
      met:
        missingCreates.length === 0 &&
        missingRevokes.length === 0 &&
        unauditedCreates + unauditedRevokes === 0 &&
        extraRows.length === 0 &&
        state.unknownOutcomes.length === 0 &&
        state.created.length > 0 &&
        state.revoked.length > 0,
    },
    {
      name: "verification agrees afterwards",
      target: "every revoked key answers REVOKED, every created key still active answers VALID (same server, no restart)",
      measured: `${state.revoked.length + stillValid.length - verdicts.length}/${state.revoked.length + stillValid.length} as expected`,
      met: verdicts.length === 0,
    },
  ];

  return {
    date: new Date().toISOString(),
    durationSec: 0,
    soakSeconds: Math.round(soakSeconds),
    machine: machine(pgVersion, harness.loadAverages),
    settings: {
      soakSeconds: SOAK_SECONDS,
      seededKeys: KEY_COUNT,
      verifyRate: VERIFY_RATE,
      verifyConnections: VERIFY_CONNECTIONS,
      verifyMix: summarizeMix(verifyCases),
      pageWorkers: PAGE_WORKERS,
      pageCases: pageCases.map((p) => p.name),
      writeWorkers: WRITE_WORKERS,
      writePauseMs: WRITE_PAUSE_MS,
      sampleEverySec: SAMPLE_EVERY_MS / 1000,
      warmupSec: WARMUP_SEC,
      distDir: DIST_DIR,
    },
    requests,
    writes: {
      creates: state.created.length,
      revokes: state.revoked.length,
      revokesOfSeeded: state.revoked.filter((r) => r.source === "seeded").length,
      missingCreates: missingCreates.map((c) => c.id),
      missingRevokes: missingRevokes.map((r) => r.id),
      unauditedCreates,
      unauditedRevokes,
      unacknowledgedKeys: extraRows.map((r) => r.publicId),
      unknownOutcomes: state.unknownOutcomes,
      probeMismatches: state.probeMismatches.slice(0, 50),
      verdictMismatches: verdicts.slice(0, 50),
    },
    memory: { samples, sampleErrors, baseline, end, heapGrowth, rssGrowth },
    unexpectedSamples,
    serverErrorLines: serverErrorLines.slice(0, 30),
    criteria,
    passed: criteria.every((c) => c.met),
  };
}

function latencySummary(values: number[]): { p50: number; p99: number; max: number } {
  const sorted = Float64Array.from(values).sort();
  const round = (x: number) => Math.round(x * 10) / 10;
  return { p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), max: round(sorted[sorted.length - 1] ?? Number.NaN) };
}

function summarizeMix(cases: VerifyCase[]): Record<string, number> {
  const total = cases.reduce((sum, c) => sum + c.weight, 0);
  const shares: Record<string, number> = {};
  for (const c of cases) shares[c.name] = (shares[c.name] ?? 0) + c.weight / total;
  return Object.fromEntries(Object.entries(shares).map(([name, share]) => [name, Math.round(share * 1000) / 1000]));
}

runEntrypoint(harness, main, {
  resultsFile: "bench/soak-results.json",
  docsFile: "docs/soak.md",
  noDocs: process.env.SOAK_NO_DOCS === "1",
  renderMarkdown: renderSoakMarkdown,
  renderConsole: renderSoakConsole,
  verdict: (results) => ({ note: `: ${results.passed ? "PASSED" : "FAILED"}`, exitCode: results.passed ? 0 : 1 }),
  onStop: () => {
    stopRequested = true;
  },
});
