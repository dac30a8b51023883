import "server-only";
// Reads behind Admin → Projects. Projects are few (one per application or partner), so the list
// is read whole, without paging, with its key counts from one grouped query.
import { db } from "@/lib/db";
import type { RateLimitConfig } from "@/lib/keys/limits/types";
import { projectLimitDefaults, type CreditsInput } from "@/lib/validations/limits";

export interface ProjectRow {
  id: string;
  name: string;
  slug: string;
  keyPrefix: string;
  activeKeyLimit: number;
  maxLifetimeDays: number | null;
  allowNoExpiry: boolean;
  requestRetentionDays: number;
  logUnknownKeys: boolean;
  /** Usage limits of keys created without their own. */
  defaultRatelimits: RateLimitConfig[];
  defaultCredits: CreditsInput | null;
  capLimitsAtDefaults: boolean;
  leakPolicy: "revoke" | "report";
  isSystem: boolean;
  archivedAt: string | null;
  createdAt: string;
  /** Keys that count against the limit: not revoked, not expired, not being replaced, not canaries. */
  activeKeys: number;
  /** Keys that verify right now (incl. rolled keys in their grace period): what archiving stops. */
  workingKeys: number;
  /**
   * Rolled keys still in their grace period. They work, but do not count against the limit (the
   * rule that lets a project at its limit roll a key), so the keys list may show more working keys
   * than "active / limit" here; the table says how many more.
   */
  rolledInGrace: number;
  /** Any key ever issued; once there is one, the key prefix is fixed. */
  totalKeys: number;
}

interface KeyCounts {
  projectId: string;
  total: bigint;
  active: bigint;
  working: bigint;
  inGrace: bigint;
}

/** A project's settings and state: what the admin pages, the project services and the REST API read. */
export const projectSelect = {
  id: true,
  name: true,
  slug: true,
  keyPrefix: true,
  activeKeyLimit: true,
  maxLifetimeDays: true,
  allowNoExpiry: true,
  requestRetentionDays: true,
  logUnknownKeys: true,
  defaultRatelimits: true,
  defaultCredits: true,
  capLimitsAtDefaults: true,
  leakPolicy: true,
  isSystem: true,
  archivedAt: true,
  createdAt: true,
} as const;

export async function listProjects(now = new Date()): Promise<ProjectRow[]> {
  const [projects, counts] = await db.$transaction([
    db.project.findMany({
      // Active first, the built-in system project last among them, then by name.
      orderBy: [{ archivedAt: { sort: "desc", nulls: "first" } }, { isSystem: "asc" }, { name: "asc" }],
      select: projectSelect,
    }),
    // The three counts in one pass; "active" is exactly what the key-create limit check counts.
    db.$queryRaw<KeyCounts[]>`
      SELECT "projectId",
             count(*) AS "total",
             count(*) FILTER (WHERE "revokedAt" IS NULL AND "replacedById" IS NULL AND NOT "canary"
                               AND ("expiresAt" IS NULL OR "expiresAt" > ${now})) AS "active",
             count(*) FILTER (WHERE "revokedAt" IS NULL
                               AND ("expiresAt" IS NULL OR "expiresAt" > ${now})) AS "working",
             count(*) FILTER (WHERE "revokedAt" IS NULL AND "replacedById" IS NOT NULL
                               AND ("expiresAt" IS NULL OR "expiresAt" > ${now})) AS "inGrace"
      FROM "ApiKey" GROUP BY "projectId"`,
  ]);
  const byProject = new Map(counts.map((row) => [row.projectId, row]));
  return projects.map((project) => {
    const count = byProject.get(project.id);
    const defaults = projectLimitDefaults(project);
    return {
      ...project,
      defaultRatelimits: defaults.ratelimits,
      defaultCredits: defaults.credits,
      archivedAt: project.archivedAt?.toISOString() ?? null,
      createdAt: project.createdAt.toISOString(),
      activeKeys: Number(count?.active ?? 0),
      workingKeys: Number(count?.working ?? 0),
      rolledInGrace: Number(count?.inGrace ?? 0),
      totalKeys: Number(count?.total ?? 0),
    };
  });
}

export interface ProjectOption {
  id: string;
  name: string;
  archived: boolean;
}

/** Every project, archived ones included, for filters over history such as the audit log. */
export async function listProjectOptions(): Promise<ProjectOption[]> {
  const projects = await db.project.findMany({
    orderBy: [{ archivedAt: { sort: "desc", nulls: "first" } }, { name: "asc" }],
    select: { id: true, name: true, archivedAt: true },
  });
  return projects.map((p) => ({ id: p.id, name: p.name, archived: p.archivedAt !== null }));
}

/** The key prefixes of every project that can still have working keys (the scanner rules). */
export async function listKeyPrefixes(): Promise<string[]> {
  const projects = await db.project.findMany({ where: { archivedAt: null }, select: { keyPrefix: true }, orderBy: { keyPrefix: "asc" } });
  return projects.map((project) => project.keyPrefix);
}
