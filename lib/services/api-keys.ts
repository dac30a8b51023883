// Writes on API keys: create, edit (incl. disable/enable, owner, metadata), revoke (one or many),
// roll. Shared by the dashboard's server actions and the REST API, so both get the same
// validation, permission checks, limits and audit events. Every write and its audit events share
// one transaction; every change to what verification answers notifies the verifiers (NOTIFY in
// the transaction for other processes, emitKeyChanged after commit for this one). Each write
// returns the key as it wrote it (a WrittenKeyRecord, read in its transaction), which is what the
// REST routes serialize: they never read the key again after a write.
import { canonicalJson, recordAudit, type RequestContext } from "@/lib/audit";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import { sameConstraintSet } from "@/lib/keys/constraints";
import { emitKeyChanged, emitKeyCreated, notifyKeyChanged } from "@/lib/keys/invalidation";
import { maskedKey } from "@/lib/keys/secret";
import { readKeyRecord, type WrittenKeyRecord } from "@/lib/queries/key-record";
import { assertNameFree, insertKey, limitedWhere, lockKey, lockProject } from "@/lib/services/api-key-rows";
import { assertActorCan, auditActorOf, type Actor } from "@/lib/services/actor";
import { assertMayEditKey, assertNotManagementWrite, assertWithinActorLifetime } from "@/lib/services/api-key-guards";
import { assertKeyInScope, assertProjectInScope, resolveProjectScope } from "@/lib/services/project-scope";
import { PROJECT_SCOPE_ALL } from "@/lib/validations/project-scope";
import { ServiceError, fieldError, invalid } from "@/lib/services/errors";
import { drainCreditLeases, insertKeyLimitsCore, limitsForNewKey, updateKeyLimitsCore } from "@/lib/services/key-limits";
import { creditsJson, ratelimitsJson } from "@/lib/validations/limits";
import {
  createApiKeySchema,
  keyIdSchema,
  keyIdWhere,
  resolveExpiry,
  setApiKeyEnabledSchema,
  updateApiKeySchema,
} from "@/lib/validations/api-key";

export { revokeApiKey, revokeApiKeys } from "@/lib/services/api-key-revoke";
export { rollApiKey } from "@/lib/services/api-key-roll";

export interface CreatedKey {
  id: string;
  publicId: string;
  name: string;
  projectId: string;
  /** The project's slug: what the calling API sends as `project` when it verifies this key. */
  projectSlug: string;
  maskedKey: string;
  expiresAt: Date | null;
  /** The plaintext secret: returned once, to be shown once, never stored. */
  secret: string;
  /** The key as written, for its REST representation. */
  record: WrittenKeyRecord;
}

const via = (actor: Actor) => (actor.type === "key" ? "api" : "dashboard");

export async function createApiKey(actor: Actor, raw: unknown, context: RequestContext | null): Promise<CreatedKey> {
  assertActorCan(actor, "keys.create");
  const parsed = createApiKeySchema.safeParse(raw);
  if (!parsed.success) throw invalid(parsed.error);
  const input = parsed.data;
  if (actor.type === "key" && actor.key.constraints.length > 0 && !sameConstraintSet(actor.key.constraints, input.constraints)) {
    throw new ServiceError(
      "forbidden",
      "This management key has constraints, so it can only create keys with exactly the same constraints.",
      undefined,
      "constraints",
    );
  }

  const created = await db.$transaction(async (tx) => {
    const now = new Date();
    const project = await lockProject(tx, input.projectId);
    assertProjectInScope(actor, project.id);
    assertNotManagementWrite(actor, project, "create");
    const expiry = resolveExpiry({ preset: input.expiry, customDate: input.customDate }, now, project);
    if (!expiry.ok) throw fieldError(expiry.field, expiry.message);
    assertWithinActorLifetime(actor, expiry.expiresAt);
    if (input.projectScope !== undefined && !project.isSystem) {
      throw fieldError("projectScope", "Only management keys (keys of the Keydesk API project) have a project scope.");
    }
    const projectScope = project.isSystem ? await resolveProjectScope(tx, input.projectScope ?? PROJECT_SCOPE_ALL) : undefined;

    const active = input.canary ? 0 : await tx.apiKey.count({ where: limitedWhere(project.id, now) });
    if (active >= project.activeKeyLimit) {
      throw new ServiceError(
        "limit",
        `${project.name} already has ${project.activeKeyLimit} active keys, the most it allows. Revoke a key that is no longer used, then try again.`,
      );
    }
    await assertNameFree(tx, project.id, input.name, now);
    // The key's own limits, or the project's defaults (refused when looser than a capped project allows).
    const limits = limitsForNewKey(project, { ratelimits: input.ratelimits, credits: input.credits });

    const { key, secret, hash } = await insertKey(tx, actor, project, {
      name: input.name,
      description: input.description,
      expiresAt: expiry.expiresAt,
      constraints: input.constraints,
      externalId: input.externalId,
      metadata: input.metadata,
      canary: input.canary,
      projectScope,
    });
    await insertKeyLimitsCore(tx, key.id, limits, now);
    await recordAudit(tx, {
      actor: auditActorOf(actor),
      action: "key.created",
      summary: `Created ${input.canary ? "canary " : ""}key "${key.name}" (${key.publicId}) in ${project.name}`,
      targetType: "key",
      targetId: key.publicId,
      projectId: project.id,
      keyId: key.id,
      metadata: {
        expiresAt: key.expiresAt?.toISOString() ?? null,
        constraints: input.constraints.length,
        externalId: input.externalId,
        metadata: input.metadata,
        ratelimits: ratelimitsJson(limits.ratelimits),
        credits: creditsJson(limits.credits),
        via: via(actor),
        ...(input.canary ? { canary: true } : {}),
        ...(projectScope ? { projectScope } : {}),
      },
      context,
    });
    return { key, secret, hash, projectSlug: project.slug, record: await readKeyRecord(tx, key.id, now.getTime()) };
  });
  // The database announces the key to every process at commit; this one knows it already.
  emitKeyCreated(created.hash);

  return {
    id: created.key.id,
    publicId: created.key.publicId,
    name: created.key.name,
    projectId: created.key.projectId,
    projectSlug: created.projectSlug,
    maskedKey: maskedKey(created.key.displayPrefix, created.key.last4),
    expiresAt: created.key.expiresAt,
    secret: created.secret,
    record: created.record,
  };
}

