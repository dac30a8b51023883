// `npm run bench`'s usage-limits scenario (BENCH_ONLY=limits runs it alone):
// - warm verification of a key with a rate limit of 1,000,000 per minute and a quota, against
//   the same kind of key without limits, in the same rounds (throughput ≥ 80%, p99 ≤ 1.5×);
// - database statements per 10,000 such verifications, from the server's own counters (limiter
//   and usage flush) and from PostgreSQL's statement log (≤ 20);
// - Better Auth's api-key plugin with its rate limit on, on the same PostgreSQL, as the peer
//   users would otherwise pick (bench/better-auth-server.ts): the throughput ratio.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import readline from "node:readline";
import type pg from "pg";
import { table } from "@/bench/format";
import type { ServerStats } from "@/bench/harness";
import { sleep } from "@/bench/http";
import { median, runLoad, type LoadResult } from "@/bench/load";
import type { Target } from "@/bench/report";
import { insertKey } from "@/bench/seed";
import { ensureDatabase } from "@/lib/db/migrator";

export interface LimitsScenarioContext {
  baseUrl: string;
  db: pg.Client;
  /** PostgreSQL's log (log_min_duration_statement output is counted from it). */
  pgLogFile: string;
  /** URL of the benchmark's PostgreSQL server for `database` (Better Auth gets one of its own). */
  serverUrl: (database: string) => string;
  root: string;
  projectId: string;
  projectSlug: string;
  adminId: string;
  rounds: number;
  durationSec: number;
  connections: number;
  log: (message: string) => void;
  onCleanup: (name: string, run: () => Promise<void>) => void;
  stats: () => Promise<ServerStats>;
}

export interface LimitsBenchResults {
  settings: { rateLimit: string; credits: number; durationSec: number; connections: number };
  rounds: { round: number; unlimited: LoadResult; limited: LoadResult; betterAuth: LoadResult | null }[];
  statements: {
    verifications: number;
    /** The server's counters: statements the limiter sent, and the usage flush's. */
    limiter: number;
    usage: number;
    /** Statements PostgreSQL logged from the server's connections during the same run. */
    logged: number;
    /** The most frequent statements in the log, as "count× text" (first 100 characters), most first. */
    samples: string[];
    /**
     * Statements logged while the server sat idle for as long (the notification pollers, the
     * listener's ping, partition upkeep): what the server sends whether or not anyone verifies.
     */
    idle?: number;
    idleSamples?: string[];
  };
  betterAuth: { version: string | null; problem: string | null };
}

const SETTLE_MS = 3_500;
const RATE_LIMIT = 1_000_000;
const CREDITS = 1_000_000_000_000;

async function verifyOnce(url: string, body: string): Promise<Record<string, unknown>> {
  const res = await fetch(url, { method: "POST", body });
  return (await res.json()) as Record<string, unknown>;
}

/**
 * Statements PostgreSQL executes for others than `db` while `run` runs (see bench/run.ts), except
 * the request trail's writer (application_name keydesk-trail): it writes once per flush whatever
 * the key's limits, and the trail scenario measures it.
 */
