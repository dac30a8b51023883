// The regex-cost scenario (issue 12): can verification with hostile regex constraints stall the server?
// 20 clients verify in parallel, each request against one of 21 keys built to cost the most
// Keydesk allows — 20 rules of `.*<c>.{30}` (small programs whose DFA builds a state per
// character), plus one key stored before the limits with the audit's pattern (`[a-z/]{0,999}` ×4
// then `x`) — each with a fresh random path just under the 1 KiB regexes see, so no DFA state can
// be reused. Meanwhile GET /sign-in is timed one request after another. The same is done first with
// a key without constraints under the same 20-client load: that is the ceiling the regex load is set
// against (the event loop is busy either way; the question is what the patterns add). Before any
// load the page is timed idle. Targets: sign-in p95 under the regex load below 250 ms and within 2×
// of its p95 under the plain load; every verification below 100 ms. Run alone with
// BENCH_ONLY=regex (knob BENCH_REGEX_SEC, the load duration per phase, default 10); the full run
// includes it.
import type pg from "pg";
import { performance } from "node:perf_hooks";
import { envNumber } from "@/bench/harness";
import { sleep, timePage, verify } from "@/bench/http";
import { percentile, runLoad, type LoadResult } from "@/bench/load";
import type { Target } from "@/bench/report";
import { insertKey } from "@/bench/seed";

export interface RegexScenarioContext {
  baseUrl: string;
  db: pg.Client;
  projectId: string;
  projectSlug: string;
  adminId: string;
  log: (message: string) => void;
}

interface SignInUnderLoad {
  p50: number;
  p95: number;
  max: number;
  samples: number;
}

export interface RegexScenarioResult {
  idle: { p50: number; p95: number };
  /** The ceiling: the same load against a key without constraints. */
  plain: { signIn: SignInUnderLoad; verify: LoadResult };
  loaded: SignInUnderLoad;
  verify: LoadResult;
  codes: Record<string, number>;
}

const CLIENTS = 20;
const VERIFY_TARGET_MS = 100;
const PATH_LENGTH = 1023;
const ALPHABET = "abxyz/";
const AUDIT_PATTERN = `${"[a-z/]{0,999}".repeat(4)}x`;

function randomPath(): string {
  let path = "/";
  while (path.length < PATH_LENGTH) path += ALPHABET[Math.floor(Math.random() * ALPHABET.length)];
  return path;
}

export async function runRegexScenario(ctx: RegexScenarioContext): Promise<RegexScenarioResult> {
  const secrets: string[] = [];
  for (let k = 0; k < 20; k++) {
    const constraints = Array.from({ length: 20 }, (_, i) => ({ type: "regex" as const, value: `.*${"abxyz"[(i + k) % 5]}.{${20 + i}}` }));
    secrets.push((await insertKey(ctx.db, { projectId: ctx.projectId, prefix: "kd", createdById: ctx.adminId, name: `bench-regex-costly-${k}`, constraints })).secret);
  }
  secrets.push((await insertKey(ctx.db, { projectId: ctx.projectId, prefix: "kd", createdById: ctx.adminId, name: "bench-regex-stored", constraints: [{ type: "regex", value: AUDIT_PATTERN }] })).secret);
  for (const secret of secrets) {
    const answer = await verify(ctx.baseUrl, ctx.projectSlug, { key: secret, method: "GET", path: randomPath() });
    if (answer.status !== 200) throw new Error(`regex key answered HTTP ${answer.status} ${answer.code}`);
  }

  ctx.log("regex: GET /sign-in, idle");
  const idle = await timePage(`${ctx.baseUrl}/sign-in`, {}, { samples: 40, warmup: 5 });

  const seconds = envNumber("BENCH_REGEX_SEC", 10);
  const plainSecret = (await insertKey(ctx.db, { projectId: ctx.projectId, prefix: "kd", createdById: ctx.adminId, name: "bench-regex-plain" })).secret;
  ctx.log(`regex: ${CLIENTS} clients verifying a key without constraints for ${seconds} s (the ceiling), GET /sign-in timed meanwhile`);
  const plain = await signInUnderLoad(ctx, seconds, () => plainSecret);
  ctx.log(`regex: ${CLIENTS} clients verifying against costly regex keys for ${seconds} s, GET /sign-in timed meanwhile`);
  const costly = await signInUnderLoad(ctx, seconds, () => secrets[Math.floor(Math.random() * secrets.length)] as string);

  // What the keys answer afterwards (suspended or not), for the report.
  const codes: Record<string, number> = {};
  for (const secret of secrets) {
    const answer = await verify(ctx.baseUrl, ctx.projectSlug, { key: secret, method: "GET", path: randomPath() });
    codes[answer.code] = (codes[answer.code] ?? 0) + 1;
  }
  return { idle: { p50: idle.p50, p95: idle.p95 }, plain, loaded: costly.signIn, verify: costly.verify, codes };
}

/** CLIENTS connections verify (a key from `pick`, a random path each) while GET /sign-in is timed, one request after another. */
async function signInUnderLoad(ctx: RegexScenarioContext, seconds: number, pick: () => string): Promise<{ signIn: SignInUnderLoad; verify: LoadResult }> {
  let loading = true;
  const load = runLoad({
    url: `${ctx.baseUrl}/api/v1/keys/verify`,
    method: "POST",
    connections: CLIENTS,
    durationSec: seconds,
    nextBody: () => JSON.stringify({ key: pick(), project: ctx.projectSlug, method: "GET", path: randomPath() }),
    // The target is on every verification: a maximum alone hides whether one or hundreds missed it.
    countOverMs: VERIFY_TARGET_MS,
  }).finally(() => {
    loading = false;
  });
  const times: number[] = [];
  await sleep(500);
  while (loading) {
    const started = performance.now();
    const res = await fetch(`${ctx.baseUrl}/sign-in`, { redirect: "manual" });
    await res.text();
    if (loading) times.push(performance.now() - started);
  }
  const verifyResult = await load;
  const sorted = Float64Array.from(times).sort();
  return {
    signIn: { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted[sorted.length - 1] ?? Number.NaN, samples: sorted.length },
    verify: verifyResult,
  };
}

