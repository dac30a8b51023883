// GET /api/v1/projects — the projects a management key can see
import { managementRoute } from "@/lib/api/handler";
import { listAllProjects, serializeProject } from "@/lib/queries/management";
import { scopeOf } from "@/lib/services/project-scope";

export async function GET(request: Request) {
  return managementRoute(request, "projects.read", async ({ actor }) => ({
    body: { projects: (await listAllProjects(scopeOf(actor))).map(serializeProject) },
  }));
}
