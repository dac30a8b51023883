// Targets and report sections of the scale scenarios (bench/scenarios/scale.ts).
import { table } from "@/bench/format";
import { median, type LoadResult } from "@/bench/load";
import type { Target } from "@/bench/report";
import type { ScaleResults, ScaleRound } from "@/bench/scenarios/scale";
import { formatCount } from "@/lib/format";

const p99 = (x: LoadResult) => x.latency?.p99 ?? Number.NaN;
const n = (value: number) => formatCount(Math.round(value));
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`;

export function scaleTargets(r: ScaleResults): Target[] {
  const med = (pick: (round: ScaleRound) => number) => median(r.rounds.map(pick));
  const keys = r.totalKeys.toLocaleString("en");
  const lookups = r.rounds.reduce((sum, x) => sum + x.unknownCounts.serverLookups + x.unknownCounts.keyLookupStatements, 0);
  const unknownAnswers = r.rounds.reduce((sum, x) => sum + x.unknownCounts.verifications, 0);
  const unknownRatio = med((x) => x.unknown.rps / x.leanNoop.rps);
  const millionRatio = med((x) => x.million.rps / x.leanNoop.rps);
  const millionP99 = med((x) => p99(x.million));
  const errors = (x: LoadResult) => x.non2xx + x.errors + x.timeouts;
  const m = r.mixed;
  const keptThroughput = m.underAttack.rps / m.solo.rps;
  const p99Factor = p99(m.underAttack) / p99(m.solo);
  return [
    {
      scenario: "random well-formed unknown keys (valid checksum), 16 connections",
      target: "≥ 80% of lean no-op req/s; 0 key lookups reach PostgreSQL",
      measured: `${(unknownRatio * 100).toFixed(0)}% of lean no-op; ${lookups} key lookups for ${n(unknownAnswers)} answers (server counter and PostgreSQL's statement log)`,
      met: unknownRatio >= 0.8 && lookups === 0 && r.rounds.every((x) => errors(x.unknown) === 0),
    },
    {
      scenario: `verify over ${keys} keys, uniformly at random, 16 connections`,
      target: "≥ 40% of lean no-op req/s; p99 ≤ 15 ms",
      measured: `${(millionRatio * 100).toFixed(0)}% of lean no-op; p99 ${millionP99.toFixed(2)} ms; cache hit ratio ${(med((x) => x.millionCounts.hits / Math.max(1, x.millionCounts.hits + x.millionCounts.misses)) * 100).toFixed(0)}%`,
      met: millionRatio >= 0.4 && millionP99 <= 15 && r.rounds.every((x) => errors(x.million) === 0),
    },
    {
      scenario: "mixed attack: warm-key traffic beside unknown keys at full speed",
      target: "legitimate traffic keeps ≥ 50% of its solo req/s and p99 ≤ 3× solo; Settings → API Keys p95 ≤ 250 ms meanwhile",
      measured: `${(keptThroughput * 100).toFixed(0)}% of solo req/s; p99 ${p99(m.underAttack).toFixed(2)} ms = ${p99Factor.toFixed(2)}× solo; page p95 ${m.pageUnderAttack.p95.toFixed(0)} ms (${m.pageSolo.p95.toFixed(0)} ms without the attack)`,
      met: keptThroughput >= 0.5 && p99Factor <= 3 && m.pageUnderAttack.p95 <= 250 && errors(m.underAttack) === 0,
    },
    {
      scenario: `membership index at start-up (${keys} keys, a second instance)`,
      target: "ready within 5 s; ≤ 32 MB",
      measured: `loaded in ${r.startup.loadMs ?? "?"} ms (${(r.startup.toReadyMs / 1000).toFixed(1)} s from spawn to ready, Next.js start included); ${mib(r.startup.indexBytes)} = ${(r.startup.indexBytes / Math.max(1, r.startup.keys)).toFixed(1)} bytes per key`,
      met: r.startup.loadMs !== null && r.startup.loadMs <= 5_000 && r.startup.indexBytes <= 32 * 2 ** 20,
    },
  ];
}

