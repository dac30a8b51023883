// Small HTTP helpers for the benchmark: verification calls, the dashboard sign-in (next-auth's
// credentials flow, as a browser does it) and sequential page timing.
import { performance } from "node:perf_hooks";
import { percentile } from "@/bench/load";
import { SESSION_COOKIE_NAMES } from "@/lib/auth/session-policy";

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One verification as `project`'s API asks (the project is always named, as the endpoint requires). */
export async function verify(baseUrl: string, project: string, body: Record<string, unknown>): Promise<{ status: number; code: string }> {
  const res = await fetch(`${baseUrl}/api/v1/keys/verify`, { method: "POST", body: JSON.stringify({ project, ...body }) });
  const json = (await res.json()) as { code?: string; error?: { code: string } };
  return { status: res.status, code: json.code ?? json.error?.code ?? "?" };
}

/** Signs in with email and password; returns the Cookie header that carries the session. */
export async function signIn(baseUrl: string, email: string, password: string): Promise<string> {
  const jar = new Map<string, string>();
  const store = (res: Response) => {
    for (const cookie of res.headers.getSetCookie()) {
      const pair = cookie.split(";", 1)[0] ?? "";
      const eq = pair.indexOf("=");
      if (eq > 0) jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1));
    }
  };
  const header = () => [...jar].map(([name, value]) => `${name}=${value}`).join("; ");
  const csrf = await fetch(`${baseUrl}/api/auth/csrf`);
  store(csrf);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${baseUrl}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: header() },
    body: new URLSearchParams({ csrfToken, email, password, json: "true", callbackUrl: `${baseUrl}/` }),
  });
  store(res);
  await res.text();
  if (!SESSION_COOKIE_NAMES.some((name) => jar.has(name))) {
    throw new Error(`sign-in failed (HTTP ${res.status}): no session cookie`);
  }
  return header();
}

/**
 * Next.js answers an RSC request whose `_rsc` cache-busting parameter does not match its headers
 * with a redirect to the URL that does; a browser's router always sends the matching one.
 */
export async function rscUrl(url: string, headers: Record<string, string>): Promise<string> {
  const res = await fetch(url, { headers, redirect: "manual" });
  await res.text();
  const location = res.headers.get("location");
  return res.status >= 300 && res.status < 400 && location ? new URL(location, url).toString() : url;
}

export interface PageTiming {
  status: number;
  bytes: number;
  p50: number;
  p95: number;
  max: number;
  samples: number;
}

/**
 * Fetches `url` `samples` times one after another (after `warmup` untimed fetches) and times each
 * until the last byte of the response has arrived.
 */
export async function timePage(
  url: string,
  headers: Record<string, string>,
  options: { samples: number; warmup: number; expect?: (body: string) => boolean },
): Promise<PageTiming> {
  const times: number[] = [];
  let status = 0;
  let bytes = 0;
  for (let i = 0; i < options.warmup + options.samples; i++) {
    const started = performance.now();
    const res = await fetch(url, { headers, redirect: "manual" });
    const body = await res.text();
    const elapsed = performance.now() - started;
    status = res.status;
    bytes = Buffer.byteLength(body);
    if (res.status !== 200) return { status, bytes, p50: Number.NaN, p95: Number.NaN, max: Number.NaN, samples: 0 };
    if (options.expect && !options.expect(body)) throw new Error(`unexpected response body for ${url}`);
    if (i >= options.warmup) times.push(elapsed);
  }
  const sorted = Float64Array.from(times).sort();
  return { status, bytes, p50: percentile(sorted, 50), p95: percentile(sorted, 95), max: sorted[sorted.length - 1] ?? Number.NaN, samples: times.length };
}
