import "server-only";
// Wraps a management operation (lib/api/operations.ts) into a Next route handler: authenticates
// the bearer key, checks the permission its creator holds *now*, parses path, query and body
// strictly with the operation's schemas, applies `Idempotency-Key` to POST and DELETE, runs the
// work, and turns every failure into the one JSON error shape. Every answer carries the request's
// id and the caller's rate-limit headers.
import { NextResponse } from "next/server";
import { z } from "zod";
import { can, PermissionError } from "@/lib/auth/permissions";
import type { RequestContext } from "@/lib/audit";
import { ApiError, NO_STORE, readJsonBody, toErrorResponse } from "@/lib/api/errors";
import { claimGuard, claimIdempotencyKey, settleIdempotencyKey } from "@/lib/api/idempotency";
import { IDEMPOTENCY_HEADER, parseIdempotencyKey, requestFingerprint } from "@/lib/api/idempotency-rules";
import { authenticateManagementKey, recordDenied, type ManagementCaller } from "@/lib/api/management-auth";
import { isIdempotent, type Operation } from "@/lib/api/operation-types";
import { parseBody, parsePath, parseQuery } from "@/lib/api/parse";
import { rateLimitOf, takeRateLimit, type RateLimitState } from "@/lib/api/management-rate-limit";
import { recordManagementCall } from "@/lib/api/management-trail";
import { INTERNAL_REQUEST_ID_HEADER, REQUEST_ID_HEADER } from "@/lib/request-id";
import { contextFromHeaders } from "@/lib/request-context";
import { ServiceError } from "@/lib/services/errors";
import { PROJECT_SCOPE_ALL } from "@/lib/validations/project-scope";

type ParsedOf<S> = S extends z.ZodType ? z.output<S> : Record<string, never>;

export interface RouteInput<O extends Operation> {
  caller: ManagementCaller;
  /** The caller's request context; writes must pass it to their service (audit, idempotency). */
  context: RequestContext;
  params: ParsedOf<O["pathParams"]>;
  query: ParsedOf<O["query"]>;
  body: O["body"] extends { schema: infer S } ? ParsedOf<S> : undefined;
}

export interface Answer {
  status?: number;
  body: unknown;
}

type RouteContext = { params: Promise<Record<string, string | string[] | undefined>> };

function rateLimitHeaders(state: RateLimitState | undefined): Record<string, string> {
  if (!state) return {};
  return {
    "ratelimit-limit": String(state.limit),
    "ratelimit-remaining": String(state.remaining),
    "ratelimit-reset": String(state.resetSeconds),
  };
}

function withHeaders<R extends Response>(response: R, request: Request, extra: Record<string, string>): R {
  const requestId = request.headers.get(INTERNAL_REQUEST_ID_HEADER);
  if (requestId) response.headers.set(REQUEST_ID_HEADER, requestId);
  for (const [name, value] of Object.entries(extra)) response.headers.set(name, value);
  return response;
}

const json = (status: number, body: unknown) => NextResponse.json(body, { status, headers: NO_STORE });

