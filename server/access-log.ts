// One log line per management API call, when its answer has been sent: method, path, status and
// time, tagged with the request's id like every line written while it ran (server/log-file.ts).
// No query string (search terms are the caller's business) and never a header or body. The
// verification endpoint is left out: it is the hot path, and its answers say all there is.
import { AsyncResource } from "node:async_hooks";
import type http from "node:http";
import { isVerifyPath } from "@/server/verify-handler";
import { pathnameOf } from "@/server/api-edge";

export function logApiRequest(req: http.IncomingMessage, res: http.ServerResponse, log: (message: string) => void): void {
  if (isVerifyPath(req.url)) return;
  const started = process.hrtime.bigint();
  const path = pathnameOf(req.url).slice(0, 300);
  // Bound to the request's async context, so the line is tagged with its id.
  res.once(
    "finish",
    AsyncResource.bind(() => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log(`${req.method} ${path} ${res.statusCode} ${ms.toFixed(1)}ms`);
    }),
  );
}
