// The scale and attack scenarios of `npm run bench` (issue 15), run against the benchmark's server A
// after its own rounds, or alone with BENCH_ONLY=scale:
// - the key table grows to SCALE_KEYS (default 1,000,000) by one COPY into a project of its own;
// - a second instance starts on it: how long its membership index takes to load, and its size;
// - per round, beside the lean no-op measured in the same round: random well-formed unknown keys
//   (valid checksum) with the server's lookup counter and PostgreSQL's statement log watching for
//   any key lookup, and verification over all keys uniformly at random;
// - a mixed attack: legitimate warm-key traffic alone, then while unknown keys arrive at full speed
//   on other connections, with the Settings → API Keys page timed meanwhile;
// - memory: the index's and the key-state cache's bytes per key.
import type pg from "pg";
import { serverStats, statementsDuring, type Harness, type ServerStats } from "@/bench/harness";
import { sleep, timePage, type PageTiming } from "@/bench/http";
import { runLoad, type LoadResult } from "@/bench/load";
import { copyKeys, fastSecret } from "@/bench/seed";
import { startServer, type ServerHandle } from "@/bench/server";
import { findFreePort } from "@/lib/db/embedded-postgres";

export interface ScaleContext {
  harness: Harness;
  server: ServerHandle;
  db: pg.Client;
  pgLogFile: string;
  /** Secrets of the keys seeded so far (they count towards SCALE_KEYS and are verified too). */
  existingSecrets: string[];
  adminId: string;
  /** A valid, unrestricted key for the legitimate traffic of the mixed attack. */
  warmSecret: string;
  cookie: string;
  /** For the start-up measurement: how server A was started. */
  serverEnv: Record<string, string>;
  root: string;
  logDir: string;
  rounds: number;
  durationSec: number;
  connections: number;
}

export interface ScaleRound {
  leanNoop: LoadResult;
  unknown: LoadResult;
  unknownCounts: { verifications: number; serverLookups: number; keyLookupStatements: number; statements: number };
  million: LoadResult;
  millionCounts: { verifications: number; hits: number; misses: number; lookups: number };
}

export interface ScaleResults {
  totalKeys: number;
  seededKeys: number;
  seedSeconds: number;
  /** From the COPY's commit until server A's index held every key. */
  indexCatchUpSeconds: number;
  /** From then until server A's key-cache warmer had read every key once more (lib/keys/key-cache-warm.ts). */
  cacheWarm: { seconds: number; keys: number; passMs: number | null; full: boolean; cacheEntries: number } | null;
  startup: { toReadyMs: number; loadMs: number | null; keys: number; indexBytes: number; rssMb: number };
  warmup: { seconds: number; verifications: number };
  rounds: ScaleRound[];
  mixed: { solo: LoadResult; underAttack: LoadResult; attack: LoadResult; pageSolo: PageTiming; pageUnderAttack: PageTiming };
  memory: { indexKeys: number; indexBytes: number; cacheEntries: number; cacheBytes: number; cacheBudgetBytes: number; rssMb: number };
}

const SCALE_KEYS = Number(process.env.SCALE_KEYS ?? 1_000_000);
const WARMUP_SEC = Number(process.env.SCALE_WARMUP_SEC ?? 30);
const body = (key: string, project = "default") => JSON.stringify({ key, project, method: "GET", path: "/v1/orders" });
/** The scale scenario's own keys live in a project of their own. */
const SCALE_PROJECT = "bench-scale";

/**
 * Indexes the COPY does not need: dropped before and rebuilt after (a sorted build is many times
 * faster than a million random inserts); the unique ones and the hash prefix's stay.
 */
async function droppableIndexes(db: pg.Client): Promise<{ name: string; definition: string }[]> {
  const { rows } = await db.query<{ name: string; definition: string }>(
    `SELECT i.relname AS name, pg_get_indexdef(x.indexrelid) AS definition
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
      WHERE x.indrelid = '"ApiKey"'::regclass AND NOT x.indisunique AND NOT x.indisprimary AND i.relname <> 'ApiKey_hashPrefix_idx'`,
  );
  return rows;
}

/** Seeds `count` keys; also returns when the COPY had committed (epoch ms). */
async function seed(ctx: ScaleContext, count: number): Promise<{ secrets: string[]; copiedAt: number }> {
  const { db } = ctx;
  const { rows } = await db.query<{ id: string }>(
    `INSERT INTO "Project" ("name", "slug", "keyPrefix", "activeKeyLimit") VALUES ('Bench scale', '${SCALE_PROJECT}', 'ks', 1000) RETURNING "id"`,
  );
  const projectId = rows[0]?.id as string;
  const indexes = await droppableIndexes(db);
  for (const index of indexes) await db.query(`DROP INDEX "${index.name}"`);
  const secrets: string[] = new Array(count);
  await copyKeys(db, { projectId, prefix: "ks", createdById: ctx.adminId, count, namePrefix: "scale-" }, (i, secret) => {
    secrets[i] = secret;
  });
  const copiedAt = Date.now();
  await db.query(`SET maintenance_work_mem = '256MB'`);
  for (const index of indexes) await db.query(index.definition);
  await db.query(`RESET maintenance_work_mem`);
  // What autovacuum would do: statistics, and the visibility map the index-only scans need.
  await db.query(`VACUUM ANALYZE "ApiKey"`);
  return { secrets, copiedAt };
}

