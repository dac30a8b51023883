import "server-only";
// A key as its one REST representation needs it (lib/api/serialize.ts → serializeKey): the
// columns, the relations and the usage limits. The management reads return it, and every key
// service returns it for the key it wrote, read inside the write's transaction — so a route
// serializes what the service wrote instead of reading it again (and cannot see a later write).
import type { Db, Tx } from "@/lib/db";
import { getKeyLimits, type KeyLimitsView } from "@/lib/queries/key-limits";

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
  canary: boolean;
  leakedAt: Date | null;
  replacedBy: { publicId: string } | null;
  project: { isSystem: boolean };
  projectScopeRestricted: boolean;
  projectScopes: { projectId: string }[];
  constraints: { type: string; value: string; methods: string[] }[];
  /** Usage limits (lib/queries/key-limits.ts); absent reads as none. */
  limits?: KeyLimitsView;
}

/** What a key service returns for the key it wrote: the record with its row id and its limits. */
export type WrittenKeyRecord = KeyRecord & { id: string; limits: KeyLimitsView };

/** What to select for a KeyRecord. */
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
  canary: true,
  leakedAt: true,
  replacedBy: { select: { publicId: true } },
  project: { select: { isSystem: true } },
  projectScopeRestricted: true,
  projectScopes: { orderBy: { projectId: "asc" as const }, select: { projectId: true } },
  constraints: { orderBy: { position: "asc" as const }, select: { type: true, value: true, methods: true } },
};

/** The key with row id `id`, through `client` — inside a transaction, as that transaction wrote it. */
export async function readKeyRecord(client: Db | Tx, id: string, nowMs = Date.now()): Promise<WrittenKeyRecord> {
  const record = await client.apiKey.findUniqueOrThrow({ where: { id }, select: keyRecordSelect });
  return { id, ...record, limits: await getKeyLimits(client, id, nowMs) };
}
