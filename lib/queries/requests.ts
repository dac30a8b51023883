import "server-only";
// Reads behind the Requests page and its CSV export: the request trail filtered, newest first,
// paged by keyset on ("at", "id") — never by offset, so page 1,000 costs what page 1 does. The
// filters become one SQL condition (requestWhere), shared by the page and the export.
//
// Indexes (one set per partition, see the migration): ("at", "id") for the unfiltered order,
// ("keyId", "at", "id") for a key, ("path", "method") for a path prefix with or without a method.
// A key filter also names the key's project, so only that project's partitions are read.
import { db } from "@/lib/db";
import { isGuid } from "@/lib/ids";
import { Prisma } from "@/lib/generated/prisma/client";
import { isPublicId } from "@/lib/keys/secret";
import { trailIp } from "@/lib/trail/format";
import {
  DENIED_OUTCOME,
  REQUESTS_PAGE_SIZE,
  formatCursor,
  parseCursor,
  requestWindow,
  type RequestFilters,
  type RequestListParams,
} from "@/lib/validations/requests";

export interface RequestViewer {
  /** Whether the reader may see client addresses (and filter by them). */
  canSeeIps: boolean;
}

export interface ResolvedRequestKey {
  id: string;
  publicId: string;
  name: string;
  projectId: string;
}

export interface RequestWhere {
  where: Prisma.Sql;
  window: { from: Date | null; to: Date | null };
  /** The key the `key` filter named, or null when it named none that exists. */
  key: ResolvedRequestKey | null;
  /** Set when the `ip` filter is neither an address nor a CIDR range (the filter then matches nothing). */
  ipError: string | null;
  /** Set when the reader may not filter by address (the filter is then ignored). */
  ipIgnored: boolean;
}

const NOTHING = Prisma.sql`false`;