async function until(what: string, ms: number, check: () => Promise<boolean>): Promise<void> {
  for (const deadline = Date.now() + ms; !(await check()); await sleep(250)) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms / 1000} s waiting for ${what}`);
  }
}

/** A second instance on the same database: how long until its membership index is ready. */
async function measureStartup(ctx: ScaleContext, totalKeys: number): Promise<ScaleResults["startup"]> {
  const started = performance.now();
  const c = await startServer({ name: "scale-startup", root: ctx.root, port: await findFreePort(), env: { ...ctx.serverEnv, KEYDESK_ADMIN_EMAIL: "", KEYDESK_ADMIN_PASSWORD: "" }, logDir: ctx.logDir });
  ctx.harness.onCleanup("server scale-startup", () => c.stop());
  try {
    let stats: ServerStats | undefined;
    await until("the second instance's index", 60_000, async () => {
      stats = await serverStats(c);
      return stats.keyIndex.ready;
    });
    const toReadyMs = performance.now() - started;
    const after = await serverStats(c, { gc: true });
    if (after.keyIndex.size < totalKeys * 0.999) throw new Error(`second instance's index holds ${after.keyIndex.size} of ${totalKeys} keys`);
    return { toReadyMs, loadMs: after.keyIndex.lastLoadMs, keys: after.keyIndex.size, indexBytes: after.keyIndex.bytes, rssMb: after.memory.rss / 2 ** 20 };
  } finally {
    await c.stop();
  }
}