/** The issue's targets: sign-in p95 < 250 ms and ≤ 2× the plain ceiling; every verification < 100 ms. */
export function regexTargets(r: RegexScenarioResult): Target[] {
  const ratio = r.loaded.p95 / r.plain.signIn.p95;
  const v = r.verify.latency;
  return [
    {
      scenario: `GET /sign-in while ${CLIENTS} clients verify against costly regex keys (1 KiB random paths)`,
      target: "p95 < 250 ms; ≤ 2× its p95 under the same load with a key without constraints",
      measured: `p95 ${r.loaded.p95.toFixed(1)} ms = ${ratio.toFixed(2)}× the plain load's ${r.plain.signIn.p95.toFixed(1)} ms (idle ${r.idle.p95.toFixed(1)} ms)`,
      met: r.loaded.p95 < 250 && ratio <= 2,
    },
    {
      scenario: `verify against costly regex keys, ${CLIENTS} in parallel`,
      target: `every verification < ${VERIFY_TARGET_MS} ms`,
      measured: v
        ? `max ${v.max.toFixed(1)} ms, p99 ${v.p99.toFixed(1)} ms over ${r.verify.requests.toLocaleString("en")} (${r.verify.non2xx} non-2xx, ${r.verify.errors} errors); ${overText(r.verify)}, against ${overText(r.plain.verify)} under the plain load`
        : "no latencies recorded",
      met: v !== null && v.max < VERIFY_TARGET_MS && r.verify.errors === 0 && r.verify.non2xx === 0,
    },
  ];
}

/** "12 (0.3%) over 100 ms": how many verifications missed the target. */
function overText(load: LoadResult, withThreshold = true): string {
  if (!load.over) return "over-target count not recorded";
  const share = load.requests > 0 ? (100 * load.over.count) / load.requests : 0;
  return `${load.over.count.toLocaleString("en")} (${share.toFixed(2)}%)${withThreshold ? ` over ${load.over.ms} ms` : ""}, ${load.over.firstSecond.toLocaleString("en")} of them in the first second`;
}

/** The console summary (BENCH_ONLY=regex). */
export function renderRegex(result: RegexScenarioResult): string {
  const lines = [
    `Regex cost (issue 12): ${CLIENTS} parallel verifications, 1 KiB random paths`,
    `  GET /sign-in idle                      p50 ${result.idle.p50.toFixed(1)} ms   p95 ${result.idle.p95.toFixed(1)} ms`,
    signInLine("under the plain-key load  ", result.plain.signIn, result.plain.verify),
    signInLine("under the regex-key load  ", result.loaded, result.verify),
    `  the keys answer afterwards: ${JSON.stringify(result.codes)}`,
    ...regexTargets(result).map((t) => `  ${t.met ? "met" : "NOT met"}: ${t.scenario}: ${t.target} — ${t.measured}`),
  ];
  return lines.join("\n");
}

function signInLine(label: string, signIn: SignInUnderLoad, load: LoadResult): string {
  const v = load.latency;
  return (
    `  GET /sign-in ${label}  p50 ${signIn.p50.toFixed(1)} ms   p95 ${signIn.p95.toFixed(1)} ms   max ${signIn.max.toFixed(1)} ms (${signIn.samples} samples); ` +
    `verifications ${load.requests.toLocaleString("en")} (${load.rps.toFixed(0)}/s)` +
    (v ? ` p50 ${v.p50.toFixed(1)} ms p99 ${v.p99.toFixed(1)} ms max ${v.max.toFixed(1)} ms, ${overText(load)}` : "")
  );
}

/** The section of docs/benchmarks.md. */
export function renderRegexSection(r: RegexScenarioResult): string {
  const row = (name: string, signIn: SignInUnderLoad, load: LoadResult | null) =>
    `| ${name} | ${signIn.p50.toFixed(1)} | ${signIn.p95.toFixed(1)} | ${signIn.max.toFixed(1)} | ${load ? Math.round(load.rps).toLocaleString("en") : "—"} | ${load?.latency ? `${load.latency.p99.toFixed(1)} / ${load.latency.max.toFixed(1)}` : "—"} | ${load ? overText(load, false) : "—"} |`;
  return [
    "## Regex constraints under attack",
    "",
    `${CLIENTS} clients verify in parallel against the costliest regex keys Keydesk accepts (20 rules of \`.*<c>.{20…39}\` each, and one key stored before the limits with \`[a-z/]{0,999}\`×4\`x\`), each request with a fresh random 1 KiB path, while \`GET /sign-in\` is timed one request after another; then the same load with a key without constraints, the ceiling. Answers afterwards: ${Object.entries(r.codes).map(([code, n]) => `${n} ${code}`).join(", ")}.`,
    "",
    "| load | sign-in p50 ms | sign-in p95 ms | sign-in max ms | verifications/s | verify p99 / max ms | verifications over 100 ms |",
    "| --- | --- | --- | --- | --- | --- | --- |",
    row("none (idle)", { ...r.idle, max: Number.NaN, samples: 0 }, null),
    row("key without constraints", r.plain.signIn, r.plain.verify),
    row("costly regex keys", r.loaded, r.verify),
    "",
  ].join("\n");
}
