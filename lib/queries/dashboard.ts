import "server-only";
import { db } from "@/lib/db";

export interface DashboardSummary {
  activeKeys: number;
  expiringSoon: number;
  revokedLast30Days: number;
  projects: number;
}

const DAY = 24 * 60 * 60 * 1000;

export async function getDashboardSummary(now = new Date()): Promise<DashboardSummary> {
  // "Active" as the keys list means it: not revoked, not expired, not disabled.
  const active = { revokedAt: null, enabled: true, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }], project: { archivedAt: null } };
  const [activeKeys, expiringSoon, revokedLast30Days, projects] = await db.$transaction([
    db.apiKey.count({ where: active }),
    db.apiKey.count({ where: { revokedAt: null, expiresAt: { gt: now, lte: new Date(now.getTime() + 7 * DAY) } } }),
    db.apiKey.count({ where: { revokedAt: { gte: new Date(now.getTime() - 30 * DAY) } } }),
    db.project.count({ where: { archivedAt: null } }),
  ]);
  return { activeKeys, expiringSoon, revokedLast30Days, projects };
}
