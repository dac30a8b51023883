// BENCH_ONLY=regex (issue 12): can verification with hostile regex constraints stall the server?
// 20 clients verify in parallel, each request against one of 21 keys built to cost the most
// Keydesk allows — 20 rules of `.*<c>.{30}` (small programs whose DFA builds a state per
// character), plus one key stored before the limits with the audit's pattern (`[a-z/]{0,999}` ×4
// then `x`) — each with a fresh random path just under the 1 KiB regexes see, so no DFA state can
// be reused. Meanwhile GET /sign-in is timed one request after another; before the load it is
// timed idle. Targets: sign-in p95 under load below 250 ms (and its ratio to idle reported), every
// verification below 100 ms. Knobs: BENCH_REGEX_SEC (load duration, default 10).
import type pg from "pg";
import { performance } from "node:perf_hooks";
import { envNumber } from "@/bench/harness";
import { sleep, timePage, verify } from "@/bench/http";
import { percentile, runLoad, type LoadResult } from "@/bench/load";
import { insertKey } from "@/bench/seed";

export interface RegexScenarioContext {
  baseUrl: string;
  db: pg.Client;
  projectId: string;
  projectSlug: string;
  adminId: string;
  log: (message: string) => void;
}

export interface RegexScenarioResult {
  idle: { p50: number; p95: number };
  loaded: { p50: number; p95: number; max: number; samples: number };
  verify: LoadResult;
  codes: Record<string, number>;
}

const CLIENTS = 20;
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

  const codes: Record<string, number> = {};
  ctx.log(`regex: ${CLIENTS} clients verifying against costly regex keys for ${envNumber("BENCH_REGEX_SEC", 10)} s, GET /sign-in timed meanwhile`);
  let loading = true;
  const load = runLoad({
    url: `${ctx.baseUrl}/api/v1/keys/verify`,
    method: "POST",
    connections: CLIENTS,
    durationSec: envNumber("BENCH_REGEX_SEC", 10),
    nextBody: () => JSON.stringify({ key: secrets[Math.floor(Math.random() * secrets.length)], project: ctx.projectSlug, method: "GET", path: randomPath() }),
  }).finally(() => {
    loading = false;
  });
  const signInTimes: number[] = [];
  await sleep(500);
  while (loading) {
    const started = performance.now();
    const res = await fetch(`${ctx.baseUrl}/sign-in`, { redirect: "manual" });
    await res.text();
    if (loading) signInTimes.push(performance.now() - started);
  }
  const verifyResult = await load;
  // What the keys answer afterwards (suspended or not), for the report.
  for (const secret of secrets) {
    const answer = await verify(ctx.baseUrl, ctx.projectSlug, { key: secret, method: "GET", path: randomPath() });
    codes[answer.code] = (codes[answer.code] ?? 0) + 1;
  }
  const sorted = Float64Array.from(signInTimes).sort();
  return {
    idle: { p50: idle.p50, p95: idle.p95 },
    loaded: { p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted[sorted.length - 1] ?? Number.NaN, samples: sorted.length },
    verify: verifyResult,
    codes,
  };
}

export function renderRegex(result: RegexScenarioResult): string {
  const v = result.verify.latency;
  const ratio = result.loaded.p95 / result.idle.p95;
  const lines = [
    `Regex cost (issue 12): ${CLIENTS} parallel verifications against costly regex keys, 1 KiB random paths`,
    `  GET /sign-in idle            p50 ${result.idle.p50.toFixed(1)} ms   p95 ${result.idle.p95.toFixed(1)} ms`,
    `  GET /sign-in under the load  p50 ${result.loaded.p50.toFixed(1)} ms   p95 ${result.loaded.p95.toFixed(1)} ms   max ${result.loaded.max.toFixed(1)} ms   (${result.loaded.samples} samples)`,
    `  sign-in p95 under load / idle = ${ratio.toFixed(2)}×; target p95 < 250 ms: ${result.loaded.p95 < 250 ? "met" : "NOT met"}`,
    `  verifications ${result.verify.requests} (${result.verify.rps.toFixed(0)}/s, ${result.verify.non2xx} non-2xx, ${result.verify.errors} errors)` +
      (v ? `   p50 ${v.p50.toFixed(1)} ms   p99 ${v.p99.toFixed(1)} ms   max ${v.max.toFixed(1)} ms; target max < 100 ms: ${v.max < 100 ? "met" : "NOT met"}` : ""),
    `  the keys answer afterwards: ${JSON.stringify(result.codes)}`,
  ];
  return lines.join("\n");
}
