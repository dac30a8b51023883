// GET /api/v1/projects/{id}/keys — list and search a project's keys
// POST /api/v1/projects/{id}/keys — create a key; the secret is in this response only
import { readJsonBody } from "@/lib/api/errors";
import { managementRoute, notFound } from "@/lib/api/handler";
import { serializeKey } from "@/lib/api/serialize";
import { listApiKeys } from "@/lib/queries/api-keys";
import { scopeOf } from "@/lib/services/project-scope";
import { findKeyRecord, findProject } from "@/lib/queries/management";
import { createApiKey } from "@/lib/services/api-keys";
import { defaultExpiryFor } from "@/lib/services/api-key-guards";
import { apiKeyListParamsSchema } from "@/lib/validations/api-key-list";

interface Params {
  params: Promise<{ projectId: string }>;
}

export async function GET(request: Request, { params }: Params) {
  return managementRoute(request, "keys.read", async ({ actor }) => {
    const project = await findProject(scopeOf(actor), (await params).projectId);
    if (!project) throw notFound("Project");
    const query = Object.fromEntries(new URL(request.url).searchParams);
    const list = await listApiKeys(project.id, apiKeyListParamsSchema.parse(query));
    return {
      body: {
        keys: list.rows.map((row) => ({
          id: row.publicId,
          projectId: project.id,
          name: row.name,
          description: row.description,
          maskedKey: row.maskedKey,
          status: row.status,
          enabled: row.enabled,
          externalId: row.externalId,
          createdAt: row.createdAt,
          expiresAt: row.expiresAt,
          lastUsedAt: row.lastUsedAt,
          revokedAt: row.revokedAt,
          constraintCount: row.constraintCount,
          canary: row.canary,
          leakedAt: row.leakedAt,
        })),
        total: list.total,
        page: apiKeyListParamsSchema.parse(query).page,
        pageSize: list.pageSize,
      },
    };
  });
}

export async function POST(request: Request, { params }: Params) {
  return managementRoute(request, "keys.create", async ({ actor, context }) => {
    const project = await findProject(scopeOf(actor), (await params).projectId);
    if (!project) throw notFound("Project");
    const body = await readJsonBody(request);
    const created = await createApiKey(actor, { ...(body.expiry === undefined ? defaultExpiryFor(actor) : {}), ...body, projectId: project.id }, context);
    const record = await findKeyRecord(scopeOf(actor), created.publicId);
    if (!record) throw notFound("Key");
    return { status: 201, body: { key: serializeKey(record), secret: created.secret } };
  });
}
