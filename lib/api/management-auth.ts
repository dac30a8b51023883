import "server-only";
// Authenticates a management request: `Authorization: Bearer <key>` where the key belongs to
// the built-in "Keydesk API" project. The key acts with its creator's *current* role, and its
// own constraints apply to every request (method + path relative to /api/v1, and ip rules to the
// client address the server recorded). A disabled key is refused like a revoked one, until it is
// enabled again. Cookies are never consulted, so a browser session cannot drive this API.
import { recordAudit, type RequestContext } from "@/lib/audit";
import { db } from "@/lib/db";
import { noteCanaryUse } from "@/lib/keys/canary";
import { evaluateConstraints, type KeyConstraint } from "@/lib/keys/constraints";
import { hashSecret, parseSecret, timingSafeEqualHex } from "@/lib/keys/secret";
import { ApiError, unauthorized } from "@/lib/api/errors";
import { countUnknownManagementKey, recordManagementCall, type TrailKey } from "@/lib/api/management-trail";
import { contextFromHeaders } from "@/lib/request-context";
import type { Actor } from "@/lib/services/actor";
import { PROJECT_SCOPE_ALL } from "@/lib/validations/project-scope";

export const API_PREFIX = "/api/v1";

export interface ManagementCaller {
  actor: Extract<Actor, { type: "key" }>;
  context: RequestContext;
  /** For the request trail: the key and the constraint that allowed the call. */
  trail: TrailKey & { matched: KeyConstraint | null };
}

/**
 * `identified` runs once the key is known to be a working management key, before its constraints
 * are checked: the rate limit counts every call the key makes, refused ones included.
 */
export async function authenticateManagementKey(request: Request, identified?: (keyId: string) => Promise<void>): Promise<ManagementCaller> {
  const context = contextFromHeaders(request.headers);
  const header = request.headers.get("authorization") ?? "";
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw unauthorized("Send a management key as `Authorization: Bearer <key>`.", false);
  const refused = (message: string) => unauthorized(message, true);
  const parsed = parseSecret(match[1]);
  if (!parsed.ok) {
    await countUnknownManagementKey("MALFORMED");
    throw refused("The API key is malformed.");
  }

  const hash = hashSecret(parsed.secret);
  const key = await db.apiKey.findUnique({
    where: { hash },
    select: {
      id: true,
      publicId: true,
      name: true,
      hash: true,
      projectId: true,
      expiresAt: true,
      revokedAt: true,
      enabled: true,
      canary: true,
      project: { select: { isSystem: true, archivedAt: true } },
      createdBy: { select: { id: true, email: true, role: true, active: true } },
      constraints: { orderBy: { position: "asc" }, select: { type: true, value: true, methods: true } },
      projectScopeRestricted: true,
      projectScopes: { select: { projectId: true } },
    },
  });
  if (!key || !timingSafeEqualHex(key.hash, hash)) {
    await countUnknownManagementKey("NOT_FOUND");
    throw refused("The API key is not valid.");
  }
  if (key.canary) {
    // A canary planted as a management key: alert, and answer exactly as for an unknown key.
    const url = new URL(request.url);
    noteCanaryUse(key.id, { method: request.method, path: url.pathname, ip: context.ip });
    await countUnknownManagementKey("NOT_FOUND");
    throw refused("The API key is not valid.");
  }
  if (!key.project.isSystem) {
    // Another project's key: not a management key, so recorded as verification would (unknown).
    await countUnknownManagementKey("NOT_FOUND");
    throw refused("This key is not a management key. Create one in the “Keydesk API” project.");
  }
  const trailKey = { id: key.id, projectId: key.projectId };
  if (key.revokedAt || key.project.archivedAt) {
    recordManagementCall(request, context, trailKey, "REVOKED");
    throw refused("The API key has been revoked.");
  }
  if (key.expiresAt && key.expiresAt <= new Date()) {
    recordManagementCall(request, context, trailKey, "EXPIRED");
    throw refused("The API key has expired.");
  }
  if (!key.enabled) {
    recordManagementCall(request, context, trailKey, "DISABLED");
    throw refused("The API key is disabled.");
  }
  if (!key.createdBy) {
    recordManagementCall(request, context, trailKey, "FORBIDDEN");
    throw refused("The API key has no owner.");
  }

  await identified?.(key.id);
  const constraints: KeyConstraint[] = key.constraints;
  const url = new URL(request.url);
  const relativePath = url.pathname.startsWith(API_PREFIX) ? url.pathname.slice(API_PREFIX.length) || "/" : url.pathname;
  const actor: ManagementCaller["actor"] = {
    type: "key",
    user: key.createdBy,
    key: {
      id: key.id,
      name: key.name,
      publicId: key.publicId,
      constraints,
      expiresAt: key.expiresAt,
      projectScope: key.projectScopeRestricted ? key.projectScopes.map((scope) => scope.projectId) : PROJECT_SCOPE_ALL,
    },
  };
  const decision = evaluateConstraints(constraints, { method: request.method, path: relativePath, ip: context.ip ?? undefined });
  if (!decision.allowed) {
    recordManagementCall(request, context, trailKey, "FORBIDDEN");
    await recordDenied(actor, context, `${request.method} ${relativePath}`, "constraints");
    throw new ApiError(403, "forbidden", "This key's constraints do not allow this request (method and path, or client address).");
  }
  return { actor, context, trail: { ...trailKey, matched: decision.matched } };
}

/** Denied management attempts belong in the audit log, with which key tried what. */
export async function recordDenied(actor: ManagementCaller["actor"], context: RequestContext, request: string, reason: string) {
  await db.$transaction((tx) =>
    recordAudit(tx, {
      actor: { type: "key", id: actor.key.id, name: actor.key.name, publicId: actor.key.publicId },
      action: "api.denied",
      summary: `Denied ${request} for key "${actor.key.name}" (${reason})`,
      targetType: "request",
      targetId: request.slice(0, 200),
      metadata: { reason },
      context,
    }),
  );
}
