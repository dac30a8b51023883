import "server-only";
// Reads behind Settings → API Keys. The project is always part of `where` (tenancy), search is a
// case-insensitive substring match served by one trigram index, and list + total come from one
// statement so the pager never disagrees with the rows. The list is raw SQL because Prisma can
// express neither the indexed search expression nor a bounded count.
import { can } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import type { KeyAnomaly } from "@/lib/trail/anomalies";
import { Prisma } from "@/lib/generated/prisma/client";
import { isPublicId, maskedKey } from "@/lib/keys/secret";
import { keyStatus, type KeyStatus } from "@/lib/keys/status";
import { keyActivity, type Viewer } from "@/lib/queries/key-activity";
import { countActiveCreatedKeys } from "@/lib/queries/created-keys";
import { projectLimitDefaults, type LimitDefaults } from "@/lib/validations/limits";
import { KEY_PAGE_SIZE, type ApiKeyListParams, type KeySort } from "@/lib/validations/api-key-list";

export interface ProjectOption {
  id: string;
  name: string;
  slug: string;
  keyPrefix: string;
  isSystem: boolean;
  maxLifetimeDays: number | null;
  allowNoExpiry: boolean;
  activeKeyLimit: number;
  /** Usage limits of keys created without their own (lib/validations/limits.ts). */
  limitDefaults: LimitDefaults;
}

export async function listProjectsForKeys(): Promise<ProjectOption[]> {
  const projects = await db.project.findMany({
    where: { archivedAt: null },
    orderBy: [{ isSystem: "asc" }, { name: "asc" }],
    select: {
      id: true,
      name: true,
      slug: true,
      keyPrefix: true,
      isSystem: true,
      maxLifetimeDays: true,
      allowNoExpiry: true,
      activeKeyLimit: true,
      defaultRatelimits: true,
      defaultCredits: true,
      capLimitsAtDefaults: true,
    },
  });
  return projects.map(({ defaultRatelimits, defaultCredits, capLimitsAtDefaults, ...project }) => ({
    ...project,
    limitDefaults: projectLimitDefaults({ defaultRatelimits, defaultCredits, capLimitsAtDefaults }),
  }));
}

export interface ApiKeyRow {
  /** The request trail's anomaly badges (lib/queries/key-anomalies.ts), filled in by the list page. */
  anomalies?: KeyAnomaly[];
  id: string;
  publicId: string;
  name: string;
  description: string;
  maskedKey: string;
  createdAt: string;
  createdBy: string | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  status: KeyStatus;
  enabled: boolean;
  /** The owner (externalId), or null. */
  externalId: string | null;
  constraintCount: number;
  /** Sid of the replacement when this key was rolled. */
  replacedBy: string | null;
  /** A honeytoken (issue 17). */
  canary: boolean;
  /** When the key was first reported leaked, if ever. */
  leakedAt: string | null;
  /** Still-active keys it created, transitively: what revoking with cascade also revokes. */
  createdActiveCount: number;
}

/**
 * What search looks in: name, description, prefix, Sid and owner (externalId) joined by a unit
 * separator (U+001F). One trigram GIN index covers this exact expression (migration
 * 20261201000100_key_controls), so a search is one index scan instead of five OR'd ones. Search
 * terms never contain U+001F (control characters are stripped, here and in the URL schema), so
 * no match can span two fields.
 */
const SEARCH_TEXT = Prisma.sql`(k."name" || E'\\x1f' || k."description" || E'\\x1f' || k."displayPrefix" || E'\\x1f' || k."publicId" || E'\\x1f' || COALESCE(k."externalId", ''))`;

/** `ILIKE` pattern for a case-insensitive substring match that takes `%`, `_` and `\` literally. */
function substringPattern(q: string): string {
  const term = q.replace(/[\u0000-\u001f\u007f]/g, "").replace(/[\\%_]/g, (c) => `\\${c}`);
  return `%${term}%`;
}

/** The list's filters (project, status, search); the REST API's keyset pages share them. */
export function listWhere(projectId: string, params: Pick<ApiKeyListParams, "q" | "status">, now: Date): Prisma.Sql {
  const conditions = [Prisma.sql`k."projectId" = ${projectId}::uuid`];
  switch (params.status) {
    // The statuses follow keyStatus(): revoked, then expired, then disabled.
    case "active":
      conditions.push(Prisma.sql`k."revokedAt" IS NULL AND (k."expiresAt" IS NULL OR k."expiresAt" > ${now}) AND k."enabled"`);
      break;
    case "disabled":
      conditions.push(Prisma.sql`k."revokedAt" IS NULL AND (k."expiresAt" IS NULL OR k."expiresAt" > ${now}) AND NOT k."enabled"`);
      break;
    case "expired":
      conditions.push(Prisma.sql`k."revokedAt" IS NULL AND k."expiresAt" <= ${now}`);
      break;
    case "revoked":
      conditions.push(Prisma.sql`k."revokedAt" IS NOT NULL`);
      break;
  }
  if (params.q) conditions.push(Prisma.sql`${SEARCH_TEXT} ILIKE ${substringPattern(params.q)}`);
  return Prisma.join(conditions, " AND ");
}

