// The edge of /api/v1 in the custom server: requests for paths or methods no operation has are
// answered here, as JSON in the one error shape with the security headers — 404 for unknown
// paths, 405 with `Allow` for other methods (OPTIONS and TRACE included) — so that Next never
// answers an API client with an HTML page, an empty 405 or a text/plain 500.
import type http from "node:http";
import { isApiV1Path, matchApiRoute } from "@/lib/api/route-table";
import { securityHeaders } from "../next.config.mjs";

/** Every /api/v1 response carries these (Next adds its own on top for what it answers). */
export const API_HEADERS: Readonly<Record<string, string>> = {
  ...Object.fromEntries(securityHeaders.map(({ key, value }) => [key.toLowerCase(), value])),
  "content-security-policy": "default-src 'none'; frame-ancestors 'none'",
  "cache-control": "no-store",
};

export function pathnameOf(url: string | undefined): string {
  const end = url?.indexOf("?") ?? -1;
  return (end === -1 ? url : url?.slice(0, end)) ?? "/";
}

export function sendApiError(res: http.ServerResponse, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.end();
    return;
  }
  const body = JSON.stringify({ error: { code, message } });
  res.writeHead(status, { ...API_HEADERS, "content-type": "application/json", "content-length": String(Buffer.byteLength(body)), ...headers });
  res.end(body);
}

/** Whether the request is for /api/v1 (the verification endpoint included). */
export function isApiRequest(req: http.IncomingMessage): boolean {
  return isApiV1Path(pathnameOf(req.url));
}

function decodable(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return true;
  } catch {
    return false;
  }
}

/**
 * Sets the API headers on every /api/v1 response, and answers unknown paths and methods.
 * Returns true when it answered (the request must not go on to Next).
 */
export function apiEdge(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  const pathname = pathnameOf(req.url);
  if (!isApiV1Path(pathname)) return false;
  for (const [name, value] of Object.entries(API_HEADERS)) res.setHeader(name, value);
  const method = req.method ?? "GET";
  const match = decodable(pathname) ? matchApiRoute(method, pathname) : ({ found: false } as const);
  if (!match.found) {
    req.resume();
    sendApiError(res, 404, "not_found", `There is no ${pathname.length > 200 ? "such path" : `\`${pathname}\``} in this API. See /api/v1/openapi.json.`);
    return true;
  }
  if (!match.methodAllowed) {
    req.resume();
    sendApiError(res, 405, "method_not_allowed", `${match.template} takes ${match.allowed.join(", ")}.`, { allow: match.allowed.join(", ") });
    return true;
  }
  return false;
}
