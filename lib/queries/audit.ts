import "server-only";
// Reads behind Admin → Audit log. The filters become one Prisma `where` (auditWhere), shared by
// the paged table and the CSV export, so an export always contains exactly what the table shows.
import { db } from "@/lib/db";
import { isGuid } from "@/lib/ids";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { ActorType } from "@/lib/generated/prisma/enums";
import { isPublicId } from "@/lib/keys/secret";
import { AUDIT_PAGE_SIZE, KNOWN_AUDIT_ACTIONS, parseDay, type AuditFilters, type AuditListParams } from "@/lib/validations/audit";
import { DAY_MS } from "@/lib/dates";

/** Matches no row: what a filter for a key that does not exist must return. */
const NOTHING: Prisma.AuditEventWhereInput = { id: { lt: 0n } };

export interface ResolvedKeyFilter {
  publicId: string;
  name: string;
}

export interface AuditWhere {
  where: Prisma.AuditEventWhereInput;
  /** The key the `key` filter named, or null when it named none that exists. */
  key: ResolvedKeyFilter | null;
}

/** "key.*" and "key." mean the whole family; anything else is one exact action. */
function actionWhere(action: string): Prisma.AuditEventWhereInput {
  const family = /^(.*\.)\*?$/.exec(action);
  return family?.[1] ? { action: { startsWith: family[1] } } : { action };
}

export async function auditWhere(filters: AuditFilters): Promise<AuditWhere> {
  const and: Prisma.AuditEventWhereInput[] = [];
  let key: ResolvedKeyFilter | null = null;

  if (filters.actor) {
    and.push(
      isGuid(filters.actor)
        ? { OR: [{ actorUserId: filters.actor.toLowerCase() }, { actorKeyId: filters.actor.toLowerCase() }] }
        : { actorLabel: { contains: filters.actor, mode: "insensitive" } },
    );
  }
  if (filters.action) and.push(actionWhere(filters.action));
  if (filters.key) {
    const lookup = isPublicId(filters.key)
      ? { publicId: filters.key }
      : isGuid(filters.key)
        ? { id: filters.key.toLowerCase() }
        : null;
    const found = lookup ? await db.apiKey.findUnique({ where: lookup, select: { id: true, publicId: true, name: true } }) : null;
    if (found) {
      key = { publicId: found.publicId, name: found.name };
      // A key's events: those about it, and those a management key performed itself.
      and.push({ OR: [{ keyId: found.id }, { actorKeyId: found.id }] });
    } else {
      and.push(NOTHING);
    }
  }
  if (filters.project) and.push({ projectId: filters.project });
  const from = filters.from ? parseDay(filters.from) : null;
  const to = filters.to ? parseDay(filters.to) : null;
  if (from) and.push({ createdAt: { gte: from } });
  // "to" is inclusive: everything before the start of the next UTC day.
  if (to) and.push({ createdAt: { lt: new Date(to.getTime() + DAY_MS) } });

  return { where: and.length > 0 ? { AND: and } : {}, key };
}

export interface AuditRow {
  id: string;
  createdAt: string;
  actorType: ActorType;
  actorLabel: string;
  actorUserId: string | null;
  /** Set when a key acted: its Sid, for the link to it. */
  actorKeyPublicId: string | null;
  action: string;
  summary: string;
  targetType: string | null;
  targetId: string | null;
  project: { id: string; name: string } | null;
  key: { publicId: string; name: string } | null;
  /** The person an event about a user concerns (targetType "user"), by name, not by id. */
  targetUser: { name: string; email: string } | null;
  ip: string | null;
  userAgent: string | null;
}

export const auditRowSelect = {
  id: true,
  createdAt: true,
  actorType: true,
  actorLabel: true,
  actorUserId: true,
  actorKey: { select: { publicId: true } },
  action: true,
  summary: true,
  targetType: true,
  targetId: true,
  projectId: true,
  key: { select: { publicId: true, name: true } },
  ip: true,
  userAgent: true,
} as const satisfies Prisma.AuditEventSelect;

export interface AuditPage {
  rows: AuditRow[];
  total: number;
  page: number;
  pageSize: number;
  key: ResolvedKeyFilter | null;
}

/** One page of events, newest first (by id, which is chain order), and the filtered total. */
export async function listAuditEvents(params: AuditListParams): Promise<AuditPage> {
  const { where, key } = await auditWhere(params);
  const [events, total] = await db.$transaction([
    db.auditEvent.findMany({
      where,
      orderBy: { id: "desc" },
      skip: (params.page - 1) * AUDIT_PAGE_SIZE,
      take: AUDIT_PAGE_SIZE,
      select: auditRowSelect,
    }),
    db.auditEvent.count({ where }),
  ]);
  const projectIds = [...new Set(events.map((e) => e.projectId).filter((id): id is string => id !== null))];
  const projects = projectIds.length
    ? await db.project.findMany({ where: { id: { in: projectIds } }, select: { id: true, name: true } })
    : [];
  const projectById = new Map(projects.map((p) => [p.id, p]));
  const userIds = [...new Set(events.filter((e) => e.targetType === "user" && e.targetId && isGuid(e.targetId)).map((e) => e.targetId!))];
  const users = userIds.length
    ? await db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, name: true, email: true } })
    : [];
  const userById = new Map(users.map((u) => [u.id, { name: u.name, email: u.email }]));

  return {
    total,
    page: params.page,
    pageSize: AUDIT_PAGE_SIZE,
    key,
    rows: events.map((event) => ({
      id: event.id.toString(),
      createdAt: event.createdAt.toISOString(),
      actorType: event.actorType,
      actorLabel: event.actorLabel,
      actorUserId: event.actorUserId,
      actorKeyPublicId: event.actorKey?.publicId ?? null,
      action: event.action,
      summary: event.summary,
      targetType: event.targetType,
      targetId: event.targetId,
      project: event.projectId ? (projectById.get(event.projectId) ?? { id: event.projectId, name: "Unknown project" }) : null,
      key: event.key,
      targetUser: event.targetType === "user" && event.targetId ? (userById.get(event.targetId) ?? null) : null,
      ip: event.ip,
      userAgent: event.userAgent,
    })),
  };
}

/**
 * Actions for the filter's suggestions: the known ones plus any the log holds. The distinct
 * values are read by skipping through the (action, createdAt) index, one probe per action, so
 * this stays cheap however long the log grows.
 */
export async function listAuditActions(): Promise<string[]> {
  const rows = await db.$queryRaw<{ action: string }[]>`
    WITH RECURSIVE actions AS (
      (SELECT "action" FROM "AuditEvent" ORDER BY "action" LIMIT 1)
      UNION ALL
      SELECT (SELECT "action" FROM "AuditEvent" WHERE "action" > actions."action" ORDER BY "action" LIMIT 1)
      FROM actions WHERE actions."action" IS NOT NULL
    )
    SELECT "action" FROM actions WHERE "action" IS NOT NULL LIMIT 500`;
  return [...new Set<string>([...KNOWN_AUDIT_ACTIONS, ...rows.map((row) => row.action)])].sort();
}