export const SORT_COLUMNS: Record<KeySort, { column: string; nullable: boolean }> = {
  name: { column: `"name"`, nullable: false },
  createdAt: { column: `"createdAt"`, nullable: false },
  expiresAt: { column: `"expiresAt"`, nullable: true },
  lastUsedAt: { column: `"lastUsedAt"`, nullable: true },
};

/**
 * The list order for table alias `alias`. The `id` tiebreaker follows the direction, so that one
 * index (projectId, column, id) serves both directions and an OFFSET walks the index instead of
 * sorting the project. Keys never used or never expiring sort after the rest, whichever the
 * direction (a separate DESC NULLS LAST index serves the descending order of those two).
 */
function listOrder(alias: string, params: ApiKeyListParams): Prisma.Sql {
  const { column, nullable } = SORT_COLUMNS[params.sort];
  const dir = params.dir === "asc" ? "ASC" : "DESC";
  return Prisma.raw(`${alias}.${column} ${dir}${nullable ? " NULLS LAST" : ""}, ${alias}."id" ${dir}`);
}

/**
 * The dashboard counts matches only this far (then says "more than 10,000"): counting 100,000
 * keys costs more than rendering the page. Deeper pages count to the next multiple beyond them.
 */
export const KEY_COUNT_STEP = 10_000;

interface ListRow {
  total: number;
  id: string | null;
  publicId: string;
  name: string;
  description: string;
  displayPrefix: string;
  last4: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  enabled: boolean;
  externalId: string | null;
  createdByName: string | null;
  createdByKeyName: string | null;
  replacedBy: string | null;
  constraintCount: number;
  canary: boolean;
  leakedAt: Date | null;
}

export interface ApiKeyListOptions {
  now?: Date;
  /**
   * Count at most up to the next multiple of KEY_COUNT_STEP beyond the page; `total` is then a
   * lower bound when `totalIsLowerBound`. The REST API keeps exact totals (its documented contract).
   */
  boundedTotal?: boolean;
}

export interface ApiKeyList {
  rows: ApiKeyRow[];
  /** Exact, or when `totalIsLowerBound` a number the matches exceed (there are more than this). */
  total: number;
  totalIsLowerBound: boolean;
  pageSize: number;
}

export async function listApiKeys(projectId: string, params: ApiKeyListParams, options: ApiKeyListOptions = {}): Promise<ApiKeyList> {
  const now = options.now ?? new Date();
  const where = listWhere(projectId, params, now);
  const offset = (params.page - 1) * KEY_PAGE_SIZE;
  // Enough to know whether a page follows this one.
  const countLimit = options.boundedTotal ? Math.ceil((offset + KEY_PAGE_SIZE + 1) / KEY_COUNT_STEP) * KEY_COUNT_STEP : null;

  // One statement, hence one snapshot: the total and the page always agree. Creators, the
  // replacement and the constraint counts are looked up for the page's rows only.
  const result = await db.$queryRaw<ListRow[]>`
    WITH page AS (
      SELECT k."id", k."publicId", k."name", k."description", k."displayPrefix", k."last4", k."createdAt",
             k."expiresAt", k."lastUsedAt", k."revokedAt", k."enabled", k."externalId",
             k."createdById", k."createdByKeyId", k."replacedById", k."canary", k."leakedAt"
        FROM "ApiKey" k
       WHERE ${where}
       ORDER BY ${listOrder("k", params)}
       LIMIT ${KEY_PAGE_SIZE} OFFSET ${offset}
    )
    SELECT t."total", p."id", p."publicId", p."name", p."description", p."displayPrefix", p."last4", p."createdAt",
           p."expiresAt", p."lastUsedAt", p."revokedAt", p."enabled", p."externalId", p."canary", p."leakedAt", u."name" AS "createdByName", ck."name" AS "createdByKeyName",
           rk."publicId" AS "replacedBy",
           (SELECT count(*)::int FROM "ApiKeyConstraint" c WHERE c."keyId" = p."id") AS "constraintCount"
      FROM (SELECT count(*)::int AS "total"
              FROM (SELECT 1 FROM "ApiKey" k WHERE ${where} ${countLimit === null ? Prisma.empty : Prisma.sql`LIMIT ${countLimit + 1}`}) m) t
      LEFT JOIN page p ON true
      LEFT JOIN "User" u ON u."id" = p."createdById"
      LEFT JOIN "ApiKey" ck ON ck."id" = p."createdByKeyId"
      LEFT JOIN "ApiKey" rk ON rk."id" = p."replacedById"
     ORDER BY ${listOrder("p", params)}`;

  const created = await countActiveCreatedKeys(
    result.flatMap((key) => (key.id === null ? [] : [key.id])),
    now,
  );
  const counted = result[0]?.total ?? 0;
  const totalIsLowerBound = countLimit !== null && counted > countLimit;
  return {
    total: totalIsLowerBound && countLimit !== null ? countLimit : counted,
    totalIsLowerBound,
    pageSize: KEY_PAGE_SIZE,
    rows: result
      .filter((key) => key.id !== null)
      .map(
        (key): ApiKeyRow => ({
          id: key.id as string,
          publicId: key.publicId,
          name: key.name,
          description: key.description,
          maskedKey: maskedKey(key.displayPrefix, key.last4),
          createdAt: key.createdAt.toISOString(),
          createdBy: key.createdByName ?? (key.createdByKeyName !== null ? `API key "${key.createdByKeyName}"` : null),
          expiresAt: key.expiresAt?.toISOString() ?? null,
          lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
          revokedAt: key.revokedAt?.toISOString() ?? null,
          status: keyStatus(key, now),
          enabled: key.enabled,
          externalId: key.externalId,
          constraintCount: key.constraintCount,
          replacedBy: key.replacedBy,
          canary: key.canary,
          leakedAt: key.leakedAt?.toISOString() ?? null,
          createdActiveCount: created.get(key.id as string) ?? 0,
        }),
      ),
  };
}