/** `what` names the resource of the path parameters in a 404 ("Key", "Project"). */
export function managementRoute<O extends Operation>(operation: O, what: string, work: (input: RouteInput<O>) => Promise<Answer>) {
  if (operation.auth === "none") throw new Error(`${operation.operationId} is not a management operation`);
  const permission = operation.auth.permission;

  return async (request: Request, route?: RouteContext): Promise<NextResponse> => {
    let caller: ManagementCaller | undefined;
    let limit: RateLimitState | undefined;
    let claim: { id: string; token: string } | undefined;
    try {
      caller = await authenticateManagementKey(request, async (keyId) => {
        limit = await takeRateLimit(keyId, await rateLimitOf(keyId));
        if (!limit.allowed) {
          const message = `This management key may make ${limit.limit} requests per ${limit.windowSeconds} seconds. Retry after ${limit.resetSeconds} seconds.`;
          throw new ApiError(429, "rate_limited", message, undefined, { "retry-after": String(limit.resetSeconds) });
        }
      });
      const allowed = can(caller.actor.user, permission);
      // Once per call, with what the key was allowed: its creator's role may deny what its
      // constraints allow. The trail records the call, not how the work went (the audit log does).
      recordManagementCall(request, caller.context, caller.trail, allowed ? "VALID" : "FORBIDDEN", allowed ? caller.trail.matched : null);
      if (!allowed) throw new PermissionError(permission);
      // Webhook endpoints may receive every project's events: not for a key scoped to some projects.
      if (permission === "webhooks.manage" && caller.actor.key.projectScope !== PROJECT_SCOPE_ALL) {
        throw new ServiceError("forbidden", "This management key is scoped to some projects; managing webhooks needs a key scoped to all projects.");
      }

      const url = new URL(request.url);
      const params = operation.pathParams ? parsePath(operation.pathParams, (await route?.params) ?? {}, what) : {};
      const query = operation.query ? parseQuery(operation.query, url.searchParams) : parseQuery(EMPTY_QUERY, url.searchParams);
      let raw: unknown = null;
      let body: unknown = undefined;
      if (operation.body) {
        raw = await readJsonBody(request);
        body = parseBody(operation.body.schema, raw);
      }

      const context: RequestContext = { ...caller.context };
      if (isIdempotent(operation)) {
        const header = parseIdempotencyKey(request.headers.get(IDEMPOTENCY_HEADER));
        if (!header.ok) throw new ApiError(422, "invalid_idempotency_key", header.message, { "Idempotency-Key": [header.message] });
        if (header.key !== null) {
          const claimed = await claimIdempotencyKey(caller.actor.key.id, header.key, requestFingerprint(request.method, url.pathname, raw));
          if (claimed.kind === "replay") {
            return withHeaders(json(claimed.answer.status, claimed.answer.body), request, { ...rateLimitHeaders(limit), "idempotent-replayed": "true" });
          }
          claim = claimed;
          context.onWrite = claimGuard(claim);
        }
      }

      const input = { caller, context, params, query, body } as RouteInput<O>;
      const { status = 200, body: answer } = await work(input);
      if (claim) await settleIdempotencyKey(claim, { status, body: answer });
      return withHeaders(json(status, answer), request, rateLimitHeaders(limit));
    } catch (error) {
      // A role that lacks the permission, or a service's refusal: its own path constraints or a policy.
      const reason = error instanceof PermissionError ? "role" : error instanceof ServiceError && error.code === "forbidden" ? error.denial : null;
      if (caller && reason) {
        const url = new URL(request.url);
        await recordDenied(caller.actor, caller.context, `${request.method} ${url.pathname}`, reason).catch(() => undefined);
      }
      const response = toErrorResponse(error);
      if (claim) {
        const answer = { status: response.status, body: await response.clone().json() };
        await settleIdempotencyKey(claim, answer).catch(() => undefined);
      }
      return withHeaders(response, request, rateLimitHeaders(limit));
    }
  };
}

const EMPTY_QUERY = z.object({});

export interface PublicInput<O extends Operation> {
  request: Request;
  context: RequestContext;
  query: ParsedOf<O["query"]>;
  body: O["body"] extends { schema: infer S } ? ParsedOf<S> : undefined;
}

/**
 * Wraps an operation without authentication (a leak report, scanner rules) like a management
 * one: strict parameters and body, the one error shape, the request's id. `admit` runs first
 * (a per-address rate limit, say); `maxBodyBytes` overrides the default body limit.
 */
export function publicRoute<O extends Operation>(
  operation: O,
  work: (input: PublicInput<O>) => Promise<Answer | Response>,
  options: { admit?: (context: RequestContext) => void; maxBodyBytes?: number } = {},
) {
  if (operation.auth !== "none") throw new Error(`${operation.operationId} needs a management key`);
  return async (request: Request): Promise<Response> => {
    try {
      const context = contextFromHeaders(request.headers);
      options.admit?.(context);
      const url = new URL(request.url);
      const query = parseQuery(operation.query ?? EMPTY_QUERY, url.searchParams);
      const body = operation.body ? parseBody(operation.body.schema, await readJsonBody(request, options.maxBodyBytes)) : undefined;
      const answer = await work({ request, context, query, body } as PublicInput<O>);
      if (answer instanceof Response) return withHeaders(answer, request, {});
      return withHeaders(json(answer.status ?? 200, answer.body), request, {});
    } catch (error) {
      return withHeaders(toErrorResponse(error), request, {});
    }
  };
}

export function notFound(what: string): ApiError {
  return new ApiError(404, "not_found", `${what} not found.`);
}
