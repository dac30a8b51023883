// Turns a benchmark run into bench/results.json's shape, the console table and docs/benchmarks.md.
import { median, type LatencySummary, type LoadResult } from "@/bench/load";
import { table } from "@/bench/format";
import type { MachineInfo } from "@/bench/harness";
import type { PageTiming } from "@/bench/http";
import type { ScaleResults } from "@/bench/scenarios/scale";
import { renderScaleMarkdown } from "@/bench/scenarios/scale-report";
import type { TrailResults } from "@/bench/scenarios/trail";
import { renderLimits, type LimitsBenchResults } from "@/bench/scenarios/limits";
import { renderRegexSection, type RegexScenarioResult } from "@/bench/scenarios/regex";
import { formatCount } from "@/lib/format";

export interface Target {
  scenario: string;
  target: string;
  measured: string;
  /** null: not measured. */
  met: boolean | null;
}

export interface RoundResult {
  round: number;
  leanNoop: LoadResult;
  nextNoop: LoadResult;
  warm: LoadResult;
  warmUsage: {
    verifications: number;
    flushes: number;
    statements: number;
    usageRowWrites: number;
    keyRowUpdates: number;
    cacheLookups: number;
  };
  regex: LoadResult;
  malformed: LoadResult;
  malformedCounts: {
    verifications: number;
    /** The server's own count of key lookups (database queries of the verification path). */
    cacheLookups: number;
    usageStatements: number;
    /** Statements PostgreSQL logged during the run (other connections than the benchmark's). */
    statements: number;
    /** Of those, lookups of a key by hash. */
    keyLookupStatements: number;
    statementSamples: string[];
  };
  distinct: LoadResult;
  distinctCounts: {
    verifications: number;
    cacheHitRatio: number;
    cacheLookups: number;
    cacheSize: number;
    flushes: number;
    statements: number;
    usageRowWrites: number;
    keyRowUpdates: number;
  };
}

export interface BenchResults {
  date: string;
  durationSec: number;
  /** loadAverages: the 1-minute load average at the start, each round, around pages and revocation. */
  machine: MachineInfo;
  settings: {
    rounds: number;
    durationSec: number;
    distinctDurationSec: number;
    connections: number;
    keyCount: number;
    /** KEYDESK_KEY_CACHE_MB the server ran with. */
    keyCacheMb: number;
    usageFlushMs: number;
    seedSeconds: number;
    hostilePattern: string;
    hostilePathBytes: number;
  };
  rounds: RoundResult[];
  /** bench/scenarios/trail.ts; absent in results written before the request trail existed. */
  trail?: TrailResults;
  pages:
    | { missing: true; status: number; variants: [] }
    | {
        missing: false;
        status: number;
        /** PostgreSQL logged statements slower than this while the pages were measured. */
        slowStatementMs: number;
        variants: {
          name: string;
          path: string;
          html: PageTiming[];
          rsc: PageTiming[];
          /** The slowest statement logged while this view was measured, and how many were logged. */
          slowestStatement: { ms: number; count: number; sql: string } | null;
        }[];
      };
  memory: {
    rssAtStart: number;
    rssAfterWarmup: number;
    rssAfterSoak: number;
    heapUsedAfterSoak: number;
    verifications: number;
    soakRps: number;
    soakErrors: number;
    soakSeconds: number;
    cacheSize: number;
    /** Server A's usage counters after the soak: flushes over the whole run. */
    usage: { pending: number; flushes: number; failedFlushes: number; statements: number };
    /** Server A sampled every 15 s during the soak. */
    timeline: {
      atSec: number;
      rss: number;
      heapUsed: number;
      external: number;
      arrayBuffers: number;
      cacheSize: number;
      usagePending: number;
      flushes: number;
      failedFlushes: number;
    }[];
    /** Server A's memory at the end of each phase of the run. */
    phases: { name: string; rss: number; heapUsed: number; external: number; arrayBuffers: number }[];
  };
  /** bench/scenarios/scale.ts, unless BENCH_NO_SCALE=1. */
  scale?: ScaleResults;
  revocation: {
    trials: number;
    /** Revocations that did not complete (the REST call failed, or B never answered REVOKED). */
    failures: string[];
    pollIntervalMs: number;
    /** From A's revokedAt (set in the revoking transaction) to B's first REVOKED answer. */
    fromRevokedAt: LatencySummary;
    fromRequest: LatencySummary;
    fromAck: LatencySummary;
    deleteLatency: LatencySummary;
  };
  /** bench/scenarios/limits.ts; absent in results from before it existed. */
  limits?: LimitsBenchResults;
  /** bench/scenarios/regex.ts; absent in results from before it ran in the full run. */
  regex?: RegexScenarioResult;
  targets: Target[];
}

