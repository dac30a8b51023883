// GET /api/v1/projects — the projects a management key can see, a page at a time
import { cursorParam, decodeCursor, encodeCursor } from "@/lib/api/cursor";
import { managementRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { serializeProject } from "@/lib/api/serialize";
import { listProjectsPage } from "@/lib/queries/management";

const SORT = "name:asc";

export const GET = managementRoute(operations.listProjects, "Project", async ({ query }) => {
  const from = cursorParam(query);
  const page = await listProjectsPage(query.limit, from ? decodeCursor(from.token, SORT, from.parameter) : null);
  return {
    body: {
      projects: page.items.map((project) => serializeProject(project)),
      hasMore: page.next !== null,
      nextCursor: page.next ? encodeCursor({ s: SORT, ...page.next }) : null,
    },
  };
});
