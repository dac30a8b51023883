// Rolling a key: a new secret with the same settings replaces the old one, which keeps working
// for a grace period. The replacement follows the project's expiry policy as it is now (issue
// 12), and a management key can neither roll management keys nor roll a key past its own expiry.
import { recordAudit, type RequestContext } from "@/lib/audit";
import { DAY_MS } from "@/lib/dates";
import { db } from "@/lib/db";
import { sameConstraintSet } from "@/lib/keys/constraints";
import { emitKeyChanged, emitKeyCreated, notifyKeyChanged } from "@/lib/keys/invalidation";
import { maskedKey } from "@/lib/keys/secret";
import { getKeyLimits } from "@/lib/queries/key-limits";
import { readKeyRecord } from "@/lib/queries/key-record";
import { insertKey, lockKey, lockProject } from "@/lib/services/api-key-rows";
import { assertNotManagementWrite, assertWithinActorLifetime } from "@/lib/services/api-key-guards";
import type { CreatedKey } from "@/lib/services/api-keys";
import { assertActorCan, auditActorOf, type Actor } from "@/lib/services/actor";
import { ServiceError, invalid } from "@/lib/services/errors";
import { insertKeyLimitsCore } from "@/lib/services/key-limits";
import { assertKeyInScope } from "@/lib/services/project-scope";
import type { KeyMetadata } from "@/lib/validations/key-fields";
import { graceToMs, rollApiKeySchema } from "@/lib/validations/api-key";
import { PROJECT_SCOPE_ALL, type ProjectScope } from "@/lib/validations/project-scope";

/** A never-expiring key rolled where the project requires expiry but sets no maximum lifetime. */
const ROLL_DEFAULT_LIFETIME_DAYS = 30;

/**
 * The replacement's expiry: a fresh lifetime as long as the old key's, under the project's policy
 * *now*. A lifetime longer than the project's maximum is cut to it; a never-expiring key in a
 * project that no longer allows that gets the maximum, or ROLL_DEFAULT_LIFETIME_DAYS (the REST
 * API's default expiry) when the project sets none.
 */
function rolledExpiry(
  old: { createdAt: Date; expiresAt: Date | null },
  policy: { maxLifetimeDays: number | null; allowNoExpiry: boolean },
  now: Date,
): Date | null {
  const lifetime = old.expiresAt ? old.expiresAt.getTime() - old.createdAt.getTime() : null;
  const maxLifetime = policy.maxLifetimeDays ? policy.maxLifetimeDays * DAY_MS : null;
  let newLifetime = lifetime === null ? maxLifetime : Math.min(lifetime, maxLifetime ?? lifetime);
  if (newLifetime === null && !policy.allowNoExpiry) newLifetime = ROLL_DEFAULT_LIFETIME_DAYS * DAY_MS;
  return newLifetime === null ? null : new Date(now.getTime() + newLifetime);
}

/** Returns the replacement (with its secret) and the old key as written: replaced, expiring after the grace period. */
export async function rollApiKey(actor: Actor, raw: unknown, context: RequestContext | null) {
  assertActorCan(actor, "keys.roll");
  const parsed = rollApiKeySchema.safeParse(raw);
  if (!parsed.success) throw invalid(parsed.error);

  const rolled = await db.$transaction(async (tx) => {
    const now = new Date();
    const old = await lockKey(tx, parsed.data.keyId);
    assertKeyInScope(actor, old.projectId);
    assertNotManagementWrite(actor, old.project, "roll");
    if (old.revokedAt) throw new ServiceError("conflict", "A revoked key cannot be rolled. Create a new key instead.");
    if (old.replacedById) throw new ServiceError("conflict", "This key has already been rolled.");
    if (old.canary) throw new ServiceError("conflict", "A canary key is never used, so it cannot be rolled. Create a new canary key instead.");
    if (old.expiresAt && old.expiresAt <= now) throw new ServiceError("conflict", "An expired key cannot be rolled. Create a new key instead.");
    const project = await lockProject(tx, old.projectId);
    const constraints = old.constraints.map((c) => ({ type: c.type, value: c.value, methods: c.methods }));
    if (actor.type === "key" && actor.key.constraints.length > 0 && !sameConstraintSet(actor.key.constraints, constraints)) {
      throw new ServiceError("forbidden", "This management key has constraints, so it can only roll keys with exactly the same constraints.", undefined, "constraints");
    }

    const expiresAt = rolledExpiry(old, project, now);
    assertWithinActorLifetime(actor, expiresAt);
    const projectScope: ProjectScope | undefined = project.isSystem
      ? old.projectScopeRestricted
        ? old.projectScopes.map((scope) => scope.projectId)
        : PROJECT_SCOPE_ALL
      : undefined;

    const graceEnd = new Date(now.getTime() + graceToMs(parsed.data.grace));
    const oldExpiresAt = old.expiresAt && old.expiresAt < graceEnd ? old.expiresAt : graceEnd;
    // The old key stops counting once replaced, so rolling works even at the active-key limit.
    // The replacement keeps owner and metadata, and starts enabled: it is a fresh secret.
    const { key, secret, hash } = await insertKey(tx, actor, project, {
      name: old.name,
      description: old.description,
      expiresAt,
      constraints,
      externalId: old.externalId,
      metadata: old.metadata as KeyMetadata,
      projectScope,
    });
    // Same limits; the credits start from what the old key has left (it keeps its own balance
    // for its grace period).
    const oldLimits = await getKeyLimits(tx, old.id, now.getTime());
    await insertKeyLimitsCore(
      tx,
      key.id,
      {
        ratelimits: oldLimits.ratelimits.map(({ name, limit, durationMs }) => ({ name, limit, durationMs })),
        credits: oldLimits.credits && { remaining: oldLimits.credits.remaining, refill: oldLimits.credits.refill },
      },
      now,
    );
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
    const record = await readKeyRecord(tx, key.id, now.getTime());
    const previous = await readKeyRecord(tx, old.id, now.getTime());
    return { key, secret, hash, projectSlug: project.slug, oldHash: old.hash, record, previous };
  });
  emitKeyCreated(rolled.hash);
  emitKeyChanged(rolled.oldHash);
  return {
    key: {
      id: rolled.key.id,
      publicId: rolled.key.publicId,
      name: rolled.key.name,
      projectId: rolled.key.projectId,
      projectSlug: rolled.projectSlug,
      maskedKey: maskedKey(rolled.key.displayPrefix, rolled.key.last4),
      expiresAt: rolled.key.expiresAt,
      secret: rolled.secret,
      record: rolled.record,
    } satisfies CreatedKey,
    old: rolled.previous,
  };
}
