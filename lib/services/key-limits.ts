// Writes on a key's usage limits: set them at creation (from the request or the project's
// defaults), change them, and top up credits. Every change bumps the key's limits version and
// notifies every Keydesk process (the key-change NOTIFY), so within a second none of them leases
// under the old configuration; leases that name an old version get nothing (lib/keys/limits).
// Each change and its audit event, with the old and the new values, share one transaction.
import { recordAudit, type RequestContext } from "@/lib/audit";
import { db, type Tx } from "@/lib/db";
import { formatCount } from "@/lib/format";
import { refillPeriod } from "@/lib/keys/limits/periods";
import type { RateLimitConfig, RefillConfig } from "@/lib/keys/limits/types";
import { emitKeyChanged, notifyKeyChanged } from "@/lib/keys/invalidation";
import { getKeyLimits, type KeyLimitsView } from "@/lib/queries/key-limits";
import { readKeyRecord, type WrittenKeyRecord } from "@/lib/queries/key-record";
import { assertActorCan, auditActorOf, type Actor } from "@/lib/services/actor";
import { assertMayEditKey } from "@/lib/services/api-key-guards";
import { ServiceError, fieldError, invalid } from "@/lib/services/errors";
import { keyIdSchema, keyIdWhere } from "@/lib/validations/api-key";
import {
  addCreditsSchema,
  creditsJson,
  looserThanDefaults,
  projectLimitDefaults,
  ratelimitsJson,
  updateKeyLimitsSchema,
  type CreditsInput,
} from "@/lib/validations/limits";

export interface KeyLimitsInput {
  ratelimits: RateLimitConfig[];
  credits: CreditsInput | null;
}

/**
 * How long a change of the credits waits for processes to hand back what they hold: a busy one
 * reloads the key within a second of the notification, an idle one hands back after 2 s anyway.
 */
const DRAIN_TIMEOUT_MS = 3_000;

/**
 * The limits a new key gets: its own where given, the project's defaults where not. A project
 * that caps limits at its defaults refuses looser ones (field errors, nothing written).
 */
export function limitsForNewKey(
  project: { defaultRatelimits: unknown; defaultCredits: unknown; capLimitsAtDefaults: boolean },
  own: { ratelimits?: RateLimitConfig[]; credits?: CreditsInput | null },
): KeyLimitsInput {
  const defaults = projectLimitDefaults(project);
  const limits = { ratelimits: own.ratelimits ?? defaults.ratelimits, credits: own.credits === undefined ? defaults.credits : own.credits };
  if (defaults.capped) assertWithinDefaults(limits, defaults);
  return limits;
}

function assertWithinDefaults(limits: KeyLimitsInput, defaults: KeyLimitsInput): void {
  const problems = looserThanDefaults(limits, defaults);
  if (problems.length === 0) return;
  const fieldErrors: Record<string, string[]> = {};
  for (const p of problems) (fieldErrors[p.field] ??= []).push(p.message);
  throw new ServiceError("invalid", problems.map((p) => p.message).join(". "), fieldErrors);
}

/** Writes a new key's limits (inside the creating transaction; the version stays 0). */
export async function insertKeyLimitsCore(tx: Tx, keyId: string, limits: KeyLimitsInput, now: Date): Promise<void> {
  await insertRateLimits(tx, keyId, limits.ratelimits);
  if (limits.credits) await insertCredits(tx, keyId, limits.credits, now);
}

async function insertRateLimits(tx: Tx, keyId: string, ratelimits: RateLimitConfig[]): Promise<void> {
  if (ratelimits.length === 0) return;
  await tx.apiKeyRateLimit.createMany({
    data: ratelimits.map((r, position) => ({ keyId, position, name: r.name, limit: r.limit, durationMs: r.durationMs })),
  });
}

function refillColumns(refill: RefillConfig | null) {
  return { refillInterval: refill?.interval ?? null, refillAmount: refill?.amount ?? null, refillDay: refill?.refillDay ?? null };
}

async function insertCredits(tx: Tx, keyId: string, credits: CreditsInput, now: Date): Promise<void> {
  await tx.apiKeyCredits.create({
    data: { keyId, remaining: BigInt(credits.remaining), period: BigInt(refillPeriod(credits.refill, now.getTime()).index), ...refillColumns(credits.refill) },
  });
}

