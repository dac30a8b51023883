// Writes on API keys: create, edit, revoke, roll. Shared by the dashboard's server actions and
// the REST API, so both get the same validation, permission checks, limits and audit events.
// Every write and its audit event share one transaction.
import { recordAudit, type RequestContext } from "@/lib/audit";
import { db, type Tx } from "@/lib/db";
import { sameConstraintSet, type KeyConstraint } from "@/lib/keys/constraints";
import { emitKeyChanged, notifyKeyChanged } from "@/lib/keys/invalidation";
import { generatePublicId, generateSecret, maskedKey } from "@/lib/keys/secret";
import { actorColumns, assertActorCan, auditActorOf, type Actor } from "@/lib/services/actor";
import { ServiceError, fieldError, invalid } from "@/lib/services/errors";
import {
  createApiKeySchema,
  graceToMs,
  keyIdSchema,
  keyIdWhere,
  resolveExpiry,
  revokeApiKeySchema,
  rollApiKeySchema,
  updateApiKeySchema,
} from "@/lib/validations/api-key";

const DAY_MS = 24 * 60 * 60 * 1000;

export interface CreatedKey {
  id: string;
  publicId: string;
  name: string;
  projectId: string;
  maskedKey: string;
  expiresAt: Date | null;
  /** The plaintext secret: returned once, to be shown once, never stored. */
  secret: string;
}

interface LockedProject {
  id: string;
  name: string;
  keyPrefix: string;
  activeKeyLimit: number;
  maxLifetimeDays: number | null;
  allowNoExpiry: boolean;
  archivedAt: Date | null;
}

/** Locks the project row: creates in one project queue here, which makes the limit race-free. */
async function lockProject(tx: Tx, projectId: string): Promise<LockedProject> {
  const rows = await tx.$queryRaw<LockedProject[]>`
    SELECT "id", "name", "keyPrefix", "activeKeyLimit", "maxLifetimeDays", "allowNoExpiry", "archivedAt"
    FROM "Project" WHERE "id" = ${projectId}::uuid FOR UPDATE`;
  const project = rows[0];
  if (!project || project.archivedAt) throw fieldError("projectId", "That project does not exist or is archived.", "not_found");
  return project;
}

/** Keys that count against the limit and for name uniqueness: not revoked, not expired, not being replaced. */
function activeWhere(projectId: string, now: Date) {
  return { projectId, revokedAt: null, replacedById: null, OR: [{ expiresAt: null }, { expiresAt: { gt: now } }] };
}

async function assertNameFree(tx: Tx, projectId: string, name: string, now: Date, exceptId?: string) {
  const clash = await tx.apiKey.findFirst({
    where: { ...activeWhere(projectId, now), name: { equals: name, mode: "insensitive" }, ...(exceptId ? { NOT: { id: exceptId } } : {}) },
    select: { id: true },
  });
  if (clash) throw fieldError("name", "An active key in this project already has that name. Names say which app uses a key, so make it unique.", "conflict");
}

async function insertKey(
  tx: Tx,
  actor: Actor,
  project: LockedProject,
  fields: { name: string; description: string; expiresAt: Date | null; constraints: KeyConstraint[] },
) {
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
      constraints: {
        create: fields.constraints.map((c, position) => ({ position, type: c.type, value: c.value, methods: c.methods })),
      },
    },
    select: { id: true, publicId: true, name: true, projectId: true, displayPrefix: true, last4: true, expiresAt: true },
  });
  return { key, secret: generated.secret };
}