/** `LIKE` pattern that takes `%`, `_` and `\` literally. */
function likeLiteral(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** "203.0.113.7", "2001:db8::/32", "10.0.0.0/8" → the inet text to compare with, or null. */
function parseIpFilter(value: string): string | null {
  const slash = value.indexOf("/");
  const address = trailIp(slash === -1 ? value : value.slice(0, slash));
  if (address === null) return null;
  if (slash === -1) return address;
  const bits = value.slice(slash + 1);
  if (!/^\d{1,3}$/.test(bits)) return null;
  const max = address.includes(":") ? 128 : 32;
  return Number(bits) <= max ? `${address}/${Number(bits)}` : null;
}

async function resolveKey(value: string): Promise<ResolvedRequestKey | null> {
  const lookup = isPublicId(value) ? { publicId: value } : isGuid(value) ? { id: value.toLowerCase() } : null;
  if (!lookup) return null;
  return db.apiKey.findUnique({ where: lookup, select: { id: true, publicId: true, name: true, projectId: true } });
}

export async function requestWhere(filters: RequestFilters, viewer: RequestViewer, now: Date): Promise<RequestWhere> {
  const and: Prisma.Sql[] = [];
  const window = requestWindow(filters, now);
  let key: ResolvedRequestKey | null = null;
  let ipError: string | null = null;
  let ipIgnored = false;

  if (filters.project) and.push(Prisma.sql`e."projectId" = ${filters.project}::uuid`);
  if (filters.key) {
    key = await resolveKey(filters.key);
    if (key) and.push(Prisma.sql`e."projectId" = ${key.projectId}::uuid AND e."keyId" = ${key.id}::uuid`);
    else and.push(NOTHING);
  }
  if (filters.outcome === DENIED_OUTCOME) and.push(Prisma.sql`e."outcome" <> 'VALID'`);
  else if (filters.outcome) and.push(Prisma.sql`e."outcome" = ${filters.outcome}`);
  if (filters.method) and.push(Prisma.sql`e."method" = ${filters.method}`);
  if (filters.path) {
    const pattern = filters.match === "contains" ? `%${likeLiteral(filters.path)}%` : `${likeLiteral(filters.path)}%`;
    and.push(Prisma.sql`e."path" LIKE ${pattern}`);
  }
  if (filters.ip) {
    if (!viewer.canSeeIps) {
      // Filtering would reveal addresses one guess at a time.
      ipIgnored = true;
    } else {
      const ip = parseIpFilter(filters.ip);
      if (ip === null) {
        ipError = `“${filters.ip}” is not an IP address or a CIDR range (e.g. 203.0.113.7 or 10.0.0.0/8).`;
        and.push(NOTHING);
      } else {
        and.push(Prisma.sql`e."ip" <<= ${ip}::inet`);
      }
    }
  }
  if (window.from) and.push(Prisma.sql`e."at" >= ${window.from}`);
  if (window.to) and.push(Prisma.sql`e."at" < ${window.to}`);
  return { where: and.length > 0 ? Prisma.join(and, " AND ") : Prisma.sql`true`, window, key, ipError, ipIgnored };
}

export interface EventRow {
  id: bigint;
  at: Date;
  projectId: string;
  projectName: string | null;
  keyId: string | null;
  keyPublicId: string | null;
  keyName: string | null;
  outcome: string;
  method: string | null;
  path: string | null;
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  matchedConstraint: string | null;
}

export interface RequestRow {
  id: string;
  /** ISO 8601 with milliseconds. */
  at: string;
  cursor: string;
  project: { id: string; name: string };
  key: { publicId: string; name: string } | null;
  outcome: string;
  method: string | null;
  path: string | null;
  /** Null when the reader may not see addresses, or when none was sent. */
  ip: string | null;
  userAgent: string | null;
  requestId: string | null;
  matchedConstraint: string | null;
}

/**
 * Events matching `where`, in keyset order: newest first below `before` (or from the top), or
 * oldest first above `after` (the caller reverses). `limit` rows at most.
 */
export async function selectEvents(where: Prisma.Sql, direction: { before?: { atMs: number; id: bigint } | null; after?: { atMs: number; id: bigint } | null }, limit: number): Promise<EventRow[]> {
  const conditions = [where];
  let order = Prisma.sql`e."at" DESC, e."id" DESC`;
  if (direction.after) {
    const at = new Date(direction.after.atMs);
    conditions.push(Prisma.sql`e."at" >= ${at} AND (e."at", e."id") > (${at}, ${direction.after.id})`);
    order = Prisma.sql`e."at" ASC, e."id" ASC`;
  } else if (direction.before) {
    const at = new Date(direction.before.atMs);
    conditions.push(Prisma.sql`e."at" <= ${at} AND (e."at", e."id") < (${at}, ${direction.before.id})`);
  }
  // The key's and project's names come along (for the page's rows only): one round trip.
  return db.$queryRaw<EventRow[]>`
    SELECT e."id", e."at", e."projectId", p."name" AS "projectName", e."keyId", k."publicId" AS "keyPublicId",
           k."name" AS "keyName", e."outcome", e."method", e."path", host(e."ip") AS "ip",
           e."userAgent", e."requestId", e."matchedConstraint"
      FROM (SELECT * FROM "RequestEvent" e
             WHERE ${Prisma.join(conditions, " AND ")}
             ORDER BY ${order}
             LIMIT ${limit}) e
      LEFT JOIN "ApiKey" k ON k."id" = e."keyId"
      LEFT JOIN "Project" p ON p."id" = e."projectId"
     ORDER BY ${order}`;
}

/** The page's shape of an event; addresses only for readers who may see them. */
export function describeEvents(rows: EventRow[], viewer: RequestViewer): RequestRow[] {
  return rows.map((row) => ({
    id: row.id.toString(),
    at: row.at.toISOString(),
    cursor: formatCursor({ atMs: row.at.getTime(), id: row.id }),
    project: { id: row.projectId, name: row.projectName ?? "Unknown project" },
    key: row.keyId ? (row.keyPublicId !== null ? { publicId: row.keyPublicId, name: row.keyName ?? "" } : { publicId: "", name: "Deleted key" }) : null,
    outcome: row.outcome,
    method: row.method,
    path: row.path,
    ip: viewer.canSeeIps ? row.ip : null,
    userAgent: row.userAgent,
    requestId: row.requestId,
    matchedConstraint: row.matchedConstraint,
  }));
}

export interface RequestPage extends Omit<RequestWhere, "where"> {
  rows: RequestRow[];
  /** Cursor for the next (older) page, or null on the last one. */
  older: string | null;
  /** Cursor for the previous (newer) page, or null on the first one. */
  newer: string | null;
}

export async function listRequests(params: RequestListParams, viewer: RequestViewer, now = new Date()): Promise<RequestPage> {
  const { where, ...resolved } = await requestWhere(params, viewer, now);
  const after = parseCursor(params.after);
  const before = after ? null : parseCursor(params.before);
  const fetched = await selectEvents(where, { before, after }, REQUESTS_PAGE_SIZE + 1);
  const more = fetched.length > REQUESTS_PAGE_SIZE;
  const page = fetched.slice(0, REQUESTS_PAGE_SIZE);
  if (after) page.reverse();
  const rows = describeEvents(page, viewer);
  const first = rows[0];
  const last = rows.at(-1);
  return {
    ...resolved,
    rows,
    // Going back (after) there are older rows by construction: the cursor row itself.
    older: last && (after ? true : more) ? last.cursor : null,
    newer: first && (after ? more : before !== null) ? first.cursor : null,
  };
}

export interface RequestSummary {
  /** Verifications counted but not logged one by one, per code (MALFORMED, NOT_FOUND). */
  unlogged: { outcome: string; count: number }[];
  /** Events the trail could not record, overlapping the window. */
  gaps: { projectId: string; projectName: string; events: number; firstAt: string; lastAt: string }[];
}

/**
 * What the table cannot show for the filters' project and window: unknown-key verifications
 * (counted per project and hour) and gaps (events dropped while the database was unavailable).
 * Counted by whole hours, so the first hour of the window may include a few earlier ones.
 */
export async function requestSummary(filters: RequestFilters, window: { from: Date | null; to: Date | null }): Promise<RequestSummary> {
  const project = filters.project ? Prisma.sql`AND h."projectId" = ${filters.project}::uuid` : Prisma.empty;
  const fromHour = window.from ? new Date(window.from.getTime() - (window.from.getTime() % 3_600_000)) : null;
  const [counts, gaps] = await Promise.all([
    db.$queryRaw<{ outcome: string; count: bigint }[]>`
      SELECT h."outcome", sum(h."count")::bigint AS "count"
        FROM "ProjectRequestHourly" h
       WHERE h."outcome" IN ('MALFORMED', 'NOT_FOUND') ${project}
         ${fromHour ? Prisma.sql`AND h."hour" >= ${fromHour}` : Prisma.empty}
         ${window.to ? Prisma.sql`AND h."hour" < ${window.to}` : Prisma.empty}
       GROUP BY h."outcome" ORDER BY h."outcome"`,
    db.requestTrailGap.findMany({
      where: {
        ...(filters.project ? { projectId: filters.project } : {}),
        ...(window.from ? { lastAt: { gte: window.from } } : {}),
        ...(window.to ? { firstAt: { lt: window.to } } : {}),
      },
      orderBy: { firstAt: "desc" },
      take: 20,
      select: { projectId: true, events: true, firstAt: true, lastAt: true, project: { select: { name: true } } },
    }),
  ]);
  return {
    unlogged: counts.map((row) => ({ outcome: row.outcome, count: Number(row.count) })),
    gaps: gaps.map((gap) => ({
      projectId: gap.projectId,
      projectName: gap.project.name,
      events: gap.events,
      firstAt: gap.firstAt.toISOString(),
      lastAt: gap.lastAt.toISOString(),
    })),
  };
}
