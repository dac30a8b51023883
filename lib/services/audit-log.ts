// The audit log's integrity check: the hash chain walked in fixed-size batches by id (so memory
// stays bounded however many events there are), then compared with the heads recorded outside
// the database. The CSV export is in lib/services/audit-export.ts.
import { readRecordedHead, type ChainPoint } from "@/lib/audit-head";
import { auditKey } from "@/lib/audit-key";
import { db } from "@/lib/db";
import { formatCount } from "@/lib/format";
import type { Prisma } from "@/lib/generated/prisma/client";
import { checkEvent, checkFirst, checkHead, type ChainProblem, type Finding, type WalkState } from "@/lib/services/audit-chain-checks";

const DEFAULT_BATCH_SIZE = 1000;

export interface ChainVerificationBase {
  /** Events checked and found sound (before the first broken link, if any). */
  verified: number;
  message: string;
  /** The newest event in the log. */
  head: ChainPoint | null;
  /** The head recorded outside the database (lib/audit-head.ts), null when none is recorded yet. */
  recordedHead: ChainPoint | null;
}

export type ChainVerification =
  | (ChainVerificationBase & { intact: true })
  | (ChainVerificationBase & {
      intact: false;
      /** Id of the event the (first) finding is about; null when it concerns no event. */
      brokenAt: string | null;
      problem: ChainProblem;
    });

const chainSelect = {
  id: true,
  createdAt: true,
  actorType: true,
  actorUserId: true,
  actorKeyId: true,
  actorLabel: true,
  action: true,
  targetType: true,
  targetId: true,
  projectId: true,
  keyId: true,
  summary: true,
  metadata: true,
  ip: true,
  userAgent: true,
  prevHash: true,
  hash: true,
  chainVersion: true,
  hmacKeyId: true,
} as const satisfies Prisma.AuditEventSelect;

async function eventAt(id: string): Promise<{ hash: string } | null> {
  return db.auditEvent.findUnique({ where: { id: BigInt(id) }, select: { hash: true } });
}

/**
 * Recomputes the chain in id order and reports the FIRST broken link: each event's hash must
 * cover its own fields and previous-hash (keyed with the audit key from version 2 on), and that
 * previous-hash must be the hash of the event before it. Id gaps alone are normal: a rolled-back
 * transaction consumes an id without writing an event. Then the log must still hold the head
 * recorded outside the database — and `expectedHead`, one printed on an earlier CSV export — or
 * its newest events were dropped or re-chained.
 */
export async function verifyAuditChain(options: { batchSize?: number; expectedHead?: ChainPoint } = {}): Promise<ChainVerification> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const recorded = readRecordedHead();
  const recordedHead = recorded.ok ? (recorded.value?.head ?? null) : null;
  const state: WalkState = {
    key: auditKey(),
    previous: null,
    keyedSeen: false,
    keyedAfter: recorded.ok && recorded.value ? BigInt(recorded.value.keyedAfter) : null,
  };
  let verified = 0;
  let first: ChainPoint | null = null;
  let broken: Finding | null = null;

  walk: for (;;) {
    const batch = await db.auditEvent.findMany({
      where: state.previous ? { id: { gt: state.previous.id } } : {},
      orderBy: { id: "asc" },
      take: batchSize,
      select: chainSelect,
    });
    for (const event of batch) {
      broken = checkEvent(event, state);
      if (broken) break walk;
      first ??= { id: event.id.toString(), hash: event.hash };
      state.previous = { id: event.id, hash: event.hash };
      state.keyedSeen ||= event.chainVersion !== 1;
      verified += 1;
    }
    if (batch.length < batchSize) break;
  }

  const newest = await db.auditEvent.findFirst({ orderBy: { id: "desc" }, select: { id: true, hash: true } });
  const head = newest ? { id: newest.id.toString(), hash: newest.hash } : null;
  // Outside evidence, checked even when the walk broke: "dropped" explains a break at the end best.
  const outside: Finding[] = [];
  if (!recorded.ok) {
    outside.push({ problem: "unreadable", at: null, message: `The chain head recorded outside the database cannot be used: ${recorded.file}: ${recorded.reason}.` });
  } else if (recorded.value) {
    const firstNow = await db.auditEvent.findFirst({ orderBy: { id: "asc" }, select: { id: true, hash: true } });
    const replaced = recorded.value.first ? checkFirst(recorded.value.first, firstNow && { id: firstNow.id.toString(), hash: firstNow.hash }) : null;
    if (replaced) outside.push(replaced);
    else if (recordedHead) {
      const finding = checkHead("the head recorded outside the database", recordedHead, await eventAt(recordedHead.id), head);
      if (finding) outside.push(finding);
    }
  }
  if (options.expectedHead) {
    const finding = checkHead("the head from the export", options.expectedHead, await eventAt(options.expectedHead.id), head);
    if (finding) outside.push(finding);
  }

  // The first break in chain order leads; what the outside evidence adds (newest events dropped
  // or re-chained) follows it. A replaced first event says nothing new beside a broken chain.
  const findings = broken ? [broken, ...outside.filter((f) => f.problem !== "replaced")] : outside;
  const primary = findings[0];
  if (primary) {
    return {
      intact: false,
      verified,
      brokenAt: primary.at,
      problem: primary.problem,
      message: findings.map((f) => f.message).join(" "),
      head,
      recordedHead,
    };
  }
  const events = `${formatCount(verified)} ${verified === 1 ? "event" : "events"}`;
  const anchored = recordedHead
    ? ` The log still holds event #${recordedHead.id}, the head recorded outside the database.`
    : " No chain head is recorded outside the database yet.";
  return {
    intact: true,
    verified,
    message: verified === 0 ? `Intact: the log has no events yet.${recorded.ok && recorded.value ? "" : anchored}` : `Intact: ${events} verified.${anchored}`,
    head,
    recordedHead,
  };
}