export async function runScaleScenario(ctx: ScaleContext): Promise<ScaleResults> {
  const { harness, server, db } = ctx;
  const { log } = harness;
  const verifyUrl = `${server.baseUrl}/api/v1/keys/verify`;
  const leanNoopUrl = `${server.baseUrl}/api/v1/bench/noop`;
  const load = (options: Omit<Parameters<typeof runLoad>[0], "url" | "method">, url = verifyUrl) => runLoad({ url, method: "POST", ...options });

  // ---- seed up to SCALE_KEYS with one COPY --------------------------------------------------
  const seededKeys = Math.max(0, SCALE_KEYS - ctx.existingSecrets.length);
  log(`scale: seeding ${seededKeys.toLocaleString("en")} more keys with COPY (${SCALE_KEYS.toLocaleString("en")} in all)`);
  const seedStarted = performance.now();
  const seeded = await seed(ctx, seededKeys);
  const secrets = ctx.existingSecrets.concat(seeded.secrets);
  const seedSeconds = (performance.now() - seedStarted) / 1000;
  const { rows } = await db.query<{ n: number }>(`SELECT count(DISTINCT "hashPrefix")::int AS n FROM "ApiKey"`);
  const totalKeys = rows[0]?.n ?? 0;
  // The COPY was announced as one "*": server A reconciles its index with the table.
  const catchUpStarted = performance.now();
  await until("server A's index to hold every key", 120_000, async () => (await serverStats(server)).keyIndex.size >= totalKeys);
  const indexCatchUpSeconds = (performance.now() - catchUpStarted) / 1000;
  log(`scale: seeded in ${seedSeconds.toFixed(0)} s; server A's index caught up in ${indexCatchUpSeconds.toFixed(1)} s`);
  // The index's full reload started a pass of the cache's warmer: wait for one that began after
  // the COPY committed (so it read every key).
  const warmStarted = performance.now();
  let cacheWarm: ScaleResults["cacheWarm"] = null;
  if (seededKeys > 0 && (await serverStats(server)).keyCacheWarm) {
    await until("server A's key cache warmer to finish a pass over every key", 300_000, async () => {
      const warmNow = (await serverStats(server)).keyCacheWarm;
      return warmNow !== null && !warmNow.running && (warmNow.lastPassStartedAt ?? 0) >= seeded.copiedAt;
    });
    const after = await serverStats(server);
    cacheWarm = {
      seconds: (performance.now() - warmStarted) / 1000,
      keys: after.keyCacheWarm?.lastPassKeys ?? 0,
      passMs: after.keyCacheWarm?.lastPassMs ?? null,
      full: after.keyCacheWarm?.lastPassFull ?? false,
      cacheEntries: after.keyCache.size,
    };
    log(`scale: the key cache warmer read ${cacheWarm.keys.toLocaleString("en")} keys in ${((cacheWarm.passMs ?? 0) / 1000).toFixed(1)} s (cache: ${cacheWarm.cacheEntries.toLocaleString("en")} entries)`);
  }

  const startup = await measureStartup(ctx, totalKeys);
  log(`scale: a second instance's index was ready ${(startup.toReadyMs / 1000).toFixed(1)} s after spawn (load ${startup.loadMs} ms, ${(startup.indexBytes / 2 ** 20).toFixed(1)} MiB for ${startup.keys.toLocaleString("en")} keys)`);

  // Keys below `existing` are the benchmark's own (project "default"), the rest the scale project's.
  const existing = ctx.existingSecrets.length;
  const randomKeyBody = () => {
    const i = Math.floor(Math.random() * secrets.length);
    return body(secrets[i] as string, i < existing ? "default" : SCALE_PROJECT);
  };
  const unknownKey = () => body(fastSecret("kd").secret);
  // Built before the runs (bench/load.ts `bodies`): building a request per request would cost the
  // load generator, on the same two cores, more than the server spends answering it, and the
  // lean no-op it is compared with sends one fixed body. Enough that no run repeats a body.
  const POOL = 150_000;
  const unknownBodies = Array.from({ length: POOL }, unknownKey);
  const randomKeyBodies = Array.from({ length: POOL }, randomKeyBody);

  // ---- warm-up over all keys (the cache fills as keys are used) -----------------------------
  log(`scale: warm-up, ${WARMUP_SEC} s over ${secrets.length.toLocaleString("en")} keys`);
  const warm = await load({ connections: ctx.connections, pipelining: 4, durationSec: WARMUP_SEC, nextBody: randomKeyBody, recordLatencies: false });
  await sleep(3_500);

  const rounds: ScaleRound[] = [];
  for (let round = 1; round <= ctx.rounds; round++) {
    log(`scale round ${round}/${ctx.rounds}: lean no-op, unknown keys, ${secrets.length.toLocaleString("en")} keys at random`);
    const leanNoop = await load({ connections: ctx.connections, durationSec: ctx.durationSec, body: body(ctx.warmSecret) }, leanNoopUrl);
    await sleep(500);

    const unknownBefore = await serverStats(server);
    let unknown: LoadResult | undefined;
    const statements = await statementsDuring(db, ctx.pgLogFile, async () => {
      unknown = await load({ connections: ctx.connections, durationSec: ctx.durationSec, bodies: unknownBodies });
      await sleep(1_500);
    });
    if (!unknown) throw new Error("unknown-key run did not complete");
    const unknownAfter = await serverStats(server);

    const millionBefore = unknownAfter;
    const million = await load({ connections: ctx.connections, durationSec: ctx.durationSec, bodies: randomKeyBodies });
    await sleep(1_000);
    const millionAfter = await serverStats(server);
    rounds.push({
      leanNoop,
      unknown,
      unknownCounts: {
        verifications: unknown.ok2xx,
        serverLookups: unknownAfter.keyCache.lookups - unknownBefore.keyCache.lookups,
        keyLookupStatements: statements.filter((sql) => /"hash"\s*=/.test(sql)).length,
        statements: statements.length,
      },
      million,
      millionCounts: {
        verifications: million.ok2xx,
        hits: millionAfter.keyCache.hits - millionBefore.keyCache.hits,
        misses: millionAfter.keyCache.misses - millionBefore.keyCache.misses,
        lookups: millionAfter.keyCache.lookups - millionBefore.keyCache.lookups,
      },
    });
  }

  // ---- mixed attack ---------------------------------------------------------------------------
  log("scale: mixed attack (legitimate traffic alone, then beside unknown keys at full speed)");
  const half = Math.max(1, Math.floor(ctx.connections / 2));
  const pageUrl = `${server.baseUrl}/settings/api-keys`;
  const page = () => timePage(pageUrl, { cookie: ctx.cookie }, { samples: 20, warmup: 1 });
  // The page is timed during both legitimate runs, so that the attack is the only difference.
  const [solo, pageSolo] = await Promise.all([load({ connections: half, durationSec: ctx.durationSec, body: body(ctx.warmSecret) }), page()]);
  await sleep(500);
  const attackSec = ctx.durationSec + 6;
  const attackRun = load({ connections: half, durationSec: attackSec, bodies: unknownBodies, recordLatencies: false });
  await sleep(1_000);
  const [underAttack, pageUnderAttack] = await Promise.all([load({ connections: half, durationSec: ctx.durationSec, body: body(ctx.warmSecret) }), page()]);
  const attack = await attackRun;

  await sleep(3_500);
  const final = await serverStats(server, { gc: true });
  return {
    totalKeys,
    seededKeys,
    seedSeconds,
    indexCatchUpSeconds,
    cacheWarm,
    startup,
    warmup: { seconds: WARMUP_SEC, verifications: warm.requests },
    rounds,
    mixed: { solo, underAttack, attack, pageSolo, pageUnderAttack },
    memory: {
      indexKeys: final.keyIndex.size,
      indexBytes: final.keyIndex.bytes,
      cacheEntries: final.keyCache.size,
      cacheBytes: final.keyCache.bytes,
      cacheBudgetBytes: final.keyCache.budgetBytes,
      rssMb: final.memory.rss / 2 ** 20,
    },
  };
}