export async function createApiKey(actor: Actor, raw: unknown, context: RequestContext | null): Promise<CreatedKey> {
  assertActorCan(actor, "keys.create");
  const parsed = createApiKeySchema.safeParse(raw);
  if (!parsed.success) throw invalid(parsed.error);
  const input = parsed.data;
  if (actor.type === "key" && actor.key.constraints.length > 0 && !sameConstraintSet(actor.key.constraints, input.constraints)) {
    throw new ServiceError(
      "forbidden",
      "This management key has constraints, so it can only create keys with exactly the same constraints.",
    );
  }

  const created = await db.$transaction(async (tx) => {
    const now = new Date();
    const project = await lockProject(tx, input.projectId);
    const expiry = resolveExpiry({ preset: input.expiry, customDate: input.customDate }, now, project);
    if (!expiry.ok) throw fieldError(expiry.field, expiry.message);

    const active = await tx.apiKey.count({ where: activeWhere(project.id, now) });
    if (active >= project.activeKeyLimit) {
      throw new ServiceError(
        "limit",
        `${project.name} already has ${project.activeKeyLimit} active keys, the most it allows. Revoke a key that is no longer used, then try again.`,
      );
    }
    await assertNameFree(tx, project.id, input.name, now);

    const { key, secret } = await insertKey(tx, actor, project, {
      name: input.name,
      description: input.description,
      expiresAt: expiry.expiresAt,
      constraints: input.constraints,
    });
    await recordAudit(tx, {
      actor: auditActorOf(actor),
      action: "key.created",
      summary: `Created key "${key.name}" (${key.publicId}) in ${project.name}`,
      targetType: "key",
      targetId: key.publicId,
      projectId: project.id,
      keyId: key.id,
      metadata: {
        expiresAt: key.expiresAt?.toISOString() ?? null,
        constraints: input.constraints.length,
        via: actor.type === "key" ? "api" : "dashboard",
      },
      context,
    });
    return { key, secret };
  });

  return {
    id: created.key.id,
    publicId: created.key.publicId,
    name: created.key.name,
    projectId: created.key.projectId,
    maskedKey: maskedKey(created.key.displayPrefix, created.key.last4),
    expiresAt: created.key.expiresAt,
    secret: created.secret,
  };
}

/** Finds a key by Sid or id and locks its row for the rest of the transaction. */
async function lockKey(tx: Tx, keyId: string) {
  const id = keyIdSchema.safeParse(keyId);
  if (!id.success) throw new ServiceError("not_found", "That key does not exist.");
  const key = await tx.apiKey.findUnique({ where: keyIdWhere(id.data), select: { id: true } });
  if (!key) throw new ServiceError("not_found", "That key does not exist.");
  await tx.$queryRaw`SELECT 1 FROM "ApiKey" WHERE "id" = ${key.id}::uuid FOR UPDATE`;
  return tx.apiKey.findUniqueOrThrow({
    where: { id: key.id },
    include: { project: { select: { id: true, name: true, keyPrefix: true, activeKeyLimit: true, maxLifetimeDays: true, allowNoExpiry: true, archivedAt: true } }, constraints: { orderBy: { position: "asc" } } },
  });
}

export async function updateApiKey(actor: Actor, keyId: string, raw: unknown, context: RequestContext | null) {
  assertActorCan(actor, "keys.update");
  const parsed = updateApiKeySchema.safeParse(raw);
  if (!parsed.success) throw invalid(parsed.error);
  const input = parsed.data;

  const updated = await db.$transaction(async (tx) => {
    const key = await lockKey(tx, keyId);
    if (key.revokedAt) throw new ServiceError("conflict", "A revoked key cannot be edited.");
    const now = new Date();
    if (input.name !== undefined && input.name !== key.name) await assertNameFree(tx, key.projectId, input.name, now, key.id);
    const changes: Record<string, { from: string; to: string }> = {};
    if (input.name !== undefined && input.name !== key.name) changes.name = { from: key.name, to: input.name };
    if (input.description !== undefined && input.description !== key.description) {
      changes.description = { from: key.description, to: input.description };
    }
    const result = await tx.apiKey.update({
      where: { id: key.id },
      data: { name: input.name, description: input.description },
      select: { id: true, publicId: true, name: true, description: true, hash: true },
    });
    if (Object.keys(changes).length > 0) {
      await recordAudit(tx, {
        actor: auditActorOf(actor),
        action: "key.updated",
        summary: `Edited key "${result.name}" (${result.publicId}): ${Object.keys(changes).join(", ")}`,
        targetType: "key",
        targetId: result.publicId,
        projectId: key.projectId,
        keyId: key.id,
        metadata: { changes },
        context,
      });
      await notifyKeyChanged(tx, result.hash);
    }
    return result;
  });
  emitKeyChanged(updated.hash);
  return { id: updated.id, publicId: updated.publicId, name: updated.name, description: updated.description };
}

export async function revokeApiKey(actor: Actor, raw: unknown, context: RequestContext | null) {
  assertActorCan(actor, "keys.revoke");
  const parsed = revokeApiKeySchema.safeParse(raw);
  if (!parsed.success) throw invalid(parsed.error);

  const revoked = await db.$transaction(async (tx) => {
    const key = await lockKey(tx, parsed.data.keyId);
    if (key.revokedAt) throw new ServiceError("conflict", `"${key.name}" is already revoked.`);
    const who = actorColumns(actor);
    const result = await tx.apiKey.update({
      where: { id: key.id },
      data: { revokedAt: new Date(), revokedById: who.userId, revokedByKeyId: who.keyId },
      select: { id: true, publicId: true, name: true, hash: true, revokedAt: true },
    });
    await recordAudit(tx, {
      actor: auditActorOf(actor),
      action: "key.revoked",
      summary: `Revoked key "${result.name}" (${result.publicId})`,
      targetType: "key",
      targetId: result.publicId,
      projectId: key.projectId,
      keyId: key.id,
      metadata: { via: actor.type === "key" ? "api" : "dashboard" },
      context,
    });
    await notifyKeyChanged(tx, result.hash);
    return result;
  });
  emitKeyChanged(revoked.hash);
  return { id: revoked.id, publicId: revoked.publicId, name: revoked.name, revokedAt: revoked.revokedAt };
}