const sameJson = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

/**
 * Edits a key: name, description, owner (externalId), metadata and the enabled flag, each only
 * when given. One `key.updated` event lists the edited fields; disabling or enabling is its own
 * event (`key.disabled` / `key.enabled`). Nothing changes for a revoked key.
 */
export async function updateApiKey(actor: Actor, keyId: string, raw: unknown, context: RequestContext | null): Promise<WrittenKeyRecord> {
  assertActorCan(actor, "keys.update");
  const parsed = updateApiKeySchema.safeParse(raw);
  if (!parsed.success) throw invalid(parsed.error);
  const input = parsed.data;
  const limitsChange = input.ratelimits !== undefined || input.credits !== undefined;
  await assertMayEditKey(actor, keyId);
  if (input.credits) {
    // Before the transaction: processes hand back the credits they hold (see drainCreditLeases).
    const ref = keyIdSchema.safeParse(keyId);
    const target = ref.success ? await db.apiKey.findUnique({ where: keyIdWhere(ref.data), select: { id: true } }) : null;
    if (target) await drainCreditLeases(target.id);
  }

  const updated = await db.$transaction(async (tx) => {
    const key = await lockKey(tx, keyId);
    assertKeyInScope(actor, key.projectId);
    assertNotManagementWrite(actor, key.project, "edit");
    if (key.revokedAt) {
      throw new ServiceError("conflict", input.enabled !== undefined ? "A revoked key cannot be enabled or disabled: revoking is permanent." : "A revoked key cannot be edited.");
    }
    const now = new Date();
    const before = { name: key.name, description: key.description, externalId: key.externalId, metadata: key.metadata };
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    for (const field of ["name", "description", "externalId", "metadata"] as const) {
      const to = input[field];
      if (to !== undefined && !sameJson(before[field], to)) changes[field] = { from: before[field], to };
    }
    const enabledChanged = input.enabled !== undefined && input.enabled !== key.enabled;
    if (changes.name) await assertNameFree(tx, key.projectId, input.name ?? key.name, now, key.id);

    const result = await tx.apiKey.update({
      where: { id: key.id },
      data: {
        name: input.name,
        description: input.description,
        externalId: input.externalId,
        metadata: input.metadata as Prisma.InputJsonObject | undefined,
        enabled: input.enabled,
      },
      select: { publicId: true, name: true, enabled: true, hash: true },
    });
    const target = { targetType: "key", targetId: result.publicId, projectId: key.projectId, keyId: key.id, context } as const;
    if (Object.keys(changes).length > 0) {
      await recordAudit(tx, {
        actor: auditActorOf(actor),
        action: "key.updated",
        summary: `Edited key "${result.name}" (${result.publicId}): ${Object.keys(changes).join(", ")}`,
        metadata: { changes, via: via(actor) },
        ...target,
      });
    }
    if (enabledChanged) {
      await recordAudit(tx, {
        actor: auditActorOf(actor),
        action: result.enabled ? "key.enabled" : "key.disabled",
        summary: `${result.enabled ? "Enabled" : "Disabled"} key "${result.name}" (${result.publicId})`,
        metadata: { via: via(actor) },
        ...target,
      });
    }
    if (limitsChange) {
      await updateKeyLimitsCore(tx, actor, { ...key, name: result.name, hash: result.hash }, { ratelimits: input.ratelimits, credits: input.credits }, context);
    }
    const changed = enabledChanged || Object.keys(changes).length > 0 || limitsChange;
    if (changed && !limitsChange) await notifyKeyChanged(tx, result.hash);
    return { hash: result.hash, changed, record: await readKeyRecord(tx, key.id, now.getTime()) };
  });
  if (updated.changed) emitKeyChanged(updated.hash);
  return updated.record;
}

/** Disables (`enabled: false`) or enables a key: the dashboard's row action and key page. */
export async function setApiKeyEnabled(actor: Actor, raw: unknown, context: RequestContext | null): Promise<WrittenKeyRecord> {
  assertActorCan(actor, "keys.update");
  const parsed = setApiKeyEnabledSchema.safeParse(raw);
  if (!parsed.success) throw invalid(parsed.error);
  return updateApiKey(actor, parsed.data.keyId, { enabled: parsed.data.enabled }, context);
}
