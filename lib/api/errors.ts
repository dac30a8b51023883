// One JSON error shape for the HTTP API, `{ error: { code, message, issues? } }`, and one
// mapping from domain errors to status codes.
import { NextResponse } from "next/server";
import { PermissionError } from "@/lib/auth/permissions";
import { DATABASE_UNAVAILABLE_MESSAGE, isDatabaseDown } from "@/lib/db-errors";
import { ServiceError, type ServiceErrorCode } from "@/lib/services/errors";

export const NO_STORE = { "cache-control": "no-store" } as const;

export class ApiError extends Error {
  constructor(
    public readonly status: number,
    public readonly code: string,
    message: string,
    public readonly issues?: Record<string, string[] | undefined>,
    public readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/**
 * 401 with the challenge RFC 6750 asks for; `invalid_token` when a key was sent but refused.
 */
export function unauthorized(message: string, keySent: boolean): ApiError {
  const challenge = keySent ? `Bearer realm="keydesk", error="invalid_token"` : `Bearer realm="keydesk"`;
  return new ApiError(401, "unauthorized", message, undefined, { "www-authenticate": challenge });
}

const SERVICE_STATUS: Record<ServiceErrorCode, number> = {
  invalid: 422,
  not_found: 404,
  conflict: 409,
  limit: 409,
  forbidden: 403,
};

export function errorResponse(status: number, code: string, message: string, issues?: Record<string, string[] | undefined>, headers: Record<string, string> = {}) {
  return NextResponse.json({ error: { code, message, ...(issues ? { issues } : {}) } }, { status, headers: { ...NO_STORE, ...headers } });
}

export function toErrorResponse(error: unknown): NextResponse {
  if (error instanceof ApiError) return errorResponse(error.status, error.code, error.message, error.issues, error.headers);
  if (error instanceof ServiceError) {
    const code = error.code === "invalid" ? "validation_failed" : error.code === "limit" ? "key_limit_reached" : error.code;
    return errorResponse(SERVICE_STATUS[error.code], code, error.message, error.fieldErrors);
  }
  if (error instanceof PermissionError) {
    return errorResponse(403, "forbidden", "This key's creator does not have permission to do this. Writes need an administrator.");
  }
  if (isDatabaseDown(error)) {
    return errorResponse(503, "unavailable", DATABASE_UNAVAILABLE_MESSAGE);
  }
  console.error(`[keydesk] API request failed: ${error instanceof Error ? `${error.name}: ${error.message.split("\n")[0]}` : "unknown"}`);
  return errorResponse(500, "internal_error", "Something went wrong. Nothing was changed.");
}

export const MAX_JSON_BODY_BYTES = 16 * 1024;

/** Reads a JSON object body with a size limit; 413 when too large, 400 when not JSON. */
export async function readJsonBody(request: Request, maxBytes: number = MAX_JSON_BODY_BYTES): Promise<Record<string, unknown>> {
  const tooLarge = () => new ApiError(413, "payload_too_large", `Request bodies are limited to ${maxBytes} bytes.`);
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > maxBytes) throw tooLarge();
  const reader = request.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  let body: unknown;
  try {
    body = text.trim() === "" ? {} : JSON.parse(text);
  } catch {
    throw new ApiError(400, "invalid_json", "The request body is not valid JSON.");
  }
  if (!body || typeof body !== "object" || Array.isArray(body)) {
    throw new ApiError(422, "validation_failed", "The request body must be a JSON object.");
  }
  return body as Record<string, unknown>;
}
