import "server-only";
// Wraps a management route: authenticates the bearer key, checks the permission its creator
// holds *now*, runs the work, and turns every failure into the one JSON error shape.
import { NextResponse } from "next/server";
import { can, PermissionError, type Permission } from "@/lib/auth/permissions";
import { ApiError, NO_STORE, toErrorResponse } from "@/lib/api/errors";
import { authenticateManagementKey, recordDenied, type ManagementCaller } from "@/lib/api/management-auth";
import { recordManagementCall } from "@/lib/api/management-trail";
import { ServiceError } from "@/lib/services/errors";
import { PROJECT_SCOPE_ALL } from "@/lib/validations/project-scope";

export async function managementRoute(
  request: Request,
  permission: Permission,
  work: (caller: ManagementCaller) => Promise<{ status?: number; body: unknown }>,
): Promise<NextResponse> {
  let caller: ManagementCaller | undefined;
  try {
    caller = await authenticateManagementKey(request);
    const allowed = can(caller.actor.user, permission);
    // Once per call, with what the key was allowed: its creator's role may deny what its
    // constraints allow. The trail records the call, not how the work went (the audit log does).
    recordManagementCall(request, caller.context, caller.trail, allowed ? "VALID" : "FORBIDDEN", allowed ? caller.trail.matched : null);
    if (!allowed) throw new PermissionError(permission);
    // Webhook endpoints may receive every project's events: not for a key scoped to some projects.
    if (permission === "webhooks.manage" && caller.actor.key.projectScope !== PROJECT_SCOPE_ALL) {
      throw new ServiceError("forbidden", "This management key is scoped to some projects; managing webhooks needs a key scoped to all projects.");
    }
    const { status = 200, body } = await work(caller);
    return NextResponse.json(body, { status, headers: NO_STORE });
  } catch (error) {
    const denied = error instanceof PermissionError || (error instanceof ServiceError && error.code === "forbidden");
    if (caller && denied) {
      const url = new URL(request.url);
      await recordDenied(caller.actor, caller.context, `${request.method} ${url.pathname}`, error instanceof PermissionError ? "role" : "constraints").catch(() => undefined);
    }
    return toErrorResponse(error);
  }
}

export function notFound(what: string): ApiError {
  return new ApiError(404, "not_found", `${what} not found.`);
}
