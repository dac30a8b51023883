// The request a line of output belongs to. server/index.ts runs each request inside a scope that
// holds its id, so every line written while it is handled — Keydesk's own, Next's, a library's —
// is tagged with the id the client sees in `Request-Id` (server/log-file.ts adds the tag).
import { AsyncLocalStorage } from "node:async_hooks";
import type http from "node:http";
import { CLIENT_REQUEST_ID_HEADER, INTERNAL_REQUEST_ID_HEADER, REQUEST_ID_HEADER, chooseRequestId } from "@/lib/request-id";

const scope = new AsyncLocalStorage<string>();

/**
 * Picks the request's id (the client's well-formed `X-Request-Id`, else a new one), puts it on
 * the response and on the request handed to Next (overwriting anything a client sent under the
 * internal name), and runs `handle` inside its scope.
 */
export function inRequestScope(req: http.IncomingMessage, res: http.ServerResponse, handle: () => void): void {
  const id = chooseRequestId(req.headers[CLIENT_REQUEST_ID_HEADER]);
  req.headers[INTERNAL_REQUEST_ID_HEADER] = id;
  res.setHeader(REQUEST_ID_HEADER, id);
  scope.run(id, handle);
}

/** Runs `fn` in the scope of a request whose id is already chosen (the verification endpoint's log lines). */
export function withRequestId(id: string, fn: () => void): void {
  scope.run(id, fn);
}

/** Tags a chunk of output with the current request's id: `[keydesk] [req_…] message`. */
export function tagWithRequestId(chunk: unknown): unknown {
  const id = scope.getStore();
  if (id === undefined || typeof chunk !== "string" || chunk === "") return chunk;
  return chunk.startsWith("[keydesk] ") ? `[keydesk] [${id}] ${chunk.slice(10)}` : `[${id}] ${chunk}`;
}
