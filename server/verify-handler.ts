// POST /api/v1/keys/verify, answered on plain node:http before Next.js sees the request: this is
// the hot path every protected service calls, so it skips the framework's routing, middleware
// and rendering machinery. Loaded by tsx, so nothing here may import "server-only" or next/*.
//
// Request: `{ "key", "project", "method"?, "path"?, "ip"? }` (lib/keys/verify-request.ts; other
// fields are ignored). Responses: 200 with the verification result for every well-formed request;
// 400 invalid_json, 408 request_timeout (the body did not arrive within 5 s), 413
// payload_too_large (> 8 KiB), 422 invalid_request or unknown_project, 405 for other methods, 429
// too_many_requests (more requests in flight from one address than
// KEYDESK_VERIFY_MAX_IN_FLIGHT_PER_CLIENT); 503 UNAVAILABLE when the database cannot be asked. The
// request body (which holds the secret) is never logged.
//
// The per-client cap counts requests by the TCP peer address (the calling service, or the proxy in
// front of Keydesk: set the cap with that in mind, or 0 to turn it off). It bounds how many
// connections one client can hold open with slow bodies, and the body deadline bounds how long.
import type http from "node:http";
import { verifyKeyNowOrLater, type VerifyResult } from "@/lib/keys/verify";
import { CLIENT_REQUEST_ID_HEADER, REQUEST_ID_HEADER, chooseRequestId } from "@/lib/request-id";

export const VERIFY_PATH = "/api/v1/keys/verify";
export const MAX_VERIFY_BODY_BYTES = 8 * 1024;
/** How long the body may take to arrive after the headers. */
const VERIFY_BODY_TIMEOUT_MS = 5_000;
const DEFAULT_MAX_IN_FLIGHT_PER_CLIENT = 256;
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
  /** Defaults to VERIFY_BODY_TIMEOUT_MS. */
  bodyTimeoutMs?: number;
  /** Requests in flight per client address; 0 = no cap. Defaults to KEYDESK_VERIFY_MAX_IN_FLIGHT_PER_CLIENT or 256. */
  maxInFlightPerClient?: number;
  /** Headers every answer carries besides its own (the API's security headers, server/api-edge.ts). */
  headers?: Readonly<Record<string, string>>;
  /** Runs `fn` so that what it logs is tagged with the request's id (server/request-scope.ts). */
  inRequestScope?: (id: string, fn: () => void) => void;
}

/** KEYDESK_VERIFY_MAX_IN_FLIGHT_PER_CLIENT: a whole number, 0 turning the cap off. */
function inFlightCapFromEnv(): number {
  const raw = process.env.KEYDESK_VERIFY_MAX_IN_FLIGHT_PER_CLIENT;
  if (raw === undefined || raw.trim() === "") return DEFAULT_MAX_IN_FLIGHT_PER_CLIENT;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`KEYDESK_VERIFY_MAX_IN_FLIGHT_PER_CLIENT must be a whole number (0 = no cap), not "${raw}"`);
  return value;
}

/** The JSON of frozen answers (NOT_FOUND, MALFORMED…: lib/keys/verify.ts), serialized once each. */
const frozenJson = new WeakMap<object, string>();

function serialize(body: unknown): string {
  if (typeof body !== "object" || body === null || !Object.isFrozen(body)) return JSON.stringify(body);
  let json = frozenJson.get(body);
  if (json === undefined) {
    json = JSON.stringify(body);
    frozenJson.set(body, json);
  }
  return json;
}

/** One request's answer: the response and the id it carries in `Request-Id`. */
interface Reply {
  res: http.ServerResponse;
  id: string;
}

/**
 * Writes the whole answer with one writeHead of a flat header list: the list starts as the same
 * frozen array for every answer, and no header goes through setHeader's validation per request.
 */
function send(state: HandlerState, reply: Reply, status: number, body: unknown, extraHeaders?: Record<string, string>): void {
  const { res } = reply;
  if (res.headersSent || res.destroyed) return;
  const json = serialize(body);
  const headers = [...state.headers, REQUEST_ID_HEADER, reply.id, "content-length", String(Buffer.byteLength(json))];
  if (extraHeaders) for (const name in extraHeaders) headers.push(name, extraHeaders[name] as string);
  res.writeHead(status, headers);
  res.end(json);
}

function sendError(state: HandlerState, reply: Reply, status: number, code: string, message: string, headers?: Record<string, string>) {
  send(state, reply, status, { error: { code, message } }, headers);
}

/** What every answer of this endpoint says about itself, whatever else the server adds. */
const OWN_HEADERS = { "content-type": "application/json", "cache-control": "no-store", "x-content-type-options": "nosniff" };

const TOO_LARGE_MESSAGE = `Request body must be at most ${MAX_VERIFY_BODY_BYTES} bytes`;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

interface HandlerState {
  log: (message: string) => void;
  /** Name, value, name, value…: what every answer carries before its Request-Id and length. */
  headers: readonly string[];
  inRequestScope: (id: string, fn: () => void) => void;
  lastUnavailableLog: { at: number };
  bodyTimeoutMs: number;
  maxInFlight: number;
  /** Requests in flight by client address; entries leave when they reach zero. */
  inFlight: Map<string, number>;
}

