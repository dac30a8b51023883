import "server-only";
// The webhook routes accept a project by id or slug (like the key routes); the service takes ids.
import { ApiError } from "@/lib/api/errors";
import { findProject } from "@/lib/queries/management";
import { PROJECT_SCOPE_ALL } from "@/lib/validations/project-scope";

export async function withProjectId(body: Record<string, unknown>): Promise<Record<string, unknown>> {
  if (!("projectId" in body) || body.projectId === null || body.projectId === undefined) return body;
  if (typeof body.projectId !== "string") {
    throw new ApiError(422, "validation_failed", "Some fields need attention.", { projectId: ["projectId must be a project id or slug, or null for every project"] });
  }
  // Only keys scoped to every project manage webhooks (lib/api/handler.ts).
  const project = await findProject(PROJECT_SCOPE_ALL, body.projectId);
  if (!project) throw new ApiError(422, "validation_failed", "Some fields need attention.", { projectId: ["That project does not exist."] });
  return { ...body, projectId: project.id };
}