/** Finds a key by Sid or id and locks its row; revoked keys cannot change. */
async function lockKeyForLimits(tx: Tx, keyId: string) {
  const id = keyIdSchema.safeParse(keyId);
  const found = id.success ? await tx.apiKey.findUnique({ where: keyIdWhere(id.data), select: { id: true } }) : null;
  if (!found) throw new ServiceError("not_found", "That key does not exist.");
  await tx.$queryRaw`SELECT 1 FROM "ApiKey" WHERE "id" = ${found.id}::uuid FOR UPDATE`;
  const key = await tx.apiKey.findUniqueOrThrow({
    where: { id: found.id },
    select: {
      id: true,
      publicId: true,
      name: true,
      hash: true,
      projectId: true,
      revokedAt: true,
      project: { select: { defaultRatelimits: true, defaultCredits: true, capLimitsAtDefaults: true } },
    },
  });
  if (key.revokedAt) throw new ServiceError("conflict", "A revoked key's limits cannot be changed.");
  return key;
}

/** The view of limits an audit event records (what REST shows). */
function auditView(view: KeyLimitsView) {
  return {
    ratelimits: ratelimitsJson(view.ratelimits),
    credits: view.credits && { ...creditsJson({ remaining: view.credits.remaining, refill: view.credits.refill }) },
  };
}

async function bumpAndNotify(tx: Tx, key: { id: string; hash: string }): Promise<void> {
  await tx.$executeRaw`UPDATE "ApiKey" SET "limitsVersion" = "limitsVersion" + 1 WHERE "id" = ${key.id}::uuid`;
  await notifyKeyChanged(tx, key.hash);
}

/**
 * Before a key's credits are set to a new balance: tells every process to stop using what it
 * holds (a version bump reaches them within a second) and waits until they have handed it back,
 * so that what they spend in the meantime counts before the new balance, not against it.
 */
