// One webhook request: POST a JSON body, read at most a KiB of the answer, never follow a
// redirect (a 3xx is a failed attempt: following it would skip the address check), give up
// after a timeout. The connection goes to the addresses the SSRF check approved, through a
// `lookup` that returns only those, so a second DNS answer cannot redirect it.
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";

const MAX_RESPONSE_BYTES = 1024;

export interface PostTarget {
  url: URL;
  /** Approved addresses to connect to; empty = resolve normally (private targets allowed). */
  addresses: string[];
}

export interface PostResult {
  statusCode: number;
  /** The start of the receiver's answer, for the delivery log. */
  body: string;
  durationMs: number;
}

export class PostError extends Error {
  constructor(
    message: string,
    public readonly durationMs: number,
  ) {
    super(message);
    this.name = "PostError";
  }
}

function pinnedLookup(addresses: string[]): LookupFunction {
  const entries = addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  return (_hostname, options, callback) => {
    if (options.all) {
      callback(null, entries);
      return;
    }
    const first = entries[0]!;
    callback(null, first.address, first.family);
  };
}

function describe(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "ECONNREFUSED") return "Connection refused";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "The host name does not resolve";
  if (code === "ECONNRESET") return "The connection was reset";
  if (typeof code === "string" && code.startsWith("ERR_TLS") || code === "DEPTH_ZERO_SELF_SIGNED_CERT" || code === "CERT_HAS_EXPIRED") {
    return `TLS error (${String(code)})`;
  }
  return error instanceof Error ? error.message.slice(0, 200) : "Request failed";
}

export function postJson(target: PostTarget, body: string, headers: Record<string, string>, timeoutMs: number): Promise<PostResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const client = target.url.protocol === "https:" ? https : http;
  return new Promise<PostResult>((resolve, reject) => {
    let settled = false;
    const finish = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      outcome();
    };
    const request = client.request(
      target.url,
      {
        method: "POST",
        headers: { ...headers, "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) },
        ...(target.addresses.length > 0 ? { lookup: pinnedLookup(target.addresses) } : {}),
        // No connection reuse: each attempt resolves and checks afresh.
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        let size = 0;
        response.on("data", (chunk: Buffer) => {
          if (size >= MAX_RESPONSE_BYTES) return;
          chunks.push(chunk);
          size += chunk.length;
          // Enough for the log; the rest is not worth waiting for.
          if (size >= MAX_RESPONSE_BYTES) response.destroy();
        });
        const done = () =>
          finish(() =>
            resolve({
              statusCode: response.statusCode ?? 0,
              body: Buffer.concat(chunks).subarray(0, MAX_RESPONSE_BYTES).toString("utf8"),
              durationMs: elapsed(),
            }),
          );
        response.on("end", done);
        response.on("close", done);
        response.on("error", done);
      },
    );
    const timer = setTimeout(() => {
      finish(() => reject(new PostError(`No answer within ${Math.round(timeoutMs / 1000)} s`, elapsed())));
      request.destroy();
    }, timeoutMs);
    request.on("error", (error) => finish(() => reject(new PostError(describe(error), elapsed()))));
    request.end(body);
  });
}