const ms = (value: number) => (Number.isFinite(value) ? value.toFixed(2) : "n/a");
const rps = (value: number) => formatCount(Math.round(value));
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const verdict = (met: boolean | null) => (met === null ? "not measured" : met ? "**met**" : "**NOT met**");

type LoadPick = "leanNoop" | "nextNoop" | "warm" | "regex" | "malformed" | "distinct";

const SCENARIOS: { pick: LoadPick; label: string }[] = [
  { pick: "leanNoop", label: "ceiling: lean no-op (`POST /api/v1/bench/noop`)" },
  { pick: "nextNoop", label: "ceiling: Next.js no-op route handler (`POST /api/bench/noop`)" },
  { pick: "warm", label: "verify, valid key, warm cache" },
  { pick: "regex", label: "verify, regex constraint, hostile pattern, 4 KiB path" },
  { pick: "malformed", label: "verify, malformed key (bad checksum)" },
  { pick: "distinct", label: "verify over the seeded keys, uniformly at random" },
];

function loadRows(r: BenchResults): string[][] {
  return SCENARIOS.map(({ pick, label }) => {
    const runs = r.rounds.map((round) => round[pick]);
    const perRound = (f: (round: BenchResults["rounds"][number]) => number) => median(r.rounds.map(f));
    const p = (f: (l: LatencySummary) => number) => median(runs.map((run) => (run.latency ? f(run.latency) : Number.NaN)));
    return [
      label,
      rps(median(runs.map((run) => run.rps))),
      `${perRound((round) => round[pick].rps / round.leanNoop.rps).toFixed(2)}×`,
      `${perRound((round) => round[pick].rps / round.nextNoop.rps).toFixed(2)}×`,
      ms(p((l) => l.p50)),
      ms(p((l) => l.p99)),
      `${perRound((round) => (round[pick].latency?.p99 ?? Number.NaN) / (round.leanNoop.latency?.p99 ?? Number.NaN)).toFixed(2)}×`,
      String(runs.reduce((sum, run) => sum + run.non2xx + run.errors + run.timeouts, 0)),
    ];
  });
}