export async function rollApiKey(actor: Actor, raw: unknown, context: RequestContext | null) {
  assertActorCan(actor, "keys.roll");
  const parsed = rollApiKeySchema.safeParse(raw);
  if (!parsed.success) throw invalid(parsed.error);

  const rolled = await db.$transaction(async (tx) => {
    const now = new Date();
    const old = await lockKey(tx, parsed.data.keyId);
    if (old.revokedAt) throw new ServiceError("conflict", "A revoked key cannot be rolled. Create a new key instead.");
    if (old.replacedById) throw new ServiceError("conflict", "This key has already been rolled.");
    if (old.expiresAt && old.expiresAt <= now) throw new ServiceError("conflict", "An expired key cannot be rolled. Create a new key instead.");
    const project = await lockProject(tx, old.projectId);
    const constraints = old.constraints.map((c) => ({ type: c.type, value: c.value, methods: c.methods }));
    if (actor.type === "key" && actor.key.constraints.length > 0 && !sameConstraintSet(actor.key.constraints, constraints)) {
      throw new ServiceError("forbidden", "This management key has constraints, so it can only roll keys with exactly the same constraints.");
    }

    // The replacement gets a fresh lifetime as long as the old key's, within the project's policy.
    const lifetime = old.expiresAt ? old.expiresAt.getTime() - old.createdAt.getTime() : null;
    const maxLifetime = project.maxLifetimeDays ? project.maxLifetimeDays * DAY_MS : null;
    const newLifetime = lifetime === null ? maxLifetime : Math.min(lifetime, maxLifetime ?? lifetime);
    const expiresAt = newLifetime === null ? null : new Date(now.getTime() + newLifetime);

    const graceEnd = new Date(now.getTime() + graceToMs(parsed.data.grace));
    const oldExpiresAt = old.expiresAt && old.expiresAt < graceEnd ? old.expiresAt : graceEnd;
    // The old key stops counting once replaced, so rolling works even at the active-key limit.
    const { key, secret } = await insertKey(tx, actor, project, {
      name: old.name,
      description: old.description,
      expiresAt,
      constraints,
    });
    await tx.apiKey.update({ where: { id: old.id }, data: { replacedById: key.id, expiresAt: oldExpiresAt } });
    await recordAudit(tx, {
      actor: auditActorOf(actor),
      action: "key.rolled",
      summary: `Rolled key "${old.name}" (${old.publicId}) to ${key.publicId}; the old key expires ${parsed.data.grace === "now" ? "now" : `in ${parsed.data.grace}`}`,
      targetType: "key",
      targetId: old.publicId,
      projectId: project.id,
      keyId: old.id,
      metadata: { replacedBy: key.publicId, grace: parsed.data.grace, oldExpiresAt: oldExpiresAt.toISOString() },
      context,
    });
    await recordAudit(tx, {
      actor: auditActorOf(actor),
      action: "key.created",
      summary: `Created key "${key.name}" (${key.publicId}) in ${project.name} to replace ${old.publicId}`,
      targetType: "key",
      targetId: key.publicId,
      projectId: project.id,
      keyId: key.id,
      metadata: { rolledFrom: old.publicId, expiresAt: key.expiresAt?.toISOString() ?? null, constraints: constraints.length },
      context,
    });
    await notifyKeyChanged(tx, old.hash);
    return { key, secret, oldHash: old.hash, old: { publicId: old.publicId, expiresAt: oldExpiresAt } };
  });
  emitKeyChanged(rolled.oldHash);
  return {
    key: {
      id: rolled.key.id,
      publicId: rolled.key.publicId,
      name: rolled.key.name,
      projectId: rolled.key.projectId,
      maskedKey: maskedKey(rolled.key.displayPrefix, rolled.key.last4),
      expiresAt: rolled.key.expiresAt,
      secret: rolled.secret,
    } satisfies CreatedKey,
    old: rolled.old,
  };
}
