// POST /api/v1/keys/verify, answered on plain node:http before Next.js sees the request: this is
// the hot path every protected service calls, so it skips the framework's routing, middleware
// and rendering machinery. Loaded by tsx, so nothing here may import "server-only" or next/*.
//
// Responses: 200 with the verification result for every well-formed request; 400 invalid_json,
// 413 payload_too_large (> 8 KiB), 422 invalid_request, 405 for other methods; 503 UNAVAILABLE
// when the database cannot be asked. The request body (which holds the secret) is never logged.
import type http from "node:http";
import { verifyKey } from "@/lib/keys/verify";

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

/**
 * Reads at most MAX_VERIFY_BODY_BYTES. Resolves null when the body is too large, after which the
 * caller answers 413 and the connection is closed instead of reading (and discarding) the rest.
 */
function readBody(req: http.IncomingMessage): Promise<Buffer | null> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers["content-length"]);
    if (Number.isFinite(declared) && declared > MAX_VERIFY_BODY_BYTES) {
      resolve(null);
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_VERIFY_BODY_BYTES) {
        cleanup();
        req.pause();
        resolve(null);
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      req.off("data", onData);
      req.off("end", onEnd);
      req.off("error", onError);
    };
    req.on("data", onData);
    req.on("end", onEnd);
    req.on("error", onError);
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

async function respond(req: http.IncomingMessage, res: http.ServerResponse, log: (message: string) => void, lastUnavailableLog: { at: number }) {
  if (req.method !== "POST") {
    sendError(res, 405, "method_not_allowed", "Use POST", { allow: "POST" });
    return;
  }

  const body = await readBody(req);
  if (body === null) {
    // Closing is what "stop reading" means on HTTP/1.1: the unread rest cannot be skipped otherwise.
    sendError(res, 413, "payload_too_large", TOO_LARGE_MESSAGE, { connection: "close" });
    return;
  }

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

  const result = await verifyKey({ key: parsed.key, method: parsed.method, path: parsed.path });
  if (result.status === 503) {
    const now = Date.now();
    if (now - lastUnavailableLog.at >= UNAVAILABLE_LOG_INTERVAL_MS) {
      lastUnavailableLog.at = now;
      log("key verification unavailable: the database cannot be reached (answering 503)");
    }
  }
  send(res, result.status, result.body);
}

/** A request listener for the verification endpoint; route only isVerifyPath() requests to it. */
export function createVerifyHandler(options: VerifyHandlerOptions = {}): (req: http.IncomingMessage, res: http.ServerResponse) => void {
  const log = options.log ?? ((message: string) => console.error(`[keydesk] ${message}`));
  const lastUnavailableLog = { at: -Infinity };
  return (req, res) => {
    respond(req, res, log, lastUnavailableLog).catch((error: unknown) => {
      // A client that hung up mid-request is routine, not worth a log line.
      if (req.destroyed || res.destroyed) return;
      // Only the error class: messages of unexpected errors could quote request data.
      log(`verify request failed: ${error instanceof Error ? error.name : "unknown error"}`);
      if (!res.headersSent) send(res, 500, { error: { code: "internal_error", message: "Internal error" } });
      else res.destroy();
    });
  };
}
