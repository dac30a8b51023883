// What Keydesk answers while its embedded PostgreSQL is down and being restarted
// (lib/db/supervisor.ts): 503 with Retry-After, the API's JSON error shape under /api and a
// self-contained page elsewhere. Answered here, before Next.js, because a rendered page cannot
// choose its status code and every page needs the database. Static assets still pass through,
// and server actions too: their forms show the database error themselves (lib/actions).
import type http from "node:http";
import { DATABASE_UNAVAILABLE_MESSAGE } from "@/lib/db-errors";

/** Seconds a client should wait before retrying; the page reloads itself after as long. */
export const RETRY_AFTER_SECONDS = 5;

/** Requests that do not need the database and must keep working (assets, icons, the API document). */
export function needsDatabase(req: http.IncomingMessage): boolean {
  const url = req.url ?? "/";
  if (url.startsWith("/_next/static/") || url.startsWith("/_next/image")) return false;
  if (/^\/(favicon\.ico|icon\.svg|robots\.txt|api\/v1\/openapi\.json)(\?|$)/.test(url)) return false;
  return req.headers["next-action"] === undefined;
}

// The app's palette (app/globals.css) and its logo tile; no script, no external resource.
const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<meta http-equiv="refresh" content="${RETRY_AFTER_SECONDS}">
<meta name="robots" content="noindex">
<title>Database unavailable · Keydesk</title>
<style>
:root{--bg:#fff;--fg:#09090b;--muted:#52525b;--primary:#4f46e5;--on-primary:#fff}
@media (prefers-color-scheme:dark){:root{--bg:#09090b;--fg:#fafafa;--muted:#a1a1aa;--primary:#818cf8;--on-primary:#0b0b14}}
*{box-sizing:border-box}
body{margin:0;min-height:100dvh;display:grid;place-items:center;padding:1rem;background:var(--bg);color:var(--fg);font:16px/1.5 ui-sans-serif,system-ui,sans-serif,"Apple Color Emoji","Segoe UI Emoji"}
main{max-width:28rem;display:grid;justify-items:center;gap:.75rem;text-align:center}
.tile{display:flex;align-items:center;justify-content:center;width:2.5rem;height:2.5rem;border-radius:.5rem;background:var(--primary);color:var(--on-primary)}
h1{margin:0;font-size:1.25rem;font-weight:600;letter-spacing:-.01em}
p{margin:0;font-size:.875rem;color:var(--muted);text-wrap:balance}
</style>
</head>
<body>
<main>
<span class="tile" aria-hidden="true"><svg width="22" height="22" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M2.586 17.414A2 2 0 0 0 2 18.828V21a1 1 0 0 0 1 1h3a1 1 0 0 0 1-1v-1a1 1 0 0 1 1-1h1a1 1 0 0 0 1-1v-1a1 1 0 0 1 1-1h.172a2 2 0 0 0 1.414-.586l.814-.814a6.5 6.5 0 1 0-4-4z"/><circle cx="16.5" cy="7.5" r=".5" fill="currentColor"/></svg></span>
<h1>Database unavailable</h1>
<p role="status">Keydesk's database stopped and is being restarted. Nothing has been lost. This page reloads itself every ${RETRY_AFTER_SECONDS} seconds until Keydesk is back.</p>
</main>
</body>
</html>
`;

// Nothing on the page may load or run anything: styles inline, no scripts at all.
const PAGE_HEADERS = {
  "content-type": "text/html; charset=utf-8",
  "content-security-policy": "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
  "referrer-policy": "strict-origin-when-cross-origin",
};

/** Answers a request that needs the database while it is down. */
export function answerUnavailable(req: http.IncomingMessage, res: http.ServerResponse): void {
  const api = req.url === "/api" || req.url?.startsWith("/api/") || req.url?.startsWith("/api?");
  const body = api ? JSON.stringify({ error: { code: "unavailable", message: DATABASE_UNAVAILABLE_MESSAGE } }) : PAGE;
  const headers = api ? { "content-type": "application/json", "x-content-type-options": "nosniff" } : PAGE_HEADERS;
  res.writeHead(503, {
    ...headers,
    "cache-control": "no-store",
    "retry-after": String(RETRY_AFTER_SECONDS),
    "content-length": String(Buffer.byteLength(body)),
  });
  // A request body (a form post) is not read: drain it so keep-alive connections stay usable.
  req.resume();
  res.end(req.method === "HEAD" ? undefined : body);
}