async function loggedStatements(db: pg.Client, logFile: string, run: () => Promise<void>): Promise<string[]> {
  const own = (await db.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]?.pid;
  await db.query("ALTER SYSTEM SET log_min_duration_statement = 0");
  await db.query("SELECT pg_reload_conf()");
  await sleep(200);
  const offset = fs.statSync(logFile).size;
  try {
    await run();
  } finally {
    await db.query("ALTER SYSTEM RESET log_min_duration_statement");
    await db.query("SELECT pg_reload_conf()");
  }
  const trail = new Set((await db.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE application_name = 'keydesk-trail'`)).rows.map((row) => row.pid));
  const text = fs.readFileSync(logFile).subarray(offset).toString("utf8");
  const out: string[] = [];
  for (const m of text.matchAll(/\[(\d+)\] LOG: {2}duration: [\d.]+ ms {2}(?:execute [^:]*|statement): ([^\n]*)/g)) {
    const pid = Number(m[1]);
    if (pid !== own && !trail.has(pid)) out.push((m[2] ?? "").replace(/"public"\./g, ""));
  }
  return out;
}

async function startBetterAuth(ctx: LimitsScenarioContext): Promise<{ url: string; key: string; version: string; child: ChildProcess }> {
  await ensureDatabase(ctx.serverUrl("postgres"), "betterauth");
  const child = spawn(process.execPath, ["--import", "tsx", path.join(ctx.root, "bench/better-auth-server.ts")], {
    cwd: ctx.root,
    env: { ...process.env, NODE_ENV: "production", BA_DATABASE_URL: ctx.serverUrl("betterauth") },
    stdio: ["ignore", "pipe", "pipe"],
  });
  ctx.onCleanup("Better Auth server", async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGTERM");
      await new Promise((resolve) => child.once("exit", resolve));
    }
  });
  const errors: string[] = [];
  child.stderr?.on("data", (chunk: Buffer) => errors.push(chunk.toString()));
  const line = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`Better Auth did not start: ${errors.join("").slice(-500)}`)), 60_000);
    child.once("exit", (code) => reject(new Error(`Better Auth exited with ${code}: ${errors.join("").slice(-500)}`)));
    if (!child.stdout) throw new Error("no stdout");
    readline.createInterface({ input: child.stdout }).once("line", (l) => {
      clearTimeout(timer);
      resolve(l);
    });
  });
  const ready = JSON.parse(line) as { port: number; key: string; version: string };
  return { url: `http://127.0.0.1:${ready.port}/verify`, key: ready.key, version: ready.version, child };
}

export async function runLimitsScenario(ctx: LimitsScenarioContext): Promise<LimitsBenchResults> {
  const verifyUrl = `${ctx.baseUrl}/api/v1/keys/verify`;
  const unlimitedKey = await insertKey(ctx.db, { projectId: ctx.projectId, prefix: "kd", createdById: ctx.adminId, name: "bench-unlimited" });
  const limitedKey = await insertKey(ctx.db, { projectId: ctx.projectId, prefix: "kd", createdById: ctx.adminId, name: "bench-limited" });
  const { rows } = await ctx.db.query<{ id: string }>(`SELECT "id" FROM "ApiKey" WHERE "publicId" = $1`, [limitedKey.publicId]);
  const limitedId = rows[0]?.id;
  await ctx.db.query(`INSERT INTO "ApiKeyRateLimit" ("keyId", "position", "name", "limit", "durationMs") VALUES ($1, 0, '1m', $2, 60000)`, [limitedId, RATE_LIMIT]);
  await ctx.db.query(`INSERT INTO "ApiKeyCredits" ("keyId", "remaining") VALUES ($1, $2)`, [limitedId, CREDITS]);

  const body = (secret: string) => JSON.stringify({ key: secret, project: ctx.projectSlug, method: "GET", path: "/v1/orders" });
  const unlimitedBody = body(unlimitedKey.secret);
  const limitedBody = body(limitedKey.secret);
  const sanity = await verifyOnce(verifyUrl, limitedBody);
  if (sanity.code !== "VALID" || !Array.isArray(sanity.ratelimits) || typeof sanity.credits !== "object") {
    throw new Error(`key with limits: expected VALID with ratelimits and credits, got ${JSON.stringify(sanity).slice(0, 300)}`);
  }
  if ((await verifyOnce(verifyUrl, unlimitedBody)).code !== "VALID") throw new Error("key without limits: expected VALID");

  let betterAuth: Awaited<ReturnType<typeof startBetterAuth>> | null = null;
  let problem: string | null = null;
  try {
    betterAuth = await startBetterAuth(ctx);
    const answer = await verifyOnce(betterAuth.url, JSON.stringify({ key: betterAuth.key }));
    if (answer.valid !== true) throw new Error(`Better Auth answered ${JSON.stringify(answer).slice(0, 200)}`);
  } catch (error) {
    problem = error instanceof Error ? error.message : String(error);
    ctx.log(`Better Auth not measured: ${problem}`);
    betterAuth = null;
  }

  const load = (url: string, payload: string, durationSec = ctx.durationSec) =>
    runLoad({ url, method: "POST", connections: ctx.connections, durationSec, body: payload });
  ctx.log("usage limits: warm-up");
  await load(verifyUrl, unlimitedBody, 2);
  await load(verifyUrl, limitedBody, 2);
  if (betterAuth) await load(betterAuth.url, JSON.stringify({ key: betterAuth.key }), 2);

  const rounds: LimitsBenchResults["rounds"] = [];
  for (let round = 1; round <= ctx.rounds; round++) {
    ctx.log(`usage limits, round ${round}/${ctx.rounds}: key without limits, key with limits${betterAuth ? ", Better Auth" : ""}`);
    const unlimited = await load(verifyUrl, unlimitedBody);
    await sleep(500);
    const limited = await load(verifyUrl, limitedBody);
    await sleep(500);
    const ba = betterAuth ? await load(betterAuth.url, JSON.stringify({ key: betterAuth.key })) : null;
    rounds.push({ round, unlimited, limited, betterAuth: ba });
    await sleep(1_000);
  }
  if (betterAuth) {
    betterAuth.child.kill("SIGTERM");
    await new Promise((resolve) => betterAuth?.child.once("exit", resolve));
  }

  ctx.log("usage limits: statements per 10,000 verifications of the key with limits (and as long idle)");
  await sleep(SETTLE_MS);
  const idle = await loggedStatements(ctx.db, ctx.pgLogFile, async () => {
    await sleep(ctx.durationSec * 1000 + SETTLE_MS);
  });
  const before = await ctx.stats();
  let counted: LoadResult | undefined;
  const statements = await loggedStatements(ctx.db, ctx.pgLogFile, async () => {
    counted = await load(verifyUrl, limitedBody);
    await sleep(SETTLE_MS);
  });
  const after = await ctx.stats();
  return {
    settings: { rateLimit: `${RATE_LIMIT.toLocaleString("en")} per minute`, credits: CREDITS, durationSec: ctx.durationSec, connections: ctx.connections },
    rounds,
    statements: {
      verifications: counted?.ok2xx ?? 0,
      limiter: (after.limits?.statements ?? 0) - (before.limits?.statements ?? 0),
      usage: after.usage.statements - before.usage.statements,
      logged: statements.length,
      samples: mostFrequent(statements, 6),
      idle: idle.length,
      idleSamples: mostFrequent(idle, 4),
    },
    betterAuth: { version: betterAuth?.version ?? null, problem },
  };
}

function mostFrequent(statements: string[], count: number): string[] {
  const tally = new Map<string, number>();
  for (const sql of statements) {
    const text = sql.slice(0, 100);
    tally.set(text, (tally.get(text) ?? 0) + 1);
  }
  return [...tally].sort((a, b) => b[1] - a[1]).slice(0, count).map(([text, n]) => `${n}× ${text}`);
}

const per10k = (n: number, of: number) => (n / Math.max(1, of)) * 10_000;

export function limitsTargets(r: LimitsBenchResults): Target[] {
  const med = (f: (x: LimitsBenchResults["rounds"][number]) => number) => median(r.rounds.map(f));
  const p99 = (x: LoadResult | null) => x?.latency?.p99 ?? Number.NaN;
  const ratio = med((x) => x.limited.rps / x.unlimited.rps);
  const p99Ratio = med((x) => p99(x.limited) / p99(x.unlimited));
  const s = r.statements;
  const server = per10k(s.limiter + s.usage, s.verifications);
  // What the verifications added to the log: the run's statements less the idle period's.
  const logged = per10k(Math.max(0, s.logged - (s.idle ?? 0)), s.verifications);
  const ba = r.rounds.every((x) => x.betterAuth) ? med((x) => x.limited.rps / (x.betterAuth?.rps ?? Number.NaN)) : Number.NaN;
  return [
    {
      scenario: `verify, key with a rate limit of ${r.settings.rateLimit} and a quota, warm`,
      target: "≥ 80% of the same key's req/s without limits; p99 ≤ 1.5× of it",
      measured: `${(ratio * 100).toFixed(0)}% of the req/s; p99 ${med((x) => p99(x.limited)).toFixed(2)} ms = ${p99Ratio.toFixed(2)}×`,
      met: ratio >= 0.8 && p99Ratio <= 1.5,
    },
    {
      scenario: "usage limits: database statements per 10,000 verifications",
      target: "≤ 20",
      measured: `${server.toFixed(2)} by the server's counters (limiter ${s.limiter}, usage flush ${s.usage}); ${logged.toFixed(2)} in PostgreSQL's statement log (the trail's writer aside) beyond the idle server's (${s.logged} for ${s.verifications.toLocaleString("en")} verifications, ${s.idle ?? "?"} in as long idle)`,
      met: s.verifications > 0 && server <= 20 && logged <= 20,
    },
    {
      scenario: `Better Auth ${r.betterAuth.version ?? ""} api-key plugin, rate limit on (writes per request)`,
      target: "report the ratio",
      measured: Number.isNaN(ba)
        ? `not measured: ${r.betterAuth.problem ?? "unknown"}`
        : `Keydesk with limits ${Math.round(med((x) => x.limited.rps)).toLocaleString("en")} req/s vs Better Auth ${Math.round(med((x) => x.betterAuth?.rps ?? Number.NaN)).toLocaleString("en")} req/s = ${ba.toFixed(1)}×; p99 ${med((x) => p99(x.limited)).toFixed(2)} vs ${med((x) => p99(x.betterAuth)).toFixed(2)} ms`,
      met: null,
    },
  ];
}

/** The usage-limits section of docs/benchmarks.md (and the console for BENCH_ONLY=limits). */
export function renderLimits(r: LimitsBenchResults): string {
  const cell = (x: LoadResult | null) => (x ? `${Math.round(x.rps).toLocaleString("en")} · ${(x.latency?.p99 ?? Number.NaN).toFixed(2)}` : "—");
  return [
    "## Usage limits",
    "",
    `A key with a rate limit of ${r.settings.rateLimit} and ${r.settings.credits.toLocaleString("en")} credits against a key without limits, ${r.settings.connections} connections, ${r.settings.durationSec} s per run; then Better Auth's api-key plugin (rate limit on, a quota, its own server process on the same PostgreSQL). Per round (req/s · p99 ms):`,
    "",
    table(["round", "key without limits", "key with limits", "Better Auth api-key"], r.rounds.map((x) => [String(x.round), cell(x.unlimited), cell(x.limited), cell(x.betterAuth)])),
    "",
    `Statements during one more run of the key with limits (${r.statements.verifications.toLocaleString("en")} verifications): ${r.statements.limiter} from the limiter and ${r.statements.usage} from the usage flush by the server's counters; ${r.statements.logged} in PostgreSQL's statement log${r.statements.samples.length ? ` (${r.statements.samples.map((x) => `\`${x}\``).join(", ")})` : ""}; ${r.statements.idle ?? "?"} while the server sat idle for as long${r.statements.idleSamples?.length ? ` (${r.statements.idleSamples.map((x) => `\`${x}\``).join(", ")})` : ""}.`,
    "",
    ...limitsTargets(r).map((t) => `- ${t.scenario}: ${t.measured}${t.met === null ? "" : t.met ? " — met" : " — **NOT met**"}`),
    "",
  ].join("\n");
}
