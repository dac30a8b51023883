// Row-level helpers of the key services (lib/services/api-keys.ts): locking a project or a key
// for the rest of a transaction, the active-key rule, and inserting a new key with its secret.
import type { Tx } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { KeyConstraint } from "@/lib/keys/constraints";
import { generatePublicId, generateSecret } from "@/lib/keys/secret";
import { actorColumns, type Actor } from "@/lib/services/actor";
import { ServiceError, fieldError } from "@/lib/services/errors";
import type { KeyMetadata } from "@/lib/validations/key-fields";
import type { ProjectScope } from "@/lib/validations/project-scope";
import { keyIdSchema, keyIdWhere } from "@/lib/validations/api-key";

export interface LockedProject {
  id: string;
  name: string;
  slug: string;
  keyPrefix: string;
  activeKeyLimit: number;
  maxLifetimeDays: number | null;
  allowNoExpiry: boolean;
  defaultRatelimits: unknown;
  defaultCredits: unknown;
  capLimitsAtDefaults: boolean;
  /** The built-in "Keydesk API" project: its keys are management keys. */
  isSystem: boolean;
  archivedAt: Date | null;
}

/** Locks the project row: creates in one project queue here, which makes the limit race-free. */
export async function lockProject(tx: Tx, projectId: string): Promise<LockedProject> {
  const rows = await tx.$queryRaw<LockedProject[]>`
    SELECT "id", "name", "slug", "keyPrefix", "activeKeyLimit", "maxLifetimeDays", "allowNoExpiry",
           "defaultRatelimits", "defaultCredits", "capLimitsAtDefaults", "isSystem", "archivedAt"
    FROM "Project" WHERE "id" = ${projectId}::uuid FOR UPDATE`;
  const project = rows[0];
  if (!project || project.archivedAt) throw fieldError("projectId", "That project does not exist or is archived.", "not_found");
  return project;
}

/** Keys that count against the limit and for name uniqueness: not revoked, not expired, not being replaced. */
function activeWhere(projectId: string, now: Date) {
  return { projectId, revokedAt: null, replacedById: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] };
}

/** What counts against the active-key limit: active keys that are not canaries (honeytokens serve no caller). */
export function limitedWhere(projectId: string, now: Date) {
  return { ...activeWhere(projectId, now), canary: false };
}

export async function assertNameFree(tx: Tx, projectId: string, name: string, now: Date, exceptId?: string) {
  const clash = await tx.apiKey.findFirst({
    where: { ...activeWhere(projectId, now), name: { equals: name, mode: "insensitive" }, ...(exceptId ? { NOT: { id: exceptId } } : {}) },
    select: { id: true },
  });
  if (clash) throw fieldError("name", "An active key in this project already has that name. Names say which app uses a key, so make it unique.", "conflict");
}

export interface NewKeyFields {
  name: string;
  description: string;
  expiresAt: Date | null;
  constraints: KeyConstraint[];
  externalId: string | null;
  metadata: KeyMetadata;
  /** A honeytoken (lib/keys/canary.ts). */
  canary?: boolean;
  /** Management keys only: every project, or these project ids (lib/services/project-scope.ts). */
  projectScope?: ProjectScope;
}

export async function insertKey(tx: Tx, actor: Actor, project: LockedProject, fields: NewKeyFields) {
  const generated = generateSecret(project.keyPrefix);
  const who = actorColumns(actor);
  const key = await tx.apiKey.create({
    data: {
      publicId: generatePublicId(),
      projectId: project.id,
      name: fields.name,
      description: fields.description,
      displayPrefix: generated.displayPrefix,
      last4: generated.last4,
      hash: generated.hash,
      createdById: who.userId,
      createdByKeyId: who.keyId,
      expiresAt: fields.expiresAt,
      externalId: fields.externalId,
      metadata: fields.metadata as Prisma.InputJsonObject,
      canary: fields.canary ?? false,
      projectScopeRestricted: Array.isArray(fields.projectScope),
      projectScopes: Array.isArray(fields.projectScope) ? { create: fields.projectScope.map((projectId) => ({ projectId })) } : undefined,
      constraints: {
        create: fields.constraints.map((c, position) => ({ position, type: c.type, value: c.value, methods: c.methods })),
      },
    },
    select: { id: true, publicId: true, name: true, projectId: true, displayPrefix: true, last4: true, expiresAt: true },
  });
  return { key, secret: generated.secret, hash: generated.hash };
}

/** Finds a key by Sid or id and locks its row for the rest of the transaction. */
export async function lockKey(tx: Tx, keyId: string) {
  const id = keyIdSchema.safeParse(keyId);
  if (!id.success) throw new ServiceError("not_found", "That key does not exist.");
  const key = await tx.apiKey.findUnique({ where: keyIdWhere(id.data), select: { id: true } });
  if (!key) throw new ServiceError("not_found", "That key does not exist.");
  await tx.$queryRaw`SELECT 1 FROM "ApiKey" WHERE "id" = ${key.id}::uuid FOR UPDATE`;
  return tx.apiKey.findUniqueOrThrow({
    where: { id: key.id },
    include: {
      project: {
        select: {
          id: true,
          name: true,
          slug: true,
          keyPrefix: true,
          activeKeyLimit: true,
          maxLifetimeDays: true,
          allowNoExpiry: true,
          defaultRatelimits: true,
          defaultCredits: true,
          capLimitsAtDefaults: true,
          isSystem: true,
          archivedAt: true,
        },
      },
      constraints: { orderBy: { position: "asc" } },
      projectScopes: { select: { projectId: true } },
    },
  });
}
