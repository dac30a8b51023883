// POST /api/v1/keys/verify, answered on plain node:http before Next.js sees the request: this is
// the hot path every protected service calls, so it skips the framework's routing, middleware
// and rendering machinery. Loaded by tsx, so nothing here may import "server-only" or next/*.
//
// Request: `{ "key", "project", "method"?, "path"?, "ip"? }` (lib/keys/verify-request.ts; other
// fields are ignored). Responses: 200 with the verification result for every well-formed request;
// 400 invalid_json, 413 payload_too_large (> 8 KiB), 422 invalid_request or unknown_project, 405
// for other methods; 503 UNAVAILABLE when the database cannot be asked. The request body (which
// holds the secret) is never logged.
import type http from "node:http";
import { verifyKeyNowOrLater, type VerifyResult } from "@/lib/keys/verify";

export const VERIFY_PATH = "/api/v1/keys/verify";
export const MAX_VERIFY_BODY_BYTES = 8 * 1024;
/** Between two "unavailable" log lines; an outage would otherwise log once per request. */
const UNAVAILABLE_LOG_INTERVAL_MS = 60_000;

/** Whether a request target is the verification endpoint: exact path, query string ignored. */
export function isVerifyPath(url: string | undefined): boolean {
  if (url === undefined) return false;
  const end = url.indexOf("?");
  return (end === -1 ? url : url.slice(0, end)) === VERIFY_PATH;
}

export interface VerifyHandlerOptions {
  log?: (message: string) => void;
}

function send(
  res: http.ServerResponse,
  status: number,
  body: unknown,
  extraHeaders: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) return;
  const json = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
    "content-length": String(Buffer.byteLength(json)),
    ...extraHeaders,
  });
  res.end(json);
}

function sendError(res: http.ServerResponse, status: number, code: string, message: string, headers?: Record<string, string>) {
  send(res, status, { error: { code, message } }, headers);
}

const TOO_LARGE_MESSAGE = `Request body must be at most ${MAX_VERIFY_BODY_BYTES} bytes`;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

interface HandlerState {
  log: (message: string) => void;
  lastUnavailableLog: { at: number };
}

function failed(state: HandlerState, req: http.IncomingMessage, res: http.ServerResponse, error: unknown): void {
  // A client that hung up mid-request is routine, not worth a log line.
  if (req.destroyed || res.destroyed) return;
  // Only the error class: messages of unexpected errors could quote request data.
  state.log(`verify request failed: ${error instanceof Error ? error.name : "unknown error"}`);
  if (!res.headersSent) send(res, 500, { error: { code: "internal_error", message: "Internal error" } });
  else res.destroy();
}

function answer(state: HandlerState, res: http.ServerResponse, result: VerifyResult): void {
  if (result.status === 503) {
    const now = Date.now();
    if (now - state.lastUnavailableLog.at >= UNAVAILABLE_LOG_INTERVAL_MS) {
      state.lastUnavailableLog.at = now;
      state.log("key verification unavailable: the database cannot be reached (answering 503)");
    }
  }
  send(res, result.status, result.body);
}

/** The whole body has arrived: parse it and answer, in this tick unless the database is needed. */
function respond(state: HandlerState, req: http.IncomingMessage, res: http.ServerResponse, body: Buffer): void {
  // The content type is not checked: clients that send JSON as text/plain (or nothing) work too.
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    sendError(res, 400, "invalid_json", "Request body must be a JSON object");
    return;
  }
  if (!isRecord(parsed)) {
    sendError(res, 422, "invalid_request", "Request body must be a JSON object");
    return;
  }
  const result = verifyKeyNowOrLater(parsed, new Date(), { remoteAddress: req.socket.remoteAddress ?? null });
  if (result instanceof Promise) {
    result.then(
      (settled) => answer(state, res, settled),
      (error: unknown) => failed(state, req, res, error),
    );
  } else {
    answer(state, res, result);
  }
}

/**
 * Reads at most MAX_VERIFY_BODY_BYTES, then responds. Plain listeners rather than a promise: a
 * cached key is answered in the tick its body arrives, which is most of this endpoint's traffic.
 * A body that is too large gets 413 and the connection is closed instead of reading (and
 * discarding) the rest: on HTTP/1.1 that is what "stop reading" means.
 */
function handle(state: HandlerState, req: http.IncomingMessage, res: http.ServerResponse): void {
  if (req.method !== "POST") {
    sendError(res, 405, "method_not_allowed", "Use POST", { allow: "POST" });
    return;
  }
  const tooLarge = () => sendError(res, 413, "payload_too_large", TOO_LARGE_MESSAGE, { connection: "close" });
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > MAX_VERIFY_BODY_BYTES) {
    tooLarge();
    return;
  }
  let first: Buffer | null = null;
  let more: Buffer[] | null = null;
  let size = 0;
  let over = false;
  req.on("data", (chunk: Buffer) => {
    if (over) return;
    size += chunk.length;
    if (size > MAX_VERIFY_BODY_BYTES) {
      over = true;
      req.pause();
      tooLarge();
      return;
    }
    if (first === null) first = chunk;
    else (more ??= [first]).push(chunk);
  });
  req.on("end", () => {
    if (over) return;
    const body = more ? Buffer.concat(more, size) : (first ?? Buffer.alloc(0));
    try {
      respond(state, req, res, body);
    } catch (error) {
      failed(state, req, res, error);
    }
  });
  req.on("error", (error) => failed(state, req, res, error));
}

/** A request listener for the verification endpoint; route only isVerifyPath() requests to it. */
export function createVerifyHandler(options: VerifyHandlerOptions = {}): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  const state: HandlerState = {
    log: options.log ?? ((message: string) => console.error(`[keydesk] ${message}`)),
    lastUnavailableLog: { at: -Infinity },
  };
  return (req, res) => handle(state, req, res);
}
