// GET /api/v1/projects — the projects a management key can see
import { managementRoute } from "@/lib/api/handler";
import { listAllProjects, serializeProject } from "@/lib/queries/management";

export async function GET(request: Request) {
  return managementRoute(request, "projects.read", async () => ({
    body: { projects: (await listAllProjects()).map(serializeProject) },
  }));
}
