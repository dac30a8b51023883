import "server-only";
// A key's page can move its expiry (usually later: "extend"), within its project's policy as if
// the key were issued now. Verification caches the expiry, so the change is announced like any
// other change to the key, in the same transaction as the write and its audit event.
import { recordAudit, type RequestContext } from "@/lib/audit";
import { db } from "@/lib/db";
import { emitKeyChanged, notifyKeyChanged } from "@/lib/keys/invalidation";
import { lockKey } from "@/lib/services/api-key-rows";
import { assertActorCan, auditActorOf, type Actor } from "@/lib/services/actor";
import { assertMayEditKey, assertWithinActorLifetime } from "@/lib/services/api-key-guards";
import { ServiceError, fieldError, invalid } from "@/lib/services/errors";
import { resolveExpiry } from "@/lib/validations/api-key";
import { changeKeyExpirySchema } from "@/lib/validations/key-expiry";

export interface ChangedExpiry {
  publicId: string;
  expiresAt: Date | null;
}

export async function changeApiKeyExpiry(actor: Actor, raw: unknown, context: RequestContext | null): Promise<ChangedExpiry> {
  assertActorCan(actor, "keys.update");
  const parsed = changeKeyExpirySchema.safeParse(raw);
  if (!parsed.success) throw invalid(parsed.error);
  const input = parsed.data;
  // Management keys: only inside their scope, never on Keydesk API keys, never past themselves.
  await assertMayEditKey(actor, input.keyId);

  const changed = await db.$transaction(async (tx) => {
    const key = await lockKey(tx, input.keyId);
    const now = new Date();
    if (key.revokedAt) throw new ServiceError("conflict", "A revoked key cannot be given a new expiry: revoking is permanent.");
    // Bringing an expired key back would quietly revive a credential everyone took for dead.
    if (key.expiresAt && key.expiresAt <= now) throw new ServiceError("conflict", "An expired key cannot be extended. Create a new key instead.");
    if (key.replacedById) throw new ServiceError("conflict", "This key was rolled: it stops working at the end of its grace period. Its replacement can be extended.");
    if (key.canary) throw new ServiceError("conflict", "A canary key is never used, so its expiry cannot be changed.");

    const resolved = resolveExpiry({ preset: input.expiry, customDate: input.customDate }, now, key.project);
    if (!resolved.ok) throw fieldError(resolved.field, resolved.message);
    assertWithinActorLifetime(actor, resolved.expiresAt);
    const updated = await tx.apiKey.update({
      where: { id: key.id },
      data: { expiresAt: resolved.expiresAt },
      select: { publicId: true, name: true, hash: true, expiresAt: true },
    });
    await recordAudit(tx, {
      actor: auditActorOf(actor),
      action: "key.expiry_changed",
      summary: `Changed the expiry of key "${updated.name}" (${updated.publicId}) to ${updated.expiresAt ? updated.expiresAt.toISOString() : "never"}`,
      metadata: { from: key.expiresAt?.toISOString() ?? null, to: updated.expiresAt?.toISOString() ?? null },
      targetType: "key",
      targetId: updated.publicId,
      projectId: key.projectId,
      keyId: key.id,
      context,
    });
    await notifyKeyChanged(tx, updated.hash);
    return updated;
  });
  emitKeyChanged(changed.hash);
  return { publicId: changed.publicId, expiresAt: changed.expiresAt };
}
