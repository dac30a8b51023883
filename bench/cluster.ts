// `npm run bench:cluster`: three Keydesk instances on one PostgreSQL behind HAProxy, as
// docs/deployment.md describes, measured in one run:
// - migrations: all three start at the same moment on an empty database; each migration must be
//   applied exactly once (the migrator's advisory lock), by exactly one instance;
// - throughput: verification of a warm key through the load balancer vs one instance directly;
// - revocation through one instance → the first REVOKED from each other instance (and creation
//   → the first VALID, which the membership index must learn of through NOTIFY);
// - the active-key limit under parallel creates spread over all instances: exactly the limit.
// Writes bench/cluster-results.json and docs/cluster.md. Not part of `npm test`.
//
// Knobs: CLUSTER_PORTS (e.g. "3081,3082,3083"), CLUSTER_LB_PORT (e.g. 3080; default: free
// ports), CLUSTER_DURATION (s per load run, 8), CLUSTER_TRIALS (revocations, 30),
// CLUSTER_LIMIT (active-key limit, 25), CLUSTER_CREATES (parallel creates, 80).
import { spawn, spawnSync } from "node:child_process";
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import pg from "pg";
import { renderClusterMarkdown, renderClusterConsole, type ClusterResults } from "@/bench/cluster-report";
import { build, createHarness, envNumber, machine, makeTmpDir, root, runEntrypoint } from "@/bench/harness";
import { sleep, verify } from "@/bench/http";
import { runLoad, summarize, type LatencySummary } from "@/bench/load";
import { adminId, insertKey, projectIdBySlug } from "@/bench/seed";
import { startServer, type ServerHandle } from "@/bench/server";
import { findFreePort, startEmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { ensureDatabase, readMigrations } from "@/lib/db/migrator";

const harness = createHarness("bench");
const { log } = harness;
const DURATION = envNumber("CLUSTER_DURATION", 8);
const TRIALS = envNumber("CLUSTER_TRIALS", 30);
const LIMIT = envNumber("CLUSTER_LIMIT", 25);
const CREATES = envNumber("CLUSTER_CREATES", 80);
const CONNECTIONS = 32;
const HAPROXY = "/usr/sbin/haproxy";

/** The load balancer configuration this benchmark runs (and docs/deployment.md shows). */
function haproxyConfig(listen: number, backends: number[]): string {
  return [
    "global",
    "    maxconn 4096",
    "defaults",
    "    mode http",
    "    timeout connect 5s",
    "    timeout client 65s",
    "    timeout server 65s",
    "    # Keep-alive to the instances: verification is many small requests.",
    "    option http-keep-alive",
    "frontend keydesk",
    `    bind 127.0.0.1:${listen}`,
    "    default_backend keydesk_instances",
    "backend keydesk_instances",
    "    balance roundrobin",
    "    # The instances answer with their own client IP from X-Forwarded-For (KEYDESK_TRUST_PROXY=1).",
    "    option forwardfor",
    "    # A stopped instance leaves the rotation within seconds; TCP checks cost the app nothing.",
    ...backends.map((port, i) => `    server k${i + 1} 127.0.0.1:${port} check inter 2s fall 2 rise 2`),
    "",
  ].join("\n");
}

function ensureHaproxy(): void {
  if (fs.existsSync(HAPROXY)) return;
  log("haproxy is missing: installing the Debian package");
  const asRoot = process.getuid?.() === 0 ? [] : ["sudo"];
  for (const args of [["apt-get", "update"], ["apt-get", "install", "-y", "haproxy"]]) {
    const run = spawnSync(asRoot[0] ?? (args[0] as string), asRoot.length ? args : args.slice(1), { stdio: "inherit", env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" } });
    if (run.status !== 0) throw new Error(`${args.join(" ")} failed: install haproxy (Debian package "haproxy") and run again`);
  }
}

async function startHaproxy(tmp: string, listen: number, backends: number[]): Promise<string> {
  const config = path.join(tmp, "haproxy.cfg");
  fs.writeFileSync(config, haproxyConfig(listen, backends));
  const check = spawnSync(HAPROXY, ["-c", "-f", config], { encoding: "utf8" });
  if (check.status !== 0) throw new Error(`haproxy rejected its configuration: ${check.stdout}${check.stderr}`);
  const logFd = fs.openSync(path.join(tmp, "haproxy.log"), "a");
  const child = spawn(HAPROXY, ["-db", "-f", config], { stdio: ["ignore", logFd, logFd] });
  fs.closeSync(logFd);
  harness.onCleanup("haproxy", async () => {
    if (child.exitCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
  });
  const url = `http://127.0.0.1:${listen}`;
  for (const deadline = Date.now() + 20_000; Date.now() < deadline; await sleep(200)) {
    const ok = await fetch(`${url}/api/v1/openapi.json`).then((res) => res.ok, () => false);
    if (ok) return url;
  }
  throw new Error("haproxy did not forward requests within 20 s");
}

async function ports(): Promise<{ instances: number[]; lb: number }> {
  const given = process.env.CLUSTER_PORTS?.split(",").map(Number).filter((p) => p > 0);
  const instances = given?.length === 3 ? given : [await findFreePort(), await findFreePort(), await findFreePort()];
  return { instances, lb: envNumber("CLUSTER_LB_PORT", 0) || (await findFreePort()) };
}

/** Polls `server` until it answers `code` for `secret`; ms since `since` (performance.now()). */
async function firstAnswer(server: ServerHandle, secret: string, code: string, since: number): Promise<number> {
  for (;;) {
    const answer = await verify(server.baseUrl, "default", { key: secret });
    if (answer.code === code) return performance.now() - since;
    if (performance.now() - since > 10_000) throw new Error(`${server.name} still answers ${answer.code} after 10 s`);
    await sleep(2);
  }
}

async function main(): Promise<ClusterResults> {
  harness.sampleLoad();
  ensureHaproxy();
  log("checking the production build (scripts/build-if-needed.mjs)");
  build();
  const tmp = makeTmpDir(harness, "keydesk-cluster-");
  const postgres = await startEmbeddedPostgres({ dataDir: path.join(tmp, "postgres"), log: (line) => log(line) });
  harness.onCleanup("PostgreSQL", () => postgres.stop());
  await ensureDatabase(postgres.url(), "keydesk");
  const databaseUrl = postgres.url("keydesk");
  const { instances: instancePorts, lb } = await ports();

  // ---- three instances at the same moment, on an empty database ---------------------------
  const admin = { email: "cluster-admin@keydesk.test", password: `Cluster-${crypto.randomBytes(9).toString("base64url")}` };
  const shared = { DATABASE_URL: databaseUrl, KEYDESK_BENCH: "1", KEYDESK_TRUST_PROXY: "1", NEXTAUTH_SECRET: crypto.randomBytes(32).toString("base64url") };
  log(`starting three instances at once on ports ${instancePorts.join(", ")} (empty database)`);
  const servers = await Promise.all(
    instancePorts.map((port, i) => {
      const dataDir = path.join(tmp, `instance-${i + 1}`);
      fs.mkdirSync(dataDir, { recursive: true });
      const env = { ...shared, KEYDESK_DATA_DIR: dataDir, KEYDESK_ADMIN_EMAIL: i === 0 ? admin.email : "", KEYDESK_ADMIN_PASSWORD: i === 0 ? admin.password : "" };
      return startServer({ name: `k${i + 1}`, root, port, env, logDir: tmp });
    }),
  );
  for (const server of servers) harness.onCleanup(`instance ${server.name}`, () => server.stop());
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  harness.onCleanup("database client", () => db.end());
  const expected = readMigrations(path.join(root, "prisma/migrations")).map((m) => m.name);
  const applied = (await db.query<{ migration_name: string }>(`SELECT "migration_name" FROM "_prisma_migrations" WHERE "finished_at" IS NOT NULL`)).rows.map((r) => r.migration_name);
  const appliedBy = servers.map((server) => {
    const match = /applied (\d+) migration\(s\)/.exec(fs.readFileSync(server.logFile, "utf8"));
    return { instance: server.name, applied: match ? Number(match[1]) : 0 };
  });
  const migrations = { expected: expected.length, rows: applied.length, distinct: new Set(applied).size, appliedBy };
  log(`migrations: ${applied.length} rows for ${expected.length} migrations; applied by ${appliedBy.map((a) => `${a.instance}=${a.applied}`).join(", ")}`);

  const lbUrl = await startHaproxy(tmp, lb, instancePorts);
  const defaultProject = await projectIdBySlug(db, "default");
  const systemProject = await projectIdBySlug(db, "keydesk-api");
  const adminUser = await adminId(db);
  const warm = await insertKey(db, { projectId: defaultProject, prefix: "kd", createdById: adminUser, name: "cluster-warm" });
  const management = await insertKey(db, { projectId: systemProject, prefix: "kdm", createdById: adminUser, name: "cluster-management" });
  for (const server of servers) {
    const answer = await verify(server.baseUrl, "default", { key: warm.secret });
    if (answer.code !== "VALID") throw new Error(`${server.name} answered ${answer.status} ${answer.code} for the warm key`);
  }

  // ---- throughput: one instance vs three behind HAProxy -----------------------------------
  const body = JSON.stringify({ key: warm.secret, project: "default", method: "GET", path: "/v1/orders" });
  const run = (url: string) => runLoad({ url: `${url}/api/v1/keys/verify`, method: "POST", connections: CONNECTIONS, durationSec: DURATION, body });
  harness.sampleLoad();
  log("throughput: warm key, one instance directly, then three behind HAProxy");
  await run(lbUrl); // warm-up of every instance's JIT through the balancer
  const single = await run(servers[0]?.baseUrl as string);
  const balanced = await run(lbUrl);

  // ---- creation and revocation propagation ------------------------------------------------
  log(`propagation: ${TRIALS} keys created and revoked through ${servers[0]?.name}, watched on the others`);
  const headers = { authorization: `Bearer ${management.secret}`, "content-type": "application/json" };
  const created: Record<string, number[]> = {};
  const revoked: Record<string, number[]> = {};
  const others = servers.slice(1);
  for (let t = 0; t < TRIALS; t++) {
    const t0 = performance.now();
    const res = await fetch(`${servers[0]?.baseUrl}/api/v1/projects/default/keys`, { method: "POST", headers, body: JSON.stringify({ name: `propagation ${t}`, expiry: "30d" }) });
    const key = (await res.json()) as { key?: { id: string }; secret?: string };
    const id = key.key?.id;
    const secret = key.secret;
    if (res.status !== 201 || !id || !secret) throw new Error(`create answered ${res.status}: ${JSON.stringify(key).slice(0, 200)}`);
    const acked = performance.now();
    for (const server of others) (created[server.name] ??= []).push((await firstAnswer(server, secret, "VALID", t0)) - (acked - t0));
    const t1 = performance.now();
    const del = await fetch(`${servers[0]?.baseUrl}/api/v1/keys/${id}`, { method: "DELETE", headers });
    await del.text();
    if (del.status !== 200) throw new Error(`revoke answered ${del.status}`);
    const { rows } = await db.query<{ revokedAt: Date }>(`SELECT "revokedAt" FROM "ApiKey" WHERE "publicId" = $1`, [id]);
    const revokedWall = rows[0]?.revokedAt.getTime() ?? Number.NaN;
    await Promise.all(
      others.map(async (server) => {
        const seen = await firstAnswer(server, secret, "REVOKED", t1);
        (revoked[server.name] ??= []).push(performance.timeOrigin + t1 + seen - revokedWall);
      }),
    );
  }
  const summarizeAll = (byInstance: Record<string, number[]>) =>
    Object.fromEntries(Object.entries(byInstance).map(([name, values]) => [name, summarize(values)])) as Record<string, LatencySummary>;

  // ---- the active-key limit under parallel creates through the balancer -------------------
  harness.sampleLoad();
  log(`active-key limit: ${CREATES} parallel creates through HAProxy, limit ${LIMIT}`);
  const { rows: limited } = await db.query<{ id: string }>(
    `INSERT INTO "Project" ("name", "slug", "keyPrefix", "activeKeyLimit") VALUES ('Cluster limit', 'cluster-limit', 'cl', $1) RETURNING "id"`,
    [LIMIT],
  );
  const statuses = await Promise.all(
    Array.from({ length: CREATES }, (_, i) =>
      fetch(`${lbUrl}/api/v1/projects/cluster-limit/keys`, { method: "POST", headers, body: JSON.stringify({ name: `parallel ${i}`, expiry: "30d" }) }).then(async (res) => {
        const text = await res.text();
        return { status: res.status, code: res.status === 201 ? "created" : ((JSON.parse(text) as { error?: { code?: string } }).error?.code ?? "?") };
      }),
    ),
  );
  const { rows: counted } = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM "ApiKey" WHERE "projectId" = $1 AND "revokedAt" IS NULL`, [limited[0]?.id]);
  const byCode: Record<string, number> = {};
  for (const s of statuses) byCode[`${s.status} ${s.code}`] = (byCode[`${s.status} ${s.code}`] ?? 0) + 1;

  const pgVersion = (await db.query<{ server_version: string }>("SHOW server_version")).rows[0]?.server_version ?? "?";
  return {
    date: new Date().toISOString(),
    durationSec: 0,
    machine: machine(pgVersion, harness.loadAverages),
    haproxy: spawnSync(HAPROXY, ["-v"], { encoding: "utf8" }).stdout.split("\n")[0] ?? "",
    haproxyConfig: haproxyConfig(lb, instancePorts),
    migrations,
    throughput: { connections: CONNECTIONS, durationSec: DURATION, single, balanced },
    propagation: { trials: TRIALS, created: summarizeAll(created), revoked: summarizeAll(revoked) },
    limit: { limit: LIMIT, attempts: CREATES, byCode, activeKeys: counted[0]?.n ?? -1 },
  };
}

runEntrypoint(harness, main, {
  resultsFile: "bench/cluster-results.json",
  docsFile: "docs/cluster.md",
  noDocs: process.env.BENCH_NO_DOCS === "1",
  renderMarkdown: renderClusterMarkdown,
  renderConsole: renderClusterConsole,
});