export function renderConsole(r: BenchResults): string {
  const header = ["scenario", "req/s", "÷ lean", "÷ Next", "p50 ms", "p99 ms", "p99 ÷ lean", "errors"];
  const rows = loadRows(r).map((row) => row.map((cell) => cell.replace(/`|\*\*/g, "")));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join("  ");
  const targetWidth = Math.max(...r.targets.map((t) => t.scenario.length));
  return [
    `Keydesk benchmark, ${r.date} — ${r.machine.cores} cores, ${r.machine.memoryGiB} GiB, Node ${r.machine.node}, PostgreSQL ${r.machine.postgres}; median of ${r.settings.rounds} rounds`,
    "",
    line(header),
    ...rows.map(line),
    "",
    ...r.targets.map((t) => `${t.met === null ? "  ?  " : t.met ? " met " : " MISS"}  ${t.scenario.padEnd(targetWidth)}  ${t.measured}`),
  ].join("\n");
}

export function renderMarkdown(r: BenchResults): string {
  const s = r.settings;
  const baseline = r.memory.phases.find((x) => x.name.includes("baseline"));
  const m = r.machine;
  const out: string[] = [];
  out.push(
    "# Benchmarks",
    "",
    "<!-- Generated by `npm run bench` (bench/run.ts); edits are overwritten by the next run. -->",
    "",
    `Measured **${r.date.slice(0, 10)}** (${r.date}) by \`npm run bench\`, which took ${Math.floor(r.durationSec / 60)} min ${r.durationSec % 60} s.`,
    "Raw figures: [`bench/results.json`](../bench/results.json).",
    "",
    "## Machine",
    "",
    table(["", ""], [
      ["CPU", `${m.cores} cores, ${m.cpuModel}`],
      ["memory", `${m.memoryGiB} GiB`],
      ["OS", m.os],
      ["Node.js", m.node],
      ["PostgreSQL", `${m.postgres} (embedded, on the same machine, production settings)`],
      ["1-min load average during the run", `${m.loadAverages.map((x) => x.toFixed(1)).join(", ")} (start, pages, each round, revocation)`],
    ]),
    "",
    "The load generator (autocannon), Keydesk and PostgreSQL share these cores, and the machine is shared",
    "with other work, so absolute numbers move from run to run. That is why every figure is set against two",
    "ceilings measured in the same run and round — the same server answering a no-op on the lean path (where",
    "verification is answered, before Next.js) and a no-op Next.js route handler — and why each scenario runs",
    `${s.rounds} times and the tables give the median (ratios are taken within a round, then the median).`,
    "",
    "## Targets",
    "",
    table(["scenario", "target", "measured", "verdict"], r.targets.map((t) => [t.scenario, t.target, t.measured, verdict(t.met)])),
    "",
  );

  const missed = r.targets.filter((t) => t.met === false);
  const unmeasured = r.targets.filter((t) => t.met === null);
  if (missed.length || unmeasured.length) {
    out.push("Targets not met or not measured in this run:", "");
    for (const t of [...missed, ...unmeasured]) out.push(`- **${t.scenario}** — ${t.measured}. ${explain(t, r)}`);
    out.push("");
  } else {
    out.push("Every target was met in this run.", "");
  }

  out.push(
    "## Throughput and latency",
    "",
    `${s.connections} connections, one request in flight per connection, ${s.durationSec} s per run (${s.distinctDurationSec} s over the seeded keys).`,
    "Latencies are measured by the client per request, so they include the client's own share of the CPU.",
    "",
    table(["scenario", "req/s", "÷ lean no-op", "÷ Next no-op", "p50 ms", "p99 ms", "p99 ÷ lean no-op p99", "error responses"], loadRows(r)),
    "",
    "Per round (req/s · p99 ms):",
    "",
    table(
      ["round", ...SCENARIOS.map((x) => x.pick)],
      r.rounds.map((round) => [String(round.round), ...SCENARIOS.map(({ pick }) => `${rps(round[pick].rps)} · ${ms(round[pick].latency?.p99 ?? Number.NaN)}`)]),
    ),
    "",
    "## Database work",
    "",
    table(
      ["round", "warm key: verifications", "usage flushes (transactions)", "write statements", "per 10,000", "rows written", "key lookups (DB)"],
      r.rounds.map((round) => {
        const u = round.warmUsage;
        return [String(round.round), u.verifications.toLocaleString("en"), String(u.flushes), String(u.statements), ((u.statements / Math.max(1, u.verifications)) * 10_000).toFixed(2), String(u.usageRowWrites + u.keyRowUpdates), String(u.cacheLookups)];
      }),
    ),
    "",
    table(
      ["round", `over ${s.keyCount.toLocaleString("en")} keys: verifications`, "cache hit ratio", "key lookups (DB)", "usage flushes", "flushes per 10,000", "rows written"],
      r.rounds.map((round) => {
        const d = round.distinctCounts;
        return [String(round.round), d.verifications.toLocaleString("en"), `${(d.cacheHitRatio * 100).toFixed(1)}%`, d.cacheLookups.toLocaleString("en"), String(d.flushes), ((d.flushes / Math.max(1, d.verifications)) * 10_000).toFixed(2), (d.usageRowWrites + d.keyRowUpdates).toLocaleString("en")];
      }),
    ),
    "",
    table(
      ["round", "malformed: answers", "key lookups (server counter)", "key lookups (PostgreSQL log)", "usage statements", "all statements PostgreSQL ran meanwhile"],
      r.rounds.map((round) => {
        const c = round.malformedCounts;
        const samples = c.statementSamples.map((sql) => `\`${sql.replace(/\|/g, "\\|")}\``).join(", ");
        return [String(round.round), c.verifications.toLocaleString("en"), String(c.cacheLookups), String(c.keyLookupStatements), String(c.usageStatements), `${c.statements}${samples ? `: ${samples}` : ""}`];
      }),
    ),
    "",
    "Usage counts are coalesced in memory per (key, UTC day) and written every " +
      `${s.usageFlushMs / 1000} s in one transaction of at most two statements (an upsert into "KeyUsageDaily" and the`,
    '`lastUsedAt` update), whatever the number of verifications; "rows written" grows with the number of',
    "distinct keys used between two flushes, not with the number of verifications. Key lookups come from the",
    "server's own counter (every query the verification path makes). For the malformed runs PostgreSQL also",
    "logs every statement it executes (from any connection but the benchmark's own) for the run and the",
    "settling time after it, which starts only once no usage counts are pending.",
    "",
  );

  out.push("## Settings → API Keys", "");
  if (r.pages.missing) {
    out.push(`Not measured: \`/settings/api-keys\` answered HTTP ${r.pages.status} (page missing).`, "");
  } else {
    out.push(
      `Signed in as an administrator, ${s.keyCount.toLocaleString("en")} keys in the project; each row is the median over ${s.rounds} rounds of the p95 of 20 sequential requests (RSC: 10)`,
      "(after warm-up), timed until the last byte. HTML is a full document request; RSC is the same URL with the",
      "`RSC: 1` header, as client-side navigation fetches it. PostgreSQL logs every statement slower than",
      `${r.pages.slowStatementMs} ms meanwhile; the slowest one per view is quoted where a target is missed.`,
      "",
      table(
        ["view", "path", "HTML p50 ms", "HTML p95 ms", "HTML size", "RSC p50 ms", "RSC p95 ms", `slowest SQL (statements > ${r.pages.slowStatementMs} ms)`],
        r.pages.variants.map((v) => [
          v.name,
          `\`${v.path}\``,
          ms(median(v.html.map((t) => t.p50))),
          ms(median(v.html.map((t) => t.p95))),
          `${((v.html[0]?.bytes ?? 0) / 1024).toFixed(0)} KiB`,
          ms(median(v.rsc.map((t) => t.p50))),
          ms(median(v.rsc.map((t) => t.p95))),
          v.slowestStatement ? `${v.slowestStatement.ms.toFixed(0)} ms (${v.slowestStatement.count})` : "none",
        ]),
      ),
      "",
    );
  }

  out.push(
    "## Memory",
    "",
    "RSS is read right after a full garbage collection (the server runs with `--expose-gc` under the benchmark, and the",
    "bench-only stats route collects before answering), so that it shows what the process retains rather than how",
    "lazily V8 collects; the soak timeline below is sampled without collecting.",
    "",
    table(["point", "server RSS", "heap used"], [
      ["after start-up", mib(r.memory.rssAtStart), "—"],
      [
        `after warm-up and the page measurements (the baseline: every route once, 5 s over ${s.keyCount.toLocaleString("en")} keys, then the Settings → API Keys timings)`,
        mib(r.memory.rssAfterWarmup),
        baseline ? mib(baseline.heapUsed) : "—",
      ],
      [
        `after ${r.memory.verifications.toLocaleString("en")} verifications over ${s.keyCount.toLocaleString("en")} keys (key cache: ${r.memory.cacheSize.toLocaleString("en")} entries)`,
        `${mib(r.memory.rssAfterSoak)} (${(r.memory.rssAfterSoak / r.memory.rssAfterWarmup).toFixed(2)}×)`,
        `${mib(r.memory.heapUsedAfterSoak)}${baseline ? ` (${(r.memory.heapUsedAfterSoak / baseline.heapUsed).toFixed(2)}×)` : ""}`,
      ],
    ]),
    "",
    `The verifications counted are those over the seeded keys after warm-up: the measured rounds plus a soak, pipelined (4 requests per connection), that ran ${r.memory.soakSeconds.toFixed(0)} s at ${rps(r.memory.soakRps)} req/s with ${r.memory.soakErrors} error responses. The soak stops at 1,000,000 verifications or when the run's 10-minute budget requires, whichever comes first. The key-state cache is bounded at ${s.keyCacheMb} MiB (\`KEYDESK_KEY_CACHE_MB\`); once it is full, more verifications replace entries instead of adding them.`,
    "",
    "Server A at the end of each phase, after a full collection (external and array buffers include WebAssembly memory, e.g. Prisma's query compiler):",
    "",
    table(
      ["phase", "RSS", "heap used", "external", "array buffers"],
      r.memory.phases.map((x) => [x.name, mib(x.rss), mib(x.heapUsed), mib(x.external), mib(x.arrayBuffers)]),
    ),
    "",
    "Server A during the soak (no forced collection):",
    "",
    table(
      ["after s", "RSS", "heap used", "external", "key cache entries", "usage counts pending", "usage flushes", "failed flushes"],
      r.memory.timeline.map((x) => [String(x.atSec), mib(x.rss), mib(x.heapUsed), mib(x.external), x.cacheSize.toLocaleString("en"), x.usagePending.toLocaleString("en"), String(x.flushes), String(x.failedFlushes)]),
    ),
    "",
    "## Revocation propagation",
    "",
    `A second instance (B) on the same database has the key cached (it answered VALID twice); instance A revokes it through the REST API (\`DELETE /api/v1/keys/{id}\` with a management key), while B is asked every ~${r.revocation.pollIntervalMs} ms until it answers REVOKED. ${r.revocation.trials} revocations:`,
    "",
    table(["measured from", "p50 ms", "p90 ms", "p99 ms", "max ms"], [
      ["**A revoked (the key's `revokedAt`) → first REVOKED from B**", ms(r.revocation.fromRevokedAt.p50), ms(r.revocation.fromRevokedAt.p90), ms(r.revocation.fromRevokedAt.p99), ms(r.revocation.fromRevokedAt.max)],
      ["DELETE sent → first REVOKED from B", ms(r.revocation.fromRequest.p50), ms(r.revocation.fromRequest.p90), ms(r.revocation.fromRequest.p99), ms(r.revocation.fromRequest.max)],
      ["DELETE answered → first REVOKED from B", ms(r.revocation.fromAck.p50), ms(r.revocation.fromAck.p90), ms(r.revocation.fromAck.p99), ms(r.revocation.fromAck.max)],
      ["(DELETE request itself)", ms(r.revocation.deleteLatency.p50), ms(r.revocation.deleteLatency.p90), ms(r.revocation.deleteLatency.p99), ms(r.revocation.deleteLatency.max)],
    ]),
    "",
    ...(r.revocation.failures.length ? ["Failed revocations:", "", ...r.revocation.failures.map((f) => `- ${f}`), ""] : []),
    "B hears of the revocation through PostgreSQL LISTEN/NOTIFY, delivered at commit. The first row is the",
    "propagation: `revokedAt` is A's clock inside the revoking transaction, just before the commit, and A, B and",
    "the benchmark share this machine's clock; it includes the commit and the polling interval. The REST call",
    "itself (audit entry, Next.js route) is the last row; a negative \"DELETE answered\" figure means B already",
    "answered REVOKED before A's response arrived.",
    "",
    ...(r.scale ? [renderScaleMarkdown(r.scale)] : []),
    "## How it is measured",
    "",
    `- \`npm run bench\` builds if needed (\`scripts/build-if-needed.mjs\`), starts a fresh embedded PostgreSQL in a temporary directory, applies the migrations and starts \`server/index.ts\` in production mode with \`KEYDESK_BENCH=1\` (which enables the two no-op routes and \`GET /api/v1/bench/stats\`; without it they answer 404).`,
    `- ${s.keyCount.toLocaleString("en")} keys are inserted with SQL in batches of 5,000 (${s.seedSeconds.toFixed(0)} s, then \`VACUUM ANALYZE\`), 96% active, 2% revoked, 2% expired, with varied names and descriptions; the project's active-key limit is raised first (the keys bypass the service, which would enforce it).`,
    `- Load comes from autocannon's programmatic API in the benchmark process. Latency percentiles are computed from every response time (autocannon's own histogram rounds to whole milliseconds).`,
    `- The regex scenario uses a key whose only constraint is \`${s.hostilePattern}\` (catastrophic for a backtracking engine) with a path of ${s.hostilePathBytes.toLocaleString("en")} bytes of \`a\`, which does not match (FORBIDDEN), so the engine has to scan it all; the plain case is the warm-cache scenario of the same round.`,
    `- Order: warm-up, the page timings, then each round (the two ceilings, warm verify, regex, malformed, then the seeded keys), revocation, and the memory soak last; after each measured run the benchmark waits ${3.5} s so the usage flush and PostgreSQL's statistics catch up before reading counters.`,
    "- Knobs for trying the harness out (not for published figures): `BENCH_ROUNDS`, `BENCH_DURATION`, `BENCH_KEYS`, `BENCH_SOAK`, `BENCH_BUDGET_SEC` (default 570), `BENCH_REVOCATIONS`, `BENCH_NO_DOCS=1`, `BENCH_ONLY=pages` (only the page timings, on the console; nothing is written), `BENCH_ONLY=scale` (only the scale scenarios, on the console), `BENCH_NO_SCALE=1`, `SCALE_KEYS` (default 1,000,000), `SCALE_WARMUP_SEC` (default 30), `BENCH_ONLY=limits` (only the usage-limits scenario, on the console), `BENCH_ONLY=regex` with `BENCH_REGEX_SEC` (only the regex-cost scenario, on the console).",
    "",
  );
  if (r.limits) out.push(renderLimits(r.limits));
  if (r.regex) out.push(renderRegexSection(r.regex));
  return out.join("\n");
}

function explain(t: Target, r: BenchResults): string {
  if (t.met === null) return "The page did not answer when this run was made.";
  const round = (f: (x: RoundResult) => number) => median(r.rounds.map(f));
  const loads = r.machine.loadAverages;
  const busy = `the 1-min load average on these ${r.machine.cores} cores was ${Math.min(...loads).toFixed(1)}–${Math.max(...loads).toFixed(1)} during the run`;
  if (t.scenario.startsWith("verify, valid key")) {
    const leanP99 = round((x) => x.leanNoop.latency?.p99 ?? Number.NaN);
    return `In the same rounds the lean no-op itself had p99 ${leanP99.toFixed(2)} ms and verification reached ${(round((x) => x.warm.rps / x.leanNoop.rps) * 100).toFixed(0)}% of its throughput; ${busy}, and the load generator shares the cores.`;
  }
  if (t.scenario.startsWith("verify over")) {
    const hit = round((x) => x.distinctCounts.cacheHitRatio);
    const lookups = round((x) => x.distinctCounts.cacheLookups / x.distinct.durationSec);
    return `With the keys chosen uniformly at random, ${(hit * 100).toFixed(0)}% were answered from the cache; each miss is a database query (${lookups.toFixed(0)} per second), and with ${r.settings.connections} requests in flight the misses queue for the Node process and PostgreSQL on the same cores; ${busy}.`;
  }
  if (t.scenario.startsWith("verify, regex")) {
    return `The engine is linear (a backtracking engine would not finish \`${r.settings.hostilePattern}\` on ${r.settings.hostilePathBytes.toLocaleString("en")} bytes), but scanning 4 KiB still costs CPU: throughput fell to ${(round((x) => x.regex.rps / x.warm.rps) * 100).toFixed(0)}% of the plain case, and at saturation with ${r.settings.connections} connections latency grows with the work per request.`;
  }
  if (t.scenario.startsWith("Settings") && !r.pages.missing) {
    const name = t.scenario.replace("Settings → API Keys: ", "");
    const variant = r.pages.variants.find((v) => v.name === name);
    const slow = variant?.slowestStatement;
    const first = r.pages.variants[0];
    const firstP50 = first ? median(first.html.map((x) => x.p50)) : Number.NaN;
    const parts = [`the first page's p50 was ${firstP50.toFixed(0)} ms in the same run`];
    if (slow) parts.push(`the slowest database statement logged for this view took ${slow.ms.toFixed(0)} ms (${slow.count} statements over ${r.pages.slowStatementMs} ms): \`${slow.sql.slice(0, 300)}${slow.sql.length > 300 ? "…" : ""}\``);
    else parts.push(`no database statement took more than ${r.pages.slowStatementMs} ms, so the time is spent rendering in the server`);
    return `For comparison, ${parts.join("; ")}; ${busy}.`;
  }
  if (t.scenario.startsWith("usage flushes")) {
    const worst = r.memory.timeline.reduce((max, x) => Math.max(max, x.usagePending), 0);
    return `A flush writes every (key, day) counted since the last one in one transaction; over ${r.settings.keyCount.toLocaleString("en")} keys under this load a flush grew to tens of thousands of rows, outlived Prisma's 5 s transaction timeout and was rolled back, so its counts went back into the next, even larger batch (up to ${worst.toLocaleString("en")} pending). While such a flush runs it holds row locks on "ApiKey" (\`lastUsedAt\`), which a revocation of the same key must wait for. See the soak timeline.`;
  }
  if (t.scenario.startsWith("usage tracking")) {
    return `Writes happen once per flush interval (${r.settings.usageFlushMs / 1000} s), not per verification; at the ${Math.round(round((x) => x.warm.rps)).toLocaleString("en")} verifications per second reached here that is more than 10 statements per 10,000.`;
  }
  if (t.scenario.startsWith("memory") && r.memory.verifications < 1_000_000 && r.memory.rssAfterSoak / r.memory.rssAfterWarmup <= 2) {
    const baseline = r.memory.phases.find((x) => x.name.includes("baseline"));
    const heap = baseline ? ` Retained memory stayed flat: heap used after a full collection went from ${mib(baseline.heapUsed)} to ${mib(r.memory.heapUsedAfterSoak)} while the key cache filled towards its ${r.settings.keyCacheMb} MiB budget; RSS grows mostly because V8 keeps the pages of a heap it let grow between collections.` : "";
    return `Not verified at 1,000,000: at ${Math.round(r.memory.soakRps).toLocaleString("en")} verifications per second over ${r.settings.keyCount.toLocaleString("en")} keys (about half of them cache misses, each a database query) a million would take ${Math.round(1_000_000 / r.memory.soakRps / 60)} minutes on this machine, so the soak stops after ${r.memory.soakSeconds.toFixed(0)} s to keep the whole run under 10 minutes; \`BENCH_SOAK\` and \`BENCH_BUDGET_SEC\` allow a longer run.${heap} The ratio so far is ${(r.memory.rssAfterSoak / r.memory.rssAfterWarmup).toFixed(2)}×; ${busy}.`;
  }
  if (t.scenario.startsWith("memory")) {
    const failed = r.memory.usage.failedFlushes;
    return `RSS grew to ${(r.memory.rssAfterSoak / r.memory.rssAfterWarmup).toFixed(2)}× after ${r.memory.verifications.toLocaleString("en")} verifications (heap used ${mib(r.memory.heapUsedAfterSoak)}, key cache ${r.memory.cacheSize.toLocaleString("en")} entries, bounded)${failed ? `; ${failed} usage flushes failed meanwhile, each rebuilding ever larger batches (see the timeline)` : ""}${r.memory.verifications < 1_000_000 ? `; the soak stopped before 1,000,000 to keep the run under 10 minutes` : ""}; ${busy}.`;
  }
  if (t.scenario.startsWith("revocation")) {
    if (r.revocation.failures.length) return `${r.revocation.failures.join("; ")}; ${busy}.`;
    return `B's answers themselves were slow under this load: the lean no-op's p99 in the rounds was ${round((x) => x.leanNoop.latency?.p99 ?? Number.NaN).toFixed(0)} ms; ${busy}.`;
  }
  return `See the tables below; ${busy}.`;
}
