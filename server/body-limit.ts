// Request bodies on everything but the verification endpoint (which has its own 8 KiB limit).
// Next's proxy (proxy.ts) buffers every request body before any route has looked at the caller,
// so an anonymous client could make this process hold up to the proxy's limit per request: 30
// parallel 30 MB posts once raised memory by 330 MB. Nothing Keydesk accepts outside the
// verification endpoint comes near 1 MiB (forms and REST bodies are a few KiB; server actions
// stop at 1 MiB too), so a body announced as larger is refused here, before Next sees it.
//
// The answer goes out at once. What the client is still sending is then read and thrown away
// (never kept) for a few seconds at most, then the connection is cut: closing while a client is
// mid-upload makes its TCP stack discard our answer (a reset), and browsers show "connection
// reset" instead of the 413 page. Bodies without a length (chunked) are buffered by Next at
// most up to the same limit (experimental.proxyClientMaxBodySize in next.config.mjs), and each
// route's own reader stops at its own, smaller limit.
import type http from "node:http";

export const MAX_REQUEST_BODY_BYTES = 1024 * 1024;
/** How long an oversized upload is read (and discarded) after the answer, so the client can take the answer in. */
const DISCARD_MS = 5_000;

const MESSAGE = `Request bodies are limited to ${MAX_REQUEST_BODY_BYTES / 1024 / 1024} MiB.`;

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Request too large · Keydesk</title></head>
<body style="font-family: system-ui, sans-serif; max-width: 32rem; margin: 4rem auto; padding: 0 1rem">
<h1>Request too large</h1><p>${MESSAGE} Nothing was changed.</p><p><a href="/">Back to Keydesk</a></p>
</body></html>
`;

function isApiPath(url: string | undefined): boolean {
  const path = (url ?? "/").split("?")[0]!;
  return path === "/api" || path.startsWith("/api/");
}

/** Answers 413 (JSON under /api, a page elsewhere) when the announced body is over the limit; true when it did. */
export function rejectOversizedBody(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  const declared = Number(req.headers["content-length"]);
  if (!(declared > MAX_REQUEST_BODY_BYTES)) return false;
  const api = isApiPath(req.url);
  const body = api ? JSON.stringify({ error: { code: "payload_too_large", message: MESSAGE } }) : PAGE;
  res.writeHead(413, {
    "content-type": api ? "application/json" : "text/html; charset=utf-8",
    "content-length": String(Buffer.byteLength(body)),
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
  });
  res.end(body);
  // Node reads and discards an unread body once the answer is sent; a client that is still
  // sending when the time is up loses the connection.
  const cut = setTimeout(() => req.socket.destroy(), DISCARD_MS);
  cut.unref();
  req.once("end", () => clearTimeout(cut));
  req.once("close", () => clearTimeout(cut));
  return true;
}
