// The JSON representation of keys in the REST API. Never includes a hash or secret.
import { keyStatus } from "@/lib/keys/status";
import { maskedKey } from "@/lib/keys/secret";
import type { KeyLimitsView } from "@/lib/queries/key-limits";
import { creditsJson, ratelimitsJson } from "@/lib/validations/limits";

export interface KeyRecord {
  publicId: string;
  projectId: string;
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
  /** A JSON object ({} when none was set); the column's CHECK guarantees the shape. */
  metadata: unknown;
  constraints: { type: string; value: string; methods: string[] }[];
  /** Usage limits; a key read alone has them (lib/queries/management.ts findKeyRecord). */
  limits?: KeyLimitsView;
}

export function serializeKey(key: KeyRecord, now = new Date()) {
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
    constraints: key.constraints.map((c) => ({ type: c.type, value: c.value, methods: c.methods })),
    // The shapes the key is created and PATCHed with; credits.remaining is the balance now.
    ...(key.limits
      ? {
          ratelimits: ratelimitsJson(key.limits.ratelimits),
          credits: key.limits.credits && creditsJson({ remaining: key.limits.credits.remaining, refill: key.limits.credits.refill }),
        }
      : {}),
  };
}

export const keyRecordSelect = {
  publicId: true,
  projectId: true,
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
  constraints: { orderBy: { position: "asc" as const }, select: { type: true, value: true, methods: true } },
};
