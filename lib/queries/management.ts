import "server-only";
// Reads for the REST management API. Every read takes the calling key's project scope
// (lib/services/project-scope.ts): what lies outside it is answered as absent.
import { db } from "@/lib/db";
import { keyRecordSelect } from "@/lib/api/serialize";
import { isPublicId } from "@/lib/keys/secret";
import { getKeyLimits } from "@/lib/queries/key-limits";
import { projectSelect } from "@/lib/queries/projects";
import { creditsJson, projectLimitDefaults, ratelimitsJson } from "@/lib/validations/limits";
import { PROJECT_SCOPE_ALL, type ProjectScope } from "@/lib/validations/project-scope";

const scopeWhere = (scope: ProjectScope) => (scope === PROJECT_SCOPE_ALL ? {} : { id: { in: scope } });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Anything else cannot name a project; checking first keeps bytes like NUL away from PostgreSQL.
const SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/i;


/** Projects are addressed by id or slug, so constraints can read `projects/default/keys`. */
export async function findProject(scope: ProjectScope, idOrSlug: string) {
  if (!UUID.test(idOrSlug) && !SLUG.test(idOrSlug)) return null;
  return db.project.findFirst({
    where: { AND: [UUID.test(idOrSlug) ? { id: idOrSlug.toLowerCase() } : { slug: idOrSlug.toLowerCase() }, scopeWhere(scope)] },
    select: projectSelect,
  });
}

export async function listAllProjects(scope: ProjectScope) {
  return db.project.findMany({ where: scopeWhere(scope), orderBy: [{ isSystem: "asc" }, { name: "asc" }], select: projectSelect });
}

export async function findKeyRecord(scope: ProjectScope, publicId: string) {
  if (!isPublicId(publicId)) return null;
  const record = await db.apiKey.findUnique({ where: { publicId }, select: { ...keyRecordSelect, id: true } });
  if (!record || (scope !== PROJECT_SCOPE_ALL && !scope.includes(record.projectId))) return null;
  return { ...record, limits: await getKeyLimits(db, record.id) };
}

export function serializeProject(project: NonNullable<Awaited<ReturnType<typeof findProject>>>) {
  const defaults = projectLimitDefaults(project);
  return {
    id: project.id,
    name: project.name,
    slug: project.slug,
    keyPrefix: project.keyPrefix,
    activeKeyLimit: project.activeKeyLimit,
    maxLifetimeDays: project.maxLifetimeDays,
    allowNoExpiry: project.allowNoExpiry,
    requestRetentionDays: project.requestRetentionDays,
    logUnknownKeys: project.logUnknownKeys,
    defaultRatelimits: ratelimitsJson(defaults.ratelimits),
    defaultCredits: creditsJson(defaults.credits),
    capLimitsAtDefaults: defaults.capped,
    leakPolicy: project.leakPolicy,
    isSystem: project.isSystem,
    archived: project.archivedAt !== null,
    createdAt: project.createdAt.toISOString(),
  };
}
