import "server-only";
// Reads for the REST management API: lookups by id or slug, and keyset pages of projects and keys
// (lib/api/cursor.ts), whose rows come back in the one representation's shape (KeyRecord). Every
// read takes the calling key's project scope (lib/services/project-scope.ts): what lies outside
// it is answered as absent.
import { db } from "@/lib/db";
import { isGuid } from "@/lib/ids";
import { Prisma } from "@/lib/generated/prisma/client";
import type { ProjectRecord } from "@/lib/api/serialize";
import type { Cursor } from "@/lib/api/cursor";
import { isPublicId } from "@/lib/keys/secret";
import { SORT_COLUMNS, listWhere } from "@/lib/queries/api-keys";
import { getKeyLimits, getKeysLimits } from "@/lib/queries/key-limits";
import { keyRecordSelect, type KeyRecord } from "@/lib/queries/key-record";
import { projectSelect } from "@/lib/queries/projects";
import type { KeyStatus } from "@/lib/keys/status";
import type { KeySort } from "@/lib/validations/api-key-list";
import { PROJECT_SCOPE_ALL, type ProjectScope } from "@/lib/validations/project-scope";

const scopeWhere = (scope: ProjectScope) => (scope === PROJECT_SCOPE_ALL ? {} : { id: { in: scope } });

// Anything else cannot name a project; checking first keeps bytes like NUL away from PostgreSQL.
const SLUG = /^[a-z0-9][a-z0-9-]{0,63}$/i;

/** Projects are addressed by id or slug, so constraints can read `projects/default/keys`. */
export async function findProject(scope: ProjectScope, idOrSlug: string): Promise<ProjectRecord | null> {
  if (!isGuid(idOrSlug) && !SLUG.test(idOrSlug)) return null;
  return db.project.findFirst({
    where: { AND: [isGuid(idOrSlug) ? { id: idOrSlug.toLowerCase() } : { slug: idOrSlug.toLowerCase() }, scopeWhere(scope)] },
    select: projectSelect,
  });
}

export async function findKeyRecord(scope: ProjectScope, publicId: string): Promise<KeyRecord | null> {
  if (!isPublicId(publicId)) return null;
  const record = await db.apiKey.findUnique({ where: { publicId }, select: { ...keyRecordSelect, id: true } });
  if (!record || (scope !== PROJECT_SCOPE_ALL && !scope.includes(record.projectId))) return null;
  const { id, ...rest } = record;
  return { ...rest, limits: await getKeyLimits(db, id) };
}

export interface Page<T> {
  items: T[];
  /** The sort value and id of the last item, when another page follows. */
  next: Omit<Cursor, "s"> | null;
}

/** Projects by name, then id. */
export async function listProjectsPage(scope: ProjectScope, limit: number, after: Cursor | null): Promise<Page<ProjectRecord>> {
  const rows = await db.project.findMany({
    where: { AND: [scopeWhere(scope), after ? { OR: [{ name: { gt: after.v ?? "" } }, { name: after.v ?? "", id: { gt: after.i } }] } : {}] },
    orderBy: [{ name: "asc" }, { id: "asc" }],
    take: limit + 1,
    select: projectSelect,
  });
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, next: rows.length > limit && last ? { v: last.name, i: last.id } : null };
}

export interface KeyPageParams {
  q?: string;
  status: "all" | KeyStatus;
  sort: KeySort;
  dir: "asc" | "desc";
  limit: number;
}

function afterCursor(params: KeyPageParams, after: Cursor): Prisma.Sql {
  const { column, nullable } = SORT_COLUMNS[params.sort];
  const c = Prisma.raw(`k.${column}`);
  const op = Prisma.raw(params.dir === "asc" ? ">" : "<");
  // Values that are not null sort before the nulls in both directions (NULLS LAST).
  if (after.v === null) return Prisma.sql`(${c} IS NULL AND k."id" ${op} ${after.i}::uuid)`;
  const value = params.sort === "name" ? Prisma.sql`${after.v}` : Prisma.sql`${new Date(after.v)}::timestamptz`;
  const beyond = Prisma.sql`(${c}, k."id") ${op} (${value}, ${after.i}::uuid)`;
  return nullable ? Prisma.sql`(${beyond} OR ${c} IS NULL)` : beyond;
}

/** A keyset page of a project's keys, filtered like the dashboard's list. */
export async function listKeysPage(projectId: string, params: KeyPageParams, after: Cursor | null, now = new Date()): Promise<Page<KeyRecord>> {
  const { column, nullable } = SORT_COLUMNS[params.sort];
  const dir = params.dir === "asc" ? "ASC" : "DESC";
  const where = listWhere(projectId, { q: params.q ?? "", status: params.status }, now);
  const rows = await db.$queryRaw<{ id: string; value: Date | string | null }[]>`
    SELECT k."id", k.${Prisma.raw(column)} AS "value"
      FROM "ApiKey" k
     WHERE ${where} ${after ? Prisma.sql`AND ${afterCursor(params, after)}` : Prisma.empty}
     ORDER BY k.${Prisma.raw(`${column} ${dir}${nullable ? " NULLS LAST" : ""}, k."id" ${dir}`)}
     LIMIT ${params.limit + 1}`;
  const page = rows.slice(0, params.limit);
  const records = await db.apiKey.findMany({ where: { id: { in: page.map((r) => r.id) } }, select: { id: true, ...keyRecordSelect } });
  const limits = await getKeysLimits(db, page.map((r) => r.id));
  const byId = new Map(records.map(({ id, ...record }) => [id, { ...record, limits: limits.get(id) }]));
  const last = page.at(-1);
  return {
    items: page.flatMap((row) => byId.get(row.id) ?? []),
    next:
      rows.length > params.limit && last
        ? { v: last.value === null ? null : last.value instanceof Date ? last.value.toISOString() : last.value, i: last.id }
        : null,
  };
}
