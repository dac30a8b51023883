// The one JSON representation of each REST resource — a key (with its constraints and usage
// limits) and a project — used by every route and described by the document's components
// (lib/api/schemas.ts; the types below and the contract test hold the two together). A key comes
// in as the KeyRecord the key services and management reads return (lib/queries/key-record.ts).
// Webhook endpoints and deliveries are in lib/api/serialize-webhooks.ts. Never includes a hash or secret.
import type { z } from "zod";
import type { apiKeySchema, constraintSchema, projectSchema } from "@/lib/api/schemas";
import { keyStatus } from "@/lib/keys/status";
import { maskedKey } from "@/lib/keys/secret";
import type { KeyRecord } from "@/lib/queries/key-record";
import { creditsJson, projectLimitDefaults, ratelimitsJson } from "@/lib/validations/limits";

type ConstraintJson = z.input<typeof constraintSchema>;

export function serializeConstraint(constraint: KeyRecord["constraints"][number]): ConstraintJson {
  return { type: constraint.type as ConstraintJson["type"], value: constraint.value, methods: constraint.methods as ConstraintJson["methods"] };
}

export function serializeKey(key: KeyRecord, now = new Date()): z.input<typeof apiKeySchema> {
  return {
    id: key.publicId,
    projectId: key.projectId,
    name: key.name,
    description: key.description,
    prefix: key.displayPrefix,
    maskedKey: maskedKey(key.displayPrefix, key.last4),
    status: keyStatus(key, now),
    enabled: key.enabled,
    externalId: key.externalId,
    metadata: key.metadata as Record<string, unknown>,
    createdAt: key.createdAt.toISOString(),
    expiresAt: key.expiresAt?.toISOString() ?? null,
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
    replacedBy: key.replacedBy?.publicId ?? null,
    canary: key.canary,
    // Management keys: "all" or the ids of the projects they may act on; null for other keys.
    projectScope: key.project.isSystem ? (key.projectScopeRestricted ? key.projectScopes.map((scope) => scope.projectId) : "all") : null,
    leakedAt: key.leakedAt?.toISOString() ?? null,
    constraints: key.constraints.map(serializeConstraint),
    // The shapes the key is created and PATCHed with; credits.remaining is the balance now.
    ratelimits: ratelimitsJson(key.limits?.ratelimits ?? []),
    credits: key.limits?.credits ? creditsJson({ remaining: key.limits.credits.remaining, refill: key.limits.credits.refill }) : null,
  };
}

export interface ProjectRecord {
  id: string;
  name: string;
  slug: string;
  keyPrefix: string;
  activeKeyLimit: number;
  maxLifetimeDays: number | null;
  allowNoExpiry: boolean;
  requestRetentionDays: number;
  logUnknownKeys: boolean;
  defaultRatelimits: unknown;
  defaultCredits: unknown;
  capLimitsAtDefaults: boolean;
  leakPolicy: "revoke" | "report";
  isSystem: boolean;
  archivedAt: Date | null;
  createdAt: Date;
}

export function serializeProject(project: ProjectRecord): z.input<typeof projectSchema> {
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
