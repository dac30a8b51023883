// What a management key may do to keys (issue 12). A leaked management key must not be able to
// entrench itself: it cannot mint, roll or edit keys of the "Keydesk API" project (management
// keys are created by a person in the dashboard, after re-entering their password), cannot
// create or roll a key that outlives it, acts only inside its project scope, and can revoke a
// management key only when that key is itself or one it created (never its parent or siblings).
// People in the dashboard are bound by their role alone.
import { DAY_MS } from "@/lib/dates";
import type { Tx } from "@/lib/db";
import { db } from "@/lib/db";
import type { Actor } from "@/lib/services/actor";
import { ServiceError, fieldError } from "@/lib/services/errors";
import { assertKeyInScope } from "@/lib/services/project-scope";
import { keyIdSchema, keyIdWhere } from "@/lib/validations/api-key";

type Write = "create" | "roll" | "edit";

const REFUSALS: Record<Write, string> = {
  create: "Management keys cannot create keys in the Keydesk API project. Create management keys in the dashboard.",
  roll: "Management keys cannot roll keys of the Keydesk API project. Roll management keys in the dashboard.",
  edit: "Management keys cannot edit, enable, disable or change the limits of keys of the Keydesk API project. Use the dashboard.",
};

/** Refuses a management key's write on a key (or project) of the Keydesk API project. */
export function assertNotManagementWrite(actor: Actor, project: { isSystem: boolean }, write: Write): void {
  if (actor.type === "key" && project.isSystem) throw new ServiceError("forbidden", REFUSALS[write]);
}

/** A key created or rolled by a management key expires no later than that key. */
export function assertWithinActorLifetime(actor: Actor, expiresAt: Date | null): void {
  if (actor.type !== "key" || actor.key.expiresAt === null) return;
  if (expiresAt === null || expiresAt > actor.key.expiresAt) {
    throw fieldError(
      "expiry",
      `A key cannot outlive the management key that creates it: this one expires ${actor.key.expiresAt.toISOString()}, so choose an expiry on or before then.`,
    );
  }
}

/**
 * The expiry a REST create gets when the body names none: 30 days, or the management key's own
 * expiry when that comes sooner (so the default never trips assertWithinActorLifetime).
 */
export function defaultExpiryFor(actor: Actor, now = new Date()): { expiry: "30d" } | { expiry: "custom"; customDate: string } {
  const thirtyDays = now.getTime() + 30 * DAY_MS;
  if (actor.type !== "key" || actor.key.expiresAt === null || actor.key.expiresAt.getTime() >= thirtyDays) return { expiry: "30d" };
  return { expiry: "custom", customDate: actor.key.expiresAt.toISOString() };
}

/** Scope and Keydesk-API checks for an edit, before any work (credit drains included) is done. */
export async function assertMayEditKey(actor: Actor, keyId: unknown): Promise<void> {
  if (actor.type !== "key") return;
  const ref = keyIdSchema.safeParse(keyId);
  const key = ref.success
    ? await db.apiKey.findUnique({ where: keyIdWhere(ref.data), select: { projectId: true, project: { select: { isSystem: true } } } })
    : null;
  if (!key) throw new ServiceError("not_found", "That key does not exist.");
  assertKeyInScope(actor, key.projectId);
  assertNotManagementWrite(actor, key.project, "edit");
}

/** Whether `ancestorId` created `keyId`, directly or through keys it created. */
async function createdBy(tx: Tx, keyId: string, ancestorId: string): Promise<boolean> {
  const rows = await tx.$queryRaw<{ found: boolean }[]>`
    WITH RECURSIVE chain AS (
      SELECT "createdByKeyId" AS id FROM "ApiKey" WHERE "id" = ${keyId}::uuid
      UNION
      SELECT k."createdByKeyId" FROM "ApiKey" k JOIN chain ON k."id" = chain.id
    )
    SELECT EXISTS (SELECT 1 FROM chain WHERE id = ${ancestorId}::uuid) AS found`;
  return rows[0]?.found === true;
}

/** Revoking: in scope, and a management key only revokes itself or management keys it created. */
export async function assertMayRevoke(tx: Tx, actor: Actor, key: { id: string; projectId: string; project: { isSystem: boolean } }): Promise<void> {
  if (actor.type !== "key") return;
  assertKeyInScope(actor, key.projectId);
  if (!key.project.isSystem || key.id === actor.key.id || (await createdBy(tx, key.id, actor.key.id))) return;
  throw new ServiceError("forbidden", "A management key can revoke only itself and the management keys it created. Revoke other management keys in the dashboard.");
}