/**
 * One key for its detail page, as `viewer` may see it: someone who may not read the audit log
 * (lib/queries/key-activity.ts) gets neither IP addresses nor the emails of who created or
 * revoked the key.
 */
export async function getApiKeyDetail(publicId: string, viewer: Viewer) {
  if (!isPublicId(publicId)) return null;
  const key = await db.apiKey.findUnique({
    where: { publicId },
    select: {
      id: true,
      publicId: true,
      name: true,
      description: true,
      displayPrefix: true,
      last4: true,
      createdAt: true,
      expiresAt: true,
      lastUsedAt: true,
      revokedAt: true,
      enabled: true,
      externalId: true,
      metadata: true,
      canary: true,
      leakedAt: true,
      leakReports: { orderBy: { receivedAt: "desc" }, take: 10, select: { id: true, receivedAt: true, url: true, action: true, reporterIp: true } },
      project: { select: { id: true, name: true, slug: true, isSystem: true } },
      createdBy: { select: { name: true, email: true } },
      createdByKey: { select: { name: true, publicId: true } },
      revokedBy: { select: { name: true, email: true } },
      revokedByKey: { select: { name: true, publicId: true } },
      replacedBy: { select: { publicId: true, name: true } },
      replaces: { select: { publicId: true, name: true } },
      constraints: { orderBy: { position: "asc" }, select: { type: true, value: true, methods: true } },
      projectScopeRestricted: true,
      projectScopes: { select: { project: { select: { id: true, name: true, slug: true } } } },
    },
  });
  if (!key) return null;
  const events = await keyActivity(key.id, viewer);
  const createdActiveCount = (await countActiveCreatedKeys([key.id])).get(key.id) ?? 0;
  const person = (user: { name: string; email: string } | null) => (user && !can(viewer, "audit.read") ? { name: user.name, email: "" } : user);
  return {
    ...key,
    createdBy: person(key.createdBy),
    revokedBy: person(key.revokedBy),
    maskedKey: maskedKey(key.displayPrefix, key.last4),
    status: keyStatus(key),
    events,
    createdActiveCount,
    /** Management keys: null = every project; otherwise the projects it may act on. */
    projectScope: key.projectScopeRestricted ? key.projectScopes.map((scope) => scope.project).sort((a, b) => a.name.localeCompare(b.name)) : null,
  };
}
export type ApiKeyDetail = NonNullable<Awaited<ReturnType<typeof getApiKeyDetail>>>;

export interface UsageDay {
  day: string;
  valid: number;
  /** Refused access: revoked, expired, disabled or forbidden. */
  denied: number;
  /** Over a usage limit: RATE_LIMITED and USAGE_EXCEEDED. */
  rateLimited: number;
  usageExceeded: number;
}

/** The last 30 UTC days of verifications for a key, one entry per day, zeros included. */
export async function getKeyUsage(keyId: string, now = new Date()): Promise<UsageDay[]> {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const first = new Date(today - 29 * 86_400_000);
  const rows = await db.keyUsageDaily.findMany({
    where: { keyId, day: { gte: first } },
    select: { day: true, valid: true, revoked: true, expired: true, disabled: true, forbidden: true, rateLimited: true, usageExceeded: true },
  });
  const byDay = new Map(rows.map((r) => [r.day.toISOString().slice(0, 10), r]));
  return Array.from({ length: 30 }, (_, i) => {
    const day = new Date(first.getTime() + i * 86_400_000).toISOString().slice(0, 10);
    const row = byDay.get(day);
    return {
      day,
      valid: row?.valid ?? 0,
      denied: row ? row.revoked + row.expired + row.disabled + row.forbidden : 0,
      rateLimited: row?.rateLimited ?? 0,
      usageExceeded: row?.usageExceeded ?? 0,
    };
  });
}

export async function apiKeyExists(publicId: string): Promise<boolean> {
  if (!isPublicId(publicId)) return false;
  return (await db.apiKey.findUnique({ where: { publicId }, select: { id: true } })) !== null;
}