export async function drainCreditLeases(keyId: string): Promise<void> {
  const held = () => db.$queryRaw<{ n: bigint }[]>`
    SELECT count(*) AS "n" FROM "CreditLease" WHERE "keyId" = ${keyId}::uuid AND "outstanding" > 0 AND "expiresAt" > clock_timestamp()`;
  if (Number((await held())[0]?.n ?? 0) === 0) return;
  const key = await db.$transaction(async (tx) => {
    const locked = await lockKeyForLimits(tx, keyId);
    await bumpAndNotify(tx, locked);
    return locked;
  });
  emitKeyChanged(key.hash);
  for (const deadline = Date.now() + DRAIN_TIMEOUT_MS; Date.now() < deadline; ) {
    if (Number((await held())[0]?.n ?? 0) === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** What the core needs of the key being changed (locked by the caller). */
export interface LimitsTarget {
  id: string;
  publicId: string;
  name: string;
  hash: string;
  projectId: string;
  project: { defaultRatelimits: unknown; defaultCredits: unknown; capLimitsAtDefaults: boolean };
}

/**
 * Inside the caller's transaction, with the key's row locked: replaces its rate limits and/or
 * credits (an omitted part stays), checks the project's cap, bumps the version, notifies every
 * process and records `key.limits_updated` with the old and new values. The caller emits the key
 * change after commit. Setting credits sets the balance exactly; call drainCreditLeases first.
 */
export async function updateKeyLimitsCore(
  tx: Tx,
  actor: Actor,
  key: LimitsTarget,
  input: { ratelimits?: RateLimitConfig[]; credits?: CreditsInput | null },
  context: RequestContext | null,
): Promise<KeyLimitsView> {
  const now = new Date();
  const nowMs = now.getTime();
  const before = await getKeyLimits(tx, key.id, nowMs);
  const next: KeyLimitsInput = {
    ratelimits: input.ratelimits ?? before.ratelimits.map(({ name, limit, durationMs }) => ({ name, limit, durationMs })),
    credits: input.credits === undefined ? before.credits && { remaining: before.credits.remaining, refill: before.credits.refill } : input.credits,
  };
  const defaults = projectLimitDefaults(key.project);
  if (defaults.capped) assertWithinDefaults(next, defaults);

  // Credits first: the lease function locks the credits row before anything else.
  if (input.credits === null) {
    await tx.apiKeyCredits.deleteMany({ where: { keyId: key.id } });
  } else if (input.credits) {
    const credits = input.credits;
    if (before.credits) {
      await tx.$queryRaw`SELECT keydesk_credits_set(${key.id}::uuid, ${credits.remaining}::bigint,
                                ${refillPeriod(before.credits.refill, nowMs).index}::bigint, ${refillPeriod(credits.refill, nowMs).index}::bigint)`;
      await tx.apiKeyCredits.update({ where: { keyId: key.id }, data: refillColumns(credits.refill) });
    } else {
      await insertCredits(tx, key.id, credits, now);
    }
  }
  if (input.ratelimits) {
    await tx.apiKeyRateLimit.deleteMany({ where: { keyId: key.id } });
    await insertRateLimits(tx, key.id, input.ratelimits);
    // Counts of a limit that keeps its name and window go on; the others are forgotten.
    await tx.$executeRaw`
      DELETE FROM "RateLimitWindow" w WHERE w."keyId" = ${key.id}::uuid
         AND NOT EXISTS (SELECT 1 FROM unnest(${input.ratelimits.map((r) => r.name)}::text[], ${input.ratelimits.map((r) => r.durationMs)}::int[]) AS k("name", "durationMs")
                          WHERE k."name" = w."name" AND k."durationMs" = w."durationMs")`;
  }
  await bumpAndNotify(tx, key);
  const after = await getKeyLimits(tx, key.id, nowMs);
  const from = auditView(before);
  const to = auditView(after);
  const changes: Record<string, { from: unknown; to: unknown }> = {};
  if (input.ratelimits) changes.ratelimits = { from: from.ratelimits, to: to.ratelimits };
  if (input.credits !== undefined) changes.credits = { from: from.credits, to: to.credits };
  await recordAudit(tx, {
    actor: auditActorOf(actor),
    action: "key.limits_updated",
    summary: `Changed the usage limits of key "${key.name}" (${key.publicId}): ${Object.keys(changes).join(", ")}`,
    targetType: "key",
    targetId: key.publicId,
    projectId: key.projectId,
    keyId: key.id,
    metadata: { changes },
    context,
  });
  return after;
}

/**
 * Replaces a key's rate limits and/or credits (PATCH semantics: an omitted part stays). Setting
 * credits sets the balance exactly: what processes still hold after the drain counts against it.
 */
export async function updateKeyLimits(actor: Actor, raw: unknown, context: RequestContext | null): Promise<KeyLimitsView> {
  assertActorCan(actor, "keys.update");
  const record = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  const parsed = updateKeyLimitsSchema.safeParse({ ratelimits: record.ratelimits, credits: record.credits });
  if (!parsed.success) throw invalid(parsed.error);
  await assertMayEditKey(actor, record.keyId);
  const keyRef = keyIdSchema.safeParse(record.keyId);
  const target = keyRef.success ? await db.apiKey.findUnique({ where: keyIdWhere(keyRef.data), select: { id: true } }) : null;
  if (!target) throw new ServiceError("not_found", "That key does not exist.");
  if (parsed.data.credits) await drainCreditLeases(target.id);

  const result = await db.$transaction(async (tx) => {
    const key = await lockKeyForLimits(tx, target.id);
    return { key, after: await updateKeyLimitsCore(tx, actor, key, parsed.data, context) };
  });
  emitKeyChanged(result.key.hash);
  return result.after;
}

/**
 * Adds credits to a key's balance (after a refill that is due, so the refill cannot undo it).
 * Returns the key as written, its limits (the new balance) included.
 */
export async function addCredits(actor: Actor, raw: unknown, context: RequestContext | null): Promise<WrittenKeyRecord> {
  assertActorCan(actor, "keys.update");
  const record = (typeof raw === "object" && raw !== null ? raw : {}) as Record<string, unknown>;
  const parsed = addCreditsSchema.safeParse({ amount: record.amount });
  if (!parsed.success) throw invalid(parsed.error);
  await assertMayEditKey(actor, record.keyId);
  const result = await db.$transaction(async (tx) => {
    const key = await lockKeyForLimits(tx, typeof record.keyId === "string" ? record.keyId : "");
    const now = Date.now();
    const before = await getKeyLimits(tx, key.id, now);
    if (!before.credits) throw fieldError("amount", "This key has no credits to top up. Give it credits first.", "conflict");
    await tx.$queryRaw`SELECT keydesk_credits_add(${key.id}::uuid, ${parsed.data.amount}::bigint, ${refillPeriod(before.credits.refill, now).index}::bigint)`;
    await bumpAndNotify(tx, key);
    const written = await readKeyRecord(tx, key.id, now);
    const after = written.limits;
    await recordAudit(tx, {
      actor: auditActorOf(actor),
      action: "key.credits_added",
      summary: `Added ${formatCount(parsed.data.amount)} credits to key "${key.name}" (${key.publicId})`,
      targetType: "key",
      targetId: key.publicId,
      projectId: key.projectId,
      keyId: key.id,
      metadata: { added: parsed.data.amount, changes: { remaining: { from: before.credits.remaining, to: after.credits?.remaining ?? null } } },
      context,
    });
    return { key, written };
  });
  emitKeyChanged(result.key.hash);
  return result.written;
}
