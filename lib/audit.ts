// Writing audit events. Every event is chained to the one before it: its hash covers the
// previous event's hash and all of its own fields, so an edited or deleted row breaks the chain
// (the table is also append-only by trigger, and the application's role may only add to it). A
// transaction-scoped advisory lock serialises writers, so ids grow in chain order and no two
// events claim the same predecessor.
//
// Chain versions: 1 = SHA-256 of the fields (every event written before keyed chains existed);
// 2 = HMAC-SHA256 under the audit key, which is not in the database (lib/audit-key.ts), so
// that database access alone cannot forge or re-chain events. Every new event is version 2;
// once one exists, a version-1 event after it is a forgery. After each write the chain's head is
// recorded outside the database too (lib/audit-head.ts), which reveals dropped newest events.
import { createHash } from "node:crypto";
import { auditKey, sealWith, type AuditKey } from "@/lib/audit-key";
import { scheduleAuditHeadRecord } from "@/lib/audit-head";
import type { Tx } from "@/lib/db";
import { lockForTransaction } from "@/lib/db/locks";
import type { ActorType } from "@/lib/generated/prisma/enums";
import { enqueueAuditEvent } from "@/lib/notifications/outbox";

export type AuditActor =
  | { type: "user"; id: string; email: string }
  | { type: "key"; id: string; name: string; publicId: string }
  | { type: "system" }
  | { type: "anonymous"; label: string };

export interface RequestContext {
  ip: string | null;
  userAgent: string | null;
  /** The request's `Request-Id`; recorded in the event's metadata as `requestId`. */
  requestId?: string | null;
  /**
   * Runs inside the transaction of each write the request makes (every write records its audit
   * event in its own transaction): an idempotent REST call marks its key as executed there.
   */
  onWrite?: (tx: Tx) => Promise<void>;
}

export interface AuditInput {
  actor: AuditActor;
  action: string;
  summary: string;
  targetType?: string;
  targetId?: string;
  projectId?: string | null;
  keyId?: string | null;
  metadata?: Record<string, unknown>;
  context?: RequestContext | null;
}

export interface ChainFields {
  createdAt: Date;
  actorType: ActorType;
  actorUserId: string | null;
  actorKeyId: string | null;
  actorLabel: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  projectId: string | null;
  keyId: string | null;
  summary: string;
  metadata: unknown;
  ip: string | null;
  userAgent: string | null;
}

/** JSON with object keys sorted, so a value reads back from jsonb to the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value ?? null);
}

export const CHAIN_VERSION = 2;

function chainText(prevHash: string | null, e: ChainFields, prefix: unknown[] = []): string {
  return canonicalJson([
    ...prefix,
    prevHash,
    e.createdAt.toISOString(),
    e.actorType,
    e.actorUserId,
    e.actorKeyId,
    e.actorLabel,
    e.action,
    e.targetType,
    e.targetId,
    e.projectId,
    e.keyId,
    e.summary,
    e.metadata,
    e.ip,
    e.userAgent,
  ]);
}

/** Version 1: the unkeyed hash of events written before keyed chains (verification only). */
export function chainHash(prevHash: string | null, e: ChainFields): string {
  return createHash("sha256").update(chainText(prevHash, e)).digest("hex");
}

/** Version 2: the keyed hash; the version and the key's fingerprint are sealed in as well. */
export function sealedChainHash(key: AuditKey, prevHash: string | null, e: ChainFields): string {
  return sealWith(key, chainText(prevHash, e, [CHAIN_VERSION, key.id]));
}

function actorFields(actor: AuditActor) {
  switch (actor.type) {
    case "user":
      return { actorType: "user" as const, actorUserId: actor.id, actorKeyId: null, actorLabel: actor.email };
    case "key":
      return { actorType: "key" as const, actorUserId: null, actorKeyId: actor.id, actorLabel: `${actor.name} (${actor.publicId})` };
    case "system":
      return { actorType: "system" as const, actorUserId: null, actorKeyId: null, actorLabel: "Keydesk" };
    case "anonymous":
      return { actorType: "anonymous" as const, actorUserId: null, actorKeyId: null, actorLabel: actor.label.slice(0, 320) };
  }
}

const clip = (value: string | null | undefined, max: number) => (value ? value.slice(0, max) : null);

/** Appends one event; its id and hash are what the chain's head becomes once the transaction commits. */
export async function recordAudit(tx: Tx, input: AuditInput): Promise<{ id: bigint; hash: string }> {
  await input.context?.onWrite?.(tx);
  const requestId = input.context?.requestId;
  const key = auditKey(); // before the lock: the first call may create the key file
  await lockForTransaction(tx, "auditChain");
  const last = await tx.auditEvent.findFirst({ orderBy: { id: "desc" }, select: { hash: true } });
  const fields: ChainFields = {
    createdAt: new Date(),
    ...actorFields(input.actor),
    action: input.action,
    targetType: input.targetType ?? null,
    targetId: input.targetId ?? null,
    projectId: input.projectId ?? null,
    keyId: input.keyId ?? null,
    summary: input.summary.slice(0, 1000),
    // Round-trip through JSON so what we hash is exactly what jsonb stores (no undefined, no Dates).
    metadata: JSON.parse(JSON.stringify(requestId ? { ...input.metadata, requestId } : (input.metadata ?? {}))),
    ip: clip(input.context?.ip, 64),
    userAgent: clip(input.context?.userAgent, 512),
  };
  const prevHash = last?.hash ?? null;
  const created = await tx.auditEvent.create({
    data: {
      ...fields,
      metadata: fields.metadata as object,
      prevHash,
      hash: sealedChainHash(key, prevHash, fields),
      chainVersion: CHAIN_VERSION,
      hmacKeyId: key.id,
    },
    select: { id: true, hash: true },
  });
  // Key events for webhooks and mail, in this same transaction (the transactional outbox).
  await enqueueAuditEvent(tx, input);
  // Runs once this transaction has ended: recording takes the chain lock, which we hold until then.
  scheduleAuditHeadRecord();
  return created;
}
