// Management keys' project scope (issue 12): a key of the "Keydesk API" project acts on every
// project, or only on the projects listed for it. Writes check it here; the REST reads pass the
// actor's scope to lib/queries/management.ts. Out of scope is answered exactly as absent
// (`not_found`), so a scoped key cannot learn which other projects or keys exist.
import type { Tx } from "@/lib/db";
import { isGuid } from "@/lib/ids";
import type { Actor } from "@/lib/services/actor";
import { ServiceError, fieldError } from "@/lib/services/errors";
import { PROJECT_SCOPE_ALL, type ProjectScope } from "@/lib/validations/project-scope";

/** What the actor may see: people see every project (their role decides the rest). */
export function scopeOf(actor: Actor): ProjectScope {
  return actor.type === "key" ? actor.key.projectScope : PROJECT_SCOPE_ALL;
}

export function inScope(scope: ProjectScope, projectId: string): boolean {
  return scope === PROJECT_SCOPE_ALL || scope.includes(projectId);
}

/** Throws the same `not_found` a missing key or project gets. */
export function assertKeyInScope(actor: Actor, projectId: string): void {
  if (!inScope(scopeOf(actor), projectId)) throw new ServiceError("not_found", "That key does not exist.");
}

export function assertProjectInScope(actor: Actor, projectId: string): void {
  if (!inScope(scopeOf(actor), projectId)) throw fieldError("projectId", "That project does not exist or is archived.", "not_found");
}

/** Resolves slugs and ids to the ids of existing, active projects, or a field error naming the unknown ones. */
export async function resolveProjectScope(tx: Tx, scope: ProjectScope): Promise<ProjectScope> {
  if (scope === PROJECT_SCOPE_ALL) return scope;
  const refs = [...new Set(scope)];
  const ids = refs.filter(isGuid);
  const projects = await tx.project.findMany({
    where: { archivedAt: null, OR: [{ slug: { in: refs } }, { id: { in: ids } }] },
    select: { id: true, slug: true },
  });
  const unknown = refs.filter((ref) => !projects.some((project) => project.slug === ref || project.id === ref));
  if (unknown.length > 0) {
    throw fieldError("projectScope", `No active project is called ${unknown.slice(0, 3).map((ref) => `"${ref}"`).join(", ")}.`);
  }
  return [...new Set(projects.map((project) => project.id))];
}