function failed(state: HandlerState, req: http.IncomingMessage, reply: Reply, error: unknown): void {
  const { res } = reply;
  // A client that hung up mid-request is routine, not worth a log line.
  if (req.destroyed || res.destroyed) return;
  // Only the error class: messages of unexpected errors could quote request data.
  state.inRequestScope(reply.id, () => state.log(`verify request failed: ${error instanceof Error ? error.name : "unknown error"}`));
  if (!res.headersSent) send(state, reply, 500, { error: { code: "internal_error", message: "Internal error" } });
  else res.destroy();
}

function answer(state: HandlerState, reply: Reply, result: VerifyResult): void {
  if (result.status === 503) {
    const now = Date.now();
    if (now - state.lastUnavailableLog.at >= UNAVAILABLE_LOG_INTERVAL_MS) {
      state.lastUnavailableLog.at = now;
      state.inRequestScope(reply.id, () => state.log("key verification unavailable: the database cannot be reached (answering 503)"));
    }
  }
  send(state, reply, result.status, result.body);
}

/** The whole body has arrived: parse it and answer, in this tick unless the database is needed. */
function respond(state: HandlerState, req: http.IncomingMessage, reply: Reply, body: Buffer): void {
  // The content type is not checked: clients that send JSON as text/plain (or nothing) work too.
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString("utf8"));
  } catch {
    sendError(state, reply, 400, "invalid_json", "Request body must be a JSON object");
    return;
  }
  if (!isRecord(parsed)) {
    sendError(state, reply, 422, "invalid_request", "Request body must be a JSON object");
    return;
  }
  const result = verifyKeyNowOrLater(parsed, new Date(), { remoteAddress: req.socket.remoteAddress ?? null });
  if (result instanceof Promise) {
    result.then(
      (settled) => answer(state, reply, settled),
      (error: unknown) => failed(state, req, reply, error),
    );
  } else {
    answer(state, reply, result);
  }
}

/**
 * Reads at most MAX_VERIFY_BODY_BYTES, then responds. Plain listeners rather than a promise: a
 * cached key is answered in the tick its body arrives, which is most of this endpoint's traffic.
 * A body that is too large gets 413 and the connection is closed instead of reading (and
 * discarding) the rest: on HTTP/1.1 that is what "stop reading" means.
 */
function handle(state: HandlerState, req: http.IncomingMessage, res: http.ServerResponse): void {
  const reply: Reply = { res, id: chooseRequestId(req.headers[CLIENT_REQUEST_ID_HEADER]) };
  if (req.method !== "POST") {
    sendError(state, reply, 405, "method_not_allowed", "Use POST", { allow: "POST" });
    return;
  }
  const tooLarge = () => sendError(state, reply, 413, "payload_too_large", TOO_LARGE_MESSAGE, { connection: "close" });
  const declared = Number(req.headers["content-length"]);
  if (Number.isFinite(declared) && declared > MAX_VERIFY_BODY_BYTES) {
    tooLarge();
    return;
  }
  const client = state.maxInFlight > 0 ? admit(state, req, reply) : null;
  if (client === false) return;
  // A body that trickles in must not hold the connection: Node's own request timeout is minutes.
  const deadline = setTimeout(() => {
    req.pause();
    sendError(state, reply, 408, "request_timeout", `The request body must arrive within ${state.bodyTimeoutMs / 1000} s`, { connection: "close" });
  }, state.bodyTimeoutMs);
  // One listener for both: the deadline ends with the response, and so does the client's slot.
  res.once("close", () => {
    clearTimeout(deadline);
    if (client !== null) release(state, client);
  });
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
    clearTimeout(deadline);
    if (over || res.headersSent) return;
    const body = more ? Buffer.concat(more, size) : (first ?? Buffer.alloc(0));
    try {
      respond(state, req, reply, body);
    } catch (error) {
      failed(state, req, reply, error);
    }
  });
  req.on("error", (error) => failed(state, req, reply, error));
}

/** Counts the request against its client's cap (the client's address), or false (and 429) when over. */
function admit(state: HandlerState, req: http.IncomingMessage, reply: Reply): string | false {
  const client = req.socket.remoteAddress ?? "";
  const current = state.inFlight.get(client) ?? 0;
  if (current >= state.maxInFlight) {
    sendError(state, reply, 429, "too_many_requests", `At most ${state.maxInFlight} verification requests may be in flight from one address`, { "retry-after": "1", connection: "close" });
    return false;
  }
  state.inFlight.set(client, current + 1);
  return client;
}

function release(state: HandlerState, client: string): void {
  const left = (state.inFlight.get(client) ?? 1) - 1;
  if (left <= 0) state.inFlight.delete(client);
  else state.inFlight.set(client, left);
}

/** A request listener for the verification endpoint; route only isVerifyPath() requests to it. */
export function createVerifyHandler(options: VerifyHandlerOptions = {}): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  const state: HandlerState = {
    log: options.log ?? ((message: string) => console.error(`[keydesk] ${message}`)),
    headers: Object.freeze(Object.entries({ ...(options.headers ?? {}), ...OWN_HEADERS }).flat()),
    inRequestScope: options.inRequestScope ?? ((_id, fn) => fn()),
    lastUnavailableLog: { at: -Infinity },
    bodyTimeoutMs: options.bodyTimeoutMs ?? VERIFY_BODY_TIMEOUT_MS,
    maxInFlight: options.maxInFlightPerClient ?? inFlightCapFromEnv(),
    inFlight: new Map(),
  };
  return (req, res) => handle(state, req, res);
}
