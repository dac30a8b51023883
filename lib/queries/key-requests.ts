import "server-only";
// The request trail on a key's detail page: its latest requests, top paths, client addresses
// and requests per outcome (30 days by day, 48 hours by hour). Every read is bounded whatever
// the key's traffic: the latest and top paths walk the key's index for a fixed number of rows,
// the addresses and the chart come from the small tables the writer keeps beside the events.
import { db } from "@/lib/db";
import { Prisma } from "@/lib/generated/prisma/client";
import { describeEvents, selectEvents, type RequestRow, type RequestViewer } from "@/lib/queries/requests";
import { DAY_MS } from "@/lib/dates";

const HOUR_MS = 3_600_000;
/** Top paths are counted over the key's latest requests, at most this many. */
const TOP_PATHS_SAMPLE = 10_000;

export interface TrailKeyRef {
  id: string;
  projectId: string;
}

function keyWhere(key: TrailKeyRef): Prisma.Sql {
  return Prisma.sql`e."projectId" = ${key.projectId}::uuid AND e."keyId" = ${key.id}::uuid`;
}

export async function latestKeyRequests(key: TrailKeyRef, viewer: RequestViewer, limit = 10): Promise<RequestRow[]> {
  return describeEvents(await selectEvents(keyWhere(key), {}, limit), viewer);
}

export interface TopPath {
  path: string | null;
  requests: number;
  denied: number;
  methods: string[];
}

export async function topKeyPaths(key: TrailKeyRef, limit = 10): Promise<{ paths: TopPath[]; sampled: number }> {
  const rows = await db.$queryRaw<{ path: string | null; requests: bigint; denied: bigint; methods: (string | null)[]; sampled: bigint }[]>`
    WITH latest AS (
      SELECT e."path", e."method", e."outcome"
        FROM "RequestEvent" e
       WHERE ${keyWhere(key)}
       ORDER BY e."at" DESC, e."id" DESC
       LIMIT ${TOP_PATHS_SAMPLE}
    )
    SELECT l."path", count(*)::bigint AS "requests", count(*) FILTER (WHERE l."outcome" <> 'VALID')::bigint AS "denied",
           array_agg(DISTINCT l."method") AS "methods", (SELECT count(*) FROM latest)::bigint AS "sampled"
      FROM latest l
     GROUP BY l."path"
     ORDER BY count(*) DESC, l."path"
     LIMIT ${limit}`;
  return {
    sampled: Number(rows[0]?.sampled ?? 0),
    paths: rows.map((row) => ({
      path: row.path,
      requests: Number(row.requests),
      denied: Number(row.denied),
      methods: row.methods.filter((m): m is string => m !== null).sort(),
    })),
  };
}

export interface KeyClientIpRow {
  ip: string;
  firstSeenAt: string;
  lastSeenAt: string;
  requests: number;
}

/** The addresses the key was used from, most recent first. Only for readers who may see them. */
export async function keyClientIps(keyId: string, limit = 50): Promise<KeyClientIpRow[]> {
  const rows = await db.$queryRaw<{ ip: string; firstSeenAt: Date; lastSeenAt: Date; requests: bigint }[]>`
    SELECT host(c."ip") AS "ip", c."firstSeenAt", c."lastSeenAt", c."requests"
      FROM "KeyClientIp" c WHERE c."keyId" = ${keyId}::uuid
     ORDER BY c."lastSeenAt" DESC LIMIT ${limit}`;
  return rows.map((row) => ({ ip: row.ip, firstSeenAt: row.firstSeenAt.toISOString(), lastSeenAt: row.lastSeenAt.toISOString(), requests: Number(row.requests) }));
}

export interface OutcomeBucket {
  /** ISO start of the day or hour (UTC). */
  start: string;
  counts: Record<string, number>;
}

export interface KeyRequestChart {
  days: OutcomeBucket[];
  hours: OutcomeBucket[];
  outcomes: string[];
}

/** 30 UTC days by day and the last 48 hours by hour, every bucket present (zeros included). */
export async function keyRequestChart(keyId: string, now = new Date()): Promise<KeyRequestChart> {
  const today = Math.floor(now.getTime() / DAY_MS) * DAY_MS;
  const firstDay = today - 29 * DAY_MS;
  const thisHour = Math.floor(now.getTime() / HOUR_MS) * HOUR_MS;
  const firstHour = thisHour - 47 * HOUR_MS;
  const rows = await db.keyRequestHourly.findMany({
    where: { keyId, hour: { gte: new Date(Math.min(firstDay, firstHour)) } },
    select: { hour: true, outcome: true, count: true },
  });
  const days = new Map<number, Record<string, number>>();
  const hours = new Map<number, Record<string, number>>();
  const outcomes = new Set<string>();
  for (const row of rows) {
    const at = row.hour.getTime();
    outcomes.add(row.outcome);
    const day = Math.floor(at / DAY_MS) * DAY_MS;
    if (day >= firstDay) {
      const counts = days.get(day) ?? {};
      counts[row.outcome] = (counts[row.outcome] ?? 0) + row.count;
      days.set(day, counts);
    }
    if (at >= firstHour) {
      const counts = hours.get(at) ?? {};
      counts[row.outcome] = (counts[row.outcome] ?? 0) + row.count;
      hours.set(at, counts);
    }
  }
  const series = (first: number, step: number, n: number, map: Map<number, Record<string, number>>) =>
    Array.from({ length: n }, (_, i) => ({ start: new Date(first + i * step).toISOString(), counts: map.get(first + i * step) ?? {} }));
  // VALID first, then the rest alphabetically: the chart stacks in this order.
  const ordered = [...outcomes].sort((a, b) => (a === "VALID" ? -1 : b === "VALID" ? 1 : a.localeCompare(b)));
  return { days: series(firstDay, DAY_MS, 30, days), hours: series(firstHour, HOUR_MS, 48, hours), outcomes: ordered };
}
