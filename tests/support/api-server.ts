// A live HTTP server for the REST and verify test suites: the custom server's own request path
// (request ids and their log tags, the /api/v1 edge, the access log, the lean verify handler),
// with the Next route handlers called directly instead of through a Next build. Every response a
// suite receives through `call` is checked against the OpenAPI document (./contract.ts).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import * as creditRoutes from "@/app/api/v1/keys/[keyId]/credits/route";
import * as keyRoutes from "@/app/api/v1/keys/[keyId]/route";
import * as leakedRoutes from "@/app/api/v1/keys/leaked/route";
import * as rollRoutes from "@/app/api/v1/keys/[keyId]/roll/route";
import * as openApiRoutes from "@/app/api/v1/openapi.json/route";
import * as projectKeyRoutes from "@/app/api/v1/projects/[projectId]/keys/route";
import * as projectRoutes from "@/app/api/v1/projects/route";
import * as scannerRoutes from "@/app/api/v1/scanner-rules/route";
import * as redeliverRoutes from "@/app/api/v1/webhooks/[endpointId]/deliveries/[deliveryId]/redeliver/route";
import * as deliveryRoutes from "@/app/api/v1/webhooks/[endpointId]/deliveries/route";
import * as rotateRoutes from "@/app/api/v1/webhooks/[endpointId]/rotate-secret/route";
import * as endpointRoutes from "@/app/api/v1/webhooks/[endpointId]/route";
import * as testEventRoutes from "@/app/api/v1/webhooks/[endpointId]/test/route";
import * as webhookRoutes from "@/app/api/v1/webhooks/route";
import { matchApiRoute } from "@/lib/api/route-table";
import { CLIENT_IP_HEADER } from "@/lib/request-context";
import { logApiRequest } from "@/server/access-log";
import { API_HEADERS, apiEdge, isApiRequest, pathnameOf, sendApiError } from "@/server/api-edge";
import { inRequestScope, tagWithRequestId, withRequestId } from "@/server/request-scope";
import { createVerifyHandler, isVerifyPath } from "@/server/verify-handler";
import { contractFetch } from "./contract";

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response> | Response;

/** The route module of each path template, as Next's file-system router would pick it. */
const MODULES: Record<string, Partial<Record<string, Handler>>> = {
  "/api/v1/projects": projectRoutes,
  "/api/v1/projects/{projectId}/keys": projectKeyRoutes,
  "/api/v1/keys/{keyId}": keyRoutes,
  "/api/v1/keys/{keyId}/roll": rollRoutes,
  "/api/v1/keys/{keyId}/credits": creditRoutes,
  "/api/v1/keys/leaked": leakedRoutes,
  "/api/v1/scanner-rules": scannerRoutes,
  "/api/v1/webhooks": webhookRoutes,
  "/api/v1/webhooks/{endpointId}": endpointRoutes,
  "/api/v1/webhooks/{endpointId}/rotate-secret": rotateRoutes,
  "/api/v1/webhooks/{endpointId}/test": testEventRoutes,
  "/api/v1/webhooks/{endpointId}/deliveries": deliveryRoutes,
  "/api/v1/webhooks/{endpointId}/deliveries/{deliveryId}/redeliver": redeliverRoutes,
  "/api/v1/openapi.json": openApiRoutes,
};

function paramsOf(template: string, pathname: string): Record<string, string> {
  const names = template.split("/");
  const values = pathname.split("/");
  return Object.fromEntries(names.flatMap((name, i) => (/^\{\w+\}$/.test(name) ? [[name.slice(1, -1), decodeURIComponent(values[i] ?? "")]] : [])));
}

async function dispatch(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const pathname = pathnameOf(req.url);
  const method = req.method ?? "GET";
  const match = matchApiRoute(method, pathname);
  const handler = match.found ? MODULES[match.template]?.[method === "HEAD" ? "GET" : method] : undefined;
  if (!match.found || !handler) {
    sendApiError(res, 404, "not_found", "no route module");
    return;
  }
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
  const hasBody = method !== "GET" && method !== "HEAD";
  const request = new Request(`http://${req.headers.host ?? "keydesk.test"}${req.url}`, {
    method,
    headers,
    body: hasBody ? (Readable.toWeb(req) as ReadableStream) : undefined,
    ...(hasBody ? { duplex: "half" } : {}),
  } as RequestInit);
  const response = await handler(request, { params: Promise.resolve(paramsOf(match.template, pathname)) });
  const body = method === "HEAD" ? "" : Buffer.from(await response.arrayBuffer());
  response.headers.forEach((value, name) => res.setHeader(name, value));
  res.writeHead(response.status);
  res.end(body);
}

export interface ApiServer {
  base: string;
  /** Log lines as the real server writes them (tagged with the request's id). */
  logs: string[];
  /** A contract-checked request to `path` (under base). */
  call: (method: string, path: string, options?: { key?: string; body?: unknown; headers?: Record<string, string> }) => ReturnType<typeof contractFetch>;
  close: () => Promise<void>;
}

export async function startApiServer(): Promise<ApiServer> {
  const logs: string[] = [];
  const log = (message: string) => logs.push(String(tagWithRequestId(`[keydesk] ${message}`)));
  const verify = createVerifyHandler({ log, headers: API_HEADERS, inRequestScope: withRequestId });
  const server = http.createServer((req, res) => {
    // As server/index.ts: the hot path first, outside the request scope.
    if (req.method === "POST" && isVerifyPath(req.url)) {
      verify(req, res);
      return;
    }
    inRequestScope(req, res, () => {
      const api = isApiRequest(req);
      if (api) logApiRequest(req, res, log);
      if (api && apiEdge(req, res)) return;
      if (isVerifyPath(req.url)) {
        verify(req, res);
        return;
      }
      req.headers[CLIENT_IP_HEADER] = req.socket.remoteAddress ?? "";
      dispatch(req, res).catch((error: unknown) => {
        log(`request failed: ${error instanceof Error ? error.message : String(error)}`);
        sendApiError(res, 500, "internal_error", "Something went wrong. Nothing was changed.");
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    logs,
    call: (method, path, options = {}) =>
      contractFetch(`${base}${path}`, {
        method,
        headers: {
          ...(options.key ? { authorization: `Bearer ${options.key}` } : {}),
          ...(options.body !== undefined ? { "content-type": "application/json" } : {}),
          "user-agent": "vitest",
          ...options.headers,
        },
        body: options.body === undefined ? undefined : typeof options.body === "string" ? options.body : JSON.stringify(options.body),
      }),
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
