import "server-only";
// Reads behind Settings → API Keys. The project is always part of `where` (tenancy), search is a
// case-insensitive substring match served by trigram indexes, and list + total come from one
// transaction so the pager never disagrees with the rows.
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { isPublicId, maskedKey } from "@/lib/keys/secret";
import { keyStatus } from "@/lib/keys/status";

export { keyStatus };
import { KEY_PAGE_SIZE, type ApiKeyListParams, type KeyStatus } from "@/lib/validations/api-key-list";

export interface ProjectOption {
  id: string;
  name: string;
  slug: string;
  keyPrefix: string;
  isSystem: boolean;
  maxLifetimeDays: number | null;
  allowNoExpiry: boolean;
  activeKeyLimit: number;
}

export async function listProjectsForKeys(): Promise<ProjectOption[]> {
  return db.project.findMany({
    where: { archivedAt: null },
    orderBy: [{ isSystem: "asc" }, { name: "asc" }],
    select: { id: true, name: true, slug: true, keyPrefix: true, isSystem: true, maxLifetimeDays: true, allowNoExpiry: true, activeKeyLimit: true },
  });
}

function statusWhere(status: ApiKeyListParams["status"], now: Date): Prisma.ApiKeyWhereInput {
  switch (status) {
    case "active":
      return { revokedAt: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] };
    case "expired":
      return { revokedAt: null, expiresAt: { lte: now } };
    case "revoked":
      return { revokedAt: { not: null } };
    default:
      return {};
  }
}

export interface ApiKeyRow {
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
  constraintCount: number;
  /** Sid of the replacement when this key was rolled. */
  replacedBy: string | null;
}

export async function listApiKeys(projectId: string, params: ApiKeyListParams, now = new Date()) {
  const where: Prisma.ApiKeyWhereInput = {
    projectId,
    ...statusWhere(params.status, now),
    ...(params.q
      ? {
          AND: [
            {
              OR: [
                { name: { contains: params.q, mode: "insensitive" } },
                { description: { contains: params.q, mode: "insensitive" } },
                { displayPrefix: { contains: params.q, mode: "insensitive" } },
                { publicId: { contains: params.q, mode: "insensitive" } },
              ],
            },
          ],
        }
      : {}),
  };
  const orderBy: Prisma.ApiKeyOrderByWithRelationInput[] =
    params.sort === "name"
      ? [{ name: params.dir }, { id: "asc" }]
      : params.sort === "createdAt"
        ? [{ createdAt: params.dir }, { id: "asc" }]
        : // Keys never used or never expiring sort after the rest, whichever the direction.
          [{ [params.sort]: { sort: params.dir, nulls: "last" } }, { id: "asc" }];

  const [rows, total] = await db.$transaction([
    db.apiKey.findMany({
      where,
      orderBy,
      skip: (params.page - 1) * KEY_PAGE_SIZE,
      take: KEY_PAGE_SIZE,
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
        createdBy: { select: { name: true, email: true } },
        createdByKey: { select: { name: true } },
        _count: { select: { constraints: true } },
        replacedBy: { select: { publicId: true } },
      },
    }),
    db.apiKey.count({ where }),
  ]);

  return {
    total,
    pageSize: KEY_PAGE_SIZE,
    rows: rows.map(
      (key): ApiKeyRow => ({
        id: key.id,
        publicId: key.publicId,
        name: key.name,
        description: key.description,
        maskedKey: maskedKey(key.displayPrefix, key.last4),
        createdAt: key.createdAt.toISOString(),
        createdBy: key.createdBy?.name ?? (key.createdByKey ? `API key "${key.createdByKey.name}"` : null),
        expiresAt: key.expiresAt?.toISOString() ?? null,
        lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
        revokedAt: key.revokedAt?.toISOString() ?? null,
        status: keyStatus(key, now),
        constraintCount: key._count.constraints,
        replacedBy: key.replacedBy?.publicId ?? null,
      }),
    ),
  };
}

export async function getApiKeyDetail(publicId: string) {
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
      project: { select: { id: true, name: true, slug: true, isSystem: true } },
      createdBy: { select: { name: true, email: true } },
      createdByKey: { select: { name: true, publicId: true } },
      revokedBy: { select: { name: true, email: true } },
      revokedByKey: { select: { name: true, publicId: true } },
      replacedBy: { select: { publicId: true, name: true } },
      replaces: { select: { publicId: true, name: true } },
      constraints: { orderBy: { position: "asc" }, select: { type: true, value: true, methods: true } },
    },
  });
  if (!key) return null;
  const events = await db.auditEvent.findMany({
    where: { keyId: key.id },
    orderBy: { id: "desc" },
    take: 20,
    select: { id: true, createdAt: true, action: true, summary: true, actorLabel: true, ip: true },
  });
  return {
    ...key,
    maskedKey: maskedKey(key.displayPrefix, key.last4),
    status: keyStatus(key),
    events: events.map((e) => ({ ...e, id: e.id.toString() })),
  };
}
export type ApiKeyDetail = NonNullable<Awaited<ReturnType<typeof getApiKeyDetail>>>;

export interface UsageDay {
  day: string;
  valid: number;
  denied: number;
}

/** The last 30 UTC days of verifications for a key, one entry per day, zeros included. */
export async function getKeyUsage(keyId: string, now = new Date()): Promise<UsageDay[]> {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const first = new Date(today - 29 * 86_400_000);
  const rows = await db.keyUsageDaily.findMany({
    where: { keyId, day: { gte: first } },
    select: { day: true, valid: true, revoked: true, expired: true, forbidden: true },
  });
  const byDay = new Map(rows.map((r) => [r.day.toISOString().slice(0, 10), r]));
  return Array.from({ length: 30 }, (_, i) => {
    const day = new Date(first.getTime() + i * 86_400_000).toISOString().slice(0, 10);
    const row = byDay.get(day);
    return { day, valid: row?.valid ?? 0, denied: row ? row.revoked + row.expired + row.forbidden : 0 };
  });
}

export async function apiKeyExists(publicId: string): Promise<boolean> {
  if (!isPublicId(publicId)) return false;
  return (await db.apiKey.findUnique({ where: { publicId }, select: { id: true } })) !== null;
}
