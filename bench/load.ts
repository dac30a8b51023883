// Load generation for the benchmark: autocannon's programmatic API, with our own latency record.
// autocannon's histogram keeps whole milliseconds, too coarse for targets of a few ms, so every
// response time (a float, in ms) is collected here and the percentiles are computed exactly.
import { performance } from "node:perf_hooks";
import autocannon from "autocannon";

export interface LoadOptions {
  url: string;
  method?: "GET" | "POST" | "DELETE";
  connections: number;
  /** Seconds; ignored when `amount` is set. */
  durationSec?: number;
  /** Stop after this many requests instead of after a duration. */
  amount?: number;
  pipelining?: number;
  headers?: Record<string, string>;
  body?: string;
  /** A body per request (e.g. a different key each time); takes precedence over `body`. */
  nextBody?: () => string;
  /**
   * Bodies built before the run, dealt out to the connections and sent in turn (each connection
   * cycles through its share): a different key per request at the client cost of a fixed body.
   * `nextBody` builds every request anew, which costs the load generator several times what the
   * server spends on a key it does not know. Takes precedence over `nextBody` and `body`.
   */
  bodies?: readonly string[];
  /** With `amount`: stop early after this many seconds anyway. */
  maxDurationSec?: number;
  /** false for long runs that only count (memory soak): saves the client's CPU and memory. */
  recordLatencies?: boolean;
  /** Count the responses slower than this many ms (a target on every request, not a percentile). */
  countOverMs?: number;
}

export interface LatencySummary {
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

export interface LoadResult {
  requests: number;
  durationSec: number;
  rps: number;
  ok2xx: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  /** Milliseconds, exact (from our own record); null when latencies were not recorded. */
  latency: LatencySummary | null;
  /**
   * With `countOverMs`: how many responses took longer, and how many of those arrived within the
   * load's first second (connections opening, caches and JIT warming: a start transient rather
   * than a steady state; reported, never subtracted).
   */
  over?: { ms: number; count: number; firstSecond: number };
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] as number;
}

export function summarize(values: number[]): LatencySummary {
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const value of sorted) sum += value;
  return {
    mean: sum / sorted.length,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? Number.NaN,
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  let over = 0;
  let overFirstSecond = 0;
  const startedAt = performance.now();
  const record = options.recordLatencies !== false;
  const nextBody = options.bodies ? undefined : options.nextBody;
  const method = options.method ?? "GET";
  const request: autocannon.Request = {
    method,
    ...(nextBody ? { setupRequest: (req: autocannon.Request) => ({ ...req, body: nextBody() }) } : {}),
  };
  const bodies = options.bodies;
  let clients = 0;
  let answered = 0;
  let firstAnswerAt = 0;
  let lastAnswerAt = 0;
  // autocannon builds a static request's bytes once per connection, then reuses them.
  const setupClient = bodies
    ? (client: autocannon.Client) => {
        const index = clients++ % options.connections;
        const share: autocannon.Request[] = [];
        for (let i = index; i < bodies.length; i += options.connections) share.push({ method, body: bodies[i] });
        client.setRequests(share.length ? share : [{ method, body: bodies[0] }]);
      }
    : undefined;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        pipelining: options.pipelining ?? 1,
        ...(options.amount !== undefined ? { amount: options.amount } : { duration: options.durationSec ?? 5 }),
        headers: { "content-type": "application/json", ...options.headers },
        body: options.body,
        requests: [request],
        ...(setupClient ? { setupClient } : {}),
        timeout: 10,
      },
      (error: Error | null, result: autocannon.Result) => {
        if (error) {
          reject(error);
          return;
        }
        const total = result["2xx"] + result.non2xx;
        // With `bodies`, each connection first builds its share of requests (about 10 µs each, all
        // before its first request): that is set-up, not load. Throughput is then counted from
        // the first answer to the last, which for a fixed body differs by a millisecond or so.
        const steady = bodies && answered > 1 ? (lastAnswerAt - firstAnswerAt) / 1000 : 0;
        const durationSec = steady > 0 ? steady : result.duration;
        const counted = steady > 0 ? answered - 1 : total;
        resolve({
          requests: total,
          durationSec,
          rps: counted / durationSec,
          ok2xx: result["2xx"],
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          latency: record && latencies.length > 0 ? summarize(latencies) : null,
          ...(record && options.countOverMs !== undefined ? { over: { ms: options.countOverMs, count: over, firstSecond: overFirstSecond } } : {}),
        });
      },
    );
    if (options.maxDurationSec !== undefined) {
      const timer = setTimeout(() => instance.stop(), options.maxDurationSec * 1000);
      instance.once("done", () => clearTimeout(timer));
    }
    instance.on("response", () => {
      const now = performance.now();
      if (answered === 0) firstAnswerAt = now;
      lastAnswerAt = now;
      answered += 1;
    });
    if (record) {
      instance.on("response", (_client: autocannon.Client, _status: number, _bytes: number, responseTime: number) => {
        latencies.push(responseTime);
        if (options.countOverMs !== undefined && responseTime > options.countOverMs) {
          over += 1;
          if (performance.now() - startedAt <= 1000) overFirstSecond += 1;
        }
      });
    }
  });
}
