// GET /api/v1/projects/{id}/keys — list and search a project's keys, a page at a time
// POST /api/v1/projects/{id}/keys — create a key; the secret is in this response only
import { cursorParam, decodeCursor, encodeCursor } from "@/lib/api/cursor";
import { managementRoute, notFound } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { serializeKey } from "@/lib/api/serialize";
import { findProject, listKeysPage } from "@/lib/queries/management";
import { defaultExpiryFor } from "@/lib/services/api-key-guards";
import { createApiKey } from "@/lib/services/api-keys";
import { scopeOf } from "@/lib/services/project-scope";
import type { Actor } from "@/lib/services/actor";

async function projectOrThrow(actor: Actor, idOrSlug: string) {
  const project = await findProject(scopeOf(actor), idOrSlug);
  if (!project) throw notFound("Project");
  return project;
}

export const GET = managementRoute(operations.listKeys, "Project", async ({ caller, params, query }) => {
  const project = await projectOrThrow(caller.actor, params.projectId);
  const sort = `${query.sort}:${query.dir}`;
  const from = cursorParam(query);
  const page = await listKeysPage(project.id, query, from ? decodeCursor(from.token, sort, from.parameter) : null);
  const now = new Date();
  return {
    body: {
      keys: page.items.map((key) => serializeKey(key, now)),
      hasMore: page.next !== null,
      nextCursor: page.next ? encodeCursor({ s: sort, ...page.next }) : null,
    },
  };
});

export const POST = managementRoute(operations.createKey, "Project", async ({ caller, context, params, body }) => {
  const project = await projectOrThrow(caller.actor, params.projectId);
  // Without `expiry`: 30 days, or the management key's own expiry when that comes sooner.
  const expiry = body.expiry === undefined ? defaultExpiryFor(caller.actor) : {};
  const created = await createApiKey(caller.actor, { ...expiry, ...body, projectId: project.id }, context);
  return { status: 201, body: { key: serializeKey(created.record), secret: created.secret } };
});
