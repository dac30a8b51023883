// GET /api/v1/projects — the projects a management key can see, a page at a time
import { cursorParam, decodeCursor, encodeCursor } from "@/lib/api/cursor";
import { managementRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { serializeProject } from "@/lib/api/serialize";
import { listProjectsPage } from "@/lib/queries/management";
import { scopeOf } from "@/lib/services/project-scope";

const SORT = "name:asc";

export const GET = managementRoute(operations.listProjects, "Project", async ({ caller, query }) => {
  const from = cursorParam(query);
  const page = await listProjectsPage(scopeOf(caller.actor), query.limit, from ? decodeCursor(from.token, SORT, from.parameter) : null);
  return {
    body: {
      projects: page.items.map((project) => serializeProject(project)),
      hasMore: page.next !== null,
      nextCursor: page.next ? encodeCursor({ s: SORT, ...page.next }) : null,
    },
  };
});