export function renderScaleMarkdown(r: ScaleResults): string {
  const rounds = r.rounds.map((x, i) => [
    String(i + 1),
    n(x.leanNoop.rps),
    `${n(x.unknown.rps)} (${((x.unknown.rps / x.leanNoop.rps) * 100).toFixed(0)}%) · ${p99(x.unknown).toFixed(2)} ms`,
    `${x.unknownCounts.serverLookups} / ${x.unknownCounts.keyLookupStatements} (${x.unknownCounts.statements} statements in all)`,
    `${n(x.million.rps)} (${((x.million.rps / x.leanNoop.rps) * 100).toFixed(0)}%) · ${p99(x.million).toFixed(2)} ms`,
    `${((x.millionCounts.hits / Math.max(1, x.millionCounts.hits + x.millionCounts.misses)) * 100).toFixed(0)}%, ${n(x.millionCounts.lookups)} lookups`,
  ]);
  const m = r.mixed;
  const mem = r.memory;
  return [
    `## At ${r.totalKeys.toLocaleString("en")} keys and under attack`,
    "",
    `${r.seededKeys.toLocaleString("en")} more keys went in with one COPY into a project of their own (${r.seedSeconds.toFixed(0)} s, list and search indexes rebuilt after it); the database announced the bulk insert as one \`*\`, and server A's membership index held every key ${r.indexCatchUpSeconds.toFixed(1)} s later.${r.cacheWarm ? ` Its key-cache warmer then read every key that can verify in one pass of ${((r.cacheWarm.passMs ?? 0) / 1000).toFixed(1)} s (${n(r.cacheWarm.keys)} cached${r.cacheWarm.full ? ", stopping at its share of the cache budget" : ""}; ${n(r.cacheWarm.cacheEntries)} entries in the cache).` : ""} Then ${r.warmup.seconds} s of warm-up (${n(r.warmup.verifications)} verifications over all keys) before the rounds.`,
    "",
    table(["round", "lean no-op req/s", "unknown keys: req/s (÷ lean) · p99", "key lookups: server / PostgreSQL log", `all ${r.totalKeys.toLocaleString("en")} keys: req/s (÷ lean) · p99`, "cache hits, DB lookups"], rounds),
    "",
    "Mixed attack (legitimate traffic and attack on half the connections each; Settings → API Keys is timed during both legitimate runs, so the attack is the only difference):",
    "",
    table(["", "req/s", "p50 ms", "p99 ms", "errors"], [
      ["legitimate warm key, alone", n(m.solo.rps), (m.solo.latency?.p50 ?? Number.NaN).toFixed(2), p99(m.solo).toFixed(2), String(m.solo.non2xx + m.solo.errors)],
      ["legitimate warm key, under attack", n(m.underAttack.rps), (m.underAttack.latency?.p50 ?? Number.NaN).toFixed(2), p99(m.underAttack).toFixed(2), String(m.underAttack.non2xx + m.underAttack.errors)],
      ["the attack: random unknown keys", n(m.attack.rps), "—", "—", String(m.attack.non2xx + m.attack.errors)],
    ]),
    "",
    `Settings → API Keys (first page, signed in): p95 ${m.pageSolo.p95.toFixed(0)} ms beside the legitimate traffic alone, ${m.pageUnderAttack.p95.toFixed(0)} ms under attack.`,
    "",
    "Every key-carrying run sends bodies built before it (150,000 unknown keys, 150,000 picks of the seeded keys), each connection cycling through its share: autocannon then reuses each request's bytes, as it does for the lean no-op's one fixed body, instead of building a request per request on the cores the server uses. Building each connection's share takes about a second before its first request, so these runs count throughput from the first answer to the last.",
    "",
    "Memory of server A at the end:",
    "",
    table(["", "entries", "bytes", "per entry"], [
      ["membership index", n(mem.indexKeys), mib(mem.indexBytes), `${(mem.indexBytes / Math.max(1, mem.indexKeys)).toFixed(1)} B`],
      [`key-state cache (budget ${mib(mem.cacheBudgetBytes)})`, n(mem.cacheEntries), mib(mem.cacheBytes), `${(mem.cacheBytes / Math.max(1, mem.cacheEntries)).toFixed(0)} B (estimated per entry; \`bench/measure-key-cache.ts\` measures it)`],
      ["process RSS", "—", `${mem.rssMb.toFixed(0)} MiB`, "—"],
    ]),
    "",
    `A second instance started on the ${r.totalKeys.toLocaleString("en")} keys: its index was loaded in ${r.startup.loadMs ?? "?"} ms (${mib(r.startup.indexBytes)}), ${(r.startup.toReadyMs / 1000).toFixed(1)} s after the process was spawned (Next.js start included); its RSS then was ${r.startup.rssMb.toFixed(0)} MiB.`,
    "",
  ].join("\n");
}

export function renderScaleConsole(r: ScaleResults): string {
  return [
    renderScaleMarkdown(r).replace(/`|\*\*/g, ""),
    ...scaleTargets(r).map((t) => `${t.met ? " met " : " MISS"}  ${t.scenario}: ${t.measured}`),
  ].join("\n");
}
