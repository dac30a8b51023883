import "server-only";
// Management API calls in the request trail and in usage: a call made with a known management
// key becomes an event like a verification (key, project, outcome, method, path, client) and
// counts towards the key's usage — so its lastUsedAt moves like any key's. A call with a
// malformed or unknown key is counted for the Keydesk API project, as verification counts them.
import { db } from "@/lib/db";
import type { KeyConstraint } from "@/lib/keys/constraints";
import { recordUsage, type UsageOutcome } from "@/lib/keys/usage";
import type { RequestContext } from "@/lib/audit";
import { countTrailOutcome, pushTrailEvent } from "@/lib/trail/buffer";

export interface TrailKey {
  id: string;
  projectId: string;
}

/** The Keydesk API project's id, read once per process (it never changes). */
let systemProjectId: Promise<string | null> | null = null;

function systemProject(): Promise<string | null> {
  systemProjectId ??= db.project
    .findFirst({ where: { isSystem: true }, select: { id: true } })
    .then((project) => project?.id ?? null)
    .catch(() => {
      systemProjectId = null;
      return null;
    });
  return systemProjectId;
}

export function recordManagementCall(
  request: Request,
  context: RequestContext,
  key: TrailKey,
  outcome: UsageOutcome,
  matched: KeyConstraint | null = null,
): void {
  const at = Date.now();
  recordUsage(key.id, outcome, new Date(at));
  pushTrailEvent(at, key.projectId, key.id, outcome, request.method, new URL(request.url).pathname, context.ip, context.userAgent, context.requestId ?? null, matched);
}

/** A management call with a malformed key or one that is not a management key. */
export async function countUnknownManagementKey(outcome: "MALFORMED" | "NOT_FOUND"): Promise<void> {
  const projectId = await systemProject();
  if (projectId) countTrailOutcome(projectId, outcome, Date.now());
}
