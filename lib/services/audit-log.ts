// The audit log's own operations: checking the hash chain and exporting events as CSV. Both read
// the log in fixed-size batches by id, so memory stays bounded however many events there are.
import { recordAudit, type RequestContext } from "@/lib/audit";
import { readRecordedHead, type ChainPoint } from "@/lib/audit-head";
import { auditKey } from "@/lib/audit-key";
import { assertCan } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { Role } from "@/lib/generated/prisma/enums";
import { auditRowSelect, auditWhere } from "@/lib/queries/audit";
import { checkEvent, checkFirst, checkHead, type ChainProblem, type Finding, type WalkState } from "@/lib/services/audit-chain-checks";
import type { AuditFilters } from "@/lib/validations/audit";

const DEFAULT_BATCH_SIZE = 1000;

// ---------------------------------------------------------------------------------------------
// Chain verification

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

const count = (n: number) => new Intl.NumberFormat("en-US").format(n);

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
  const events = `${count(verified)} ${verified === 1 ? "event" : "events"}`;
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

// ---------------------------------------------------------------------------------------------
// CSV export

export const AUDIT_CSV_COLUMNS = [
  "id",
  "time_utc",
  "actor_type",
  "actor",
  "actor_user_id",
  "actor_key",
  "action",
  "summary",
  "target_type",
  "target_id",
  "project",
  "project_id",
  "key",
  "ip",
  "user_agent",
  "metadata",
  "hash",
] as const;

// The list's columns, plus what only the export carries; the key as its Sid alone.
const exportSelect = {
  ...auditRowSelect,
  key: { select: { publicId: true } },
  metadata: true,
  hash: true,
} as const satisfies Prisma.AuditEventSelect;
type ExportRow = Prisma.AuditEventGetPayload<{ select: typeof exportSelect }>;

/** Cells a spreadsheet would run as a formula (OWASP "CSV injection"), plus tab and CR. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One RFC 4180 field. Text a spreadsheet would evaluate gets a leading single quote, so an
 * attacker-chosen value (a sign-in email, a key name) is shown, never executed.
 */
export function csvCell(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  let text = String(value);
  if (FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(cells: readonly (string | number | null | undefined)[]): string {
  return `${cells.map(csvCell).join(",")}\r\n`;
}

/**
 * The filtered events as CSV text, newest first: the header, then one chunk per batch. Paging
 * is by id (keyset), never by offset, so every batch costs the same.
 */
export async function* auditCsvChunks(filters: AuditFilters, options: { batchSize?: number } = {}): AsyncGenerator<string> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  const { where } = await auditWhere(filters);
  const projectNames = new Map<string, string>();
  // A byte-order mark, so spreadsheet apps read the file as UTF-8.
  yield `\uFEFF${csvLine(AUDIT_CSV_COLUMNS)}`;

  let before: bigint | null = null;
  for (;;) {
    const batch: ExportRow[] = await db.auditEvent.findMany({
      where: before === null ? where : { AND: [where, { id: { lt: before } }] },
      orderBy: { id: "desc" },
      take: batchSize,
      select: exportSelect,
    });
    if (batch.length === 0) return;

    const unknown = [...new Set(batch.map((e) => e.projectId))].filter((id): id is string => id !== null && !projectNames.has(id));
    if (unknown.length > 0) {
      for (const project of await db.project.findMany({ where: { id: { in: unknown } }, select: { id: true, name: true } })) {
        projectNames.set(project.id, project.name);
      }
    }

    let chunk = "";
    for (const event of batch) {
      chunk += csvLine([
        event.id.toString(),
        event.createdAt.toISOString(),
        event.actorType,
        event.actorLabel,
        event.actorUserId,
        event.actorKey?.publicId,
        event.action,
        event.summary,
        event.targetType,
        event.targetId,
        event.projectId ? (projectNames.get(event.projectId) ?? "") : null,
        event.projectId,
        event.key?.publicId,
        event.ip,
        event.userAgent,
        JSON.stringify(event.metadata),
        event.hash,
      ]);
    }
    yield chunk;
    if (batch.length < batchSize) return;
    before = batch[batch.length - 1]!.id;
  }
}

/**
 * The export as a byte stream that pulls one batch at a time: the next batch is read only when
 * the client has taken the previous one, so a slow download never piles rows up in memory.
 */
export function auditCsvStream(filters: AuditFilters, options: { batchSize?: number } = {}): ReadableStream<Uint8Array> {
  const chunks = auditCsvChunks(filters, options);
  const encoder = new TextEncoder();
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const next = await chunks.next();
          if (next.done) controller.close();
          else controller.enqueue(encoder.encode(next.value));
        } catch (error) {
          controller.error(error);
        }
      },
      async cancel() {
        await chunks.return(undefined);
      },
    },
    { highWaterMark: 1 },
  );
}

export function auditCsvFilename(now = new Date()): string {
  return `keydesk-audit-${now.toISOString().slice(0, 10)}.csv`;
}

/** Exporting the log hands its contents out of Keydesk, so the export itself is logged. */
export async function recordAuditExport(
  user: { id: string; email: string; role: Role; active: boolean },
  filters: AuditFilters,
  context: RequestContext | null,
): Promise<void> {
  assertCan(user, "audit.read");
  const applied = Object.entries(filters).filter((entry): entry is [string, string] => typeof entry[1] === "string");
  const described = applied.map(([name, value]) => `${name}=${value}`).join(", ");
  await db.$transaction((tx) =>
    recordAudit(tx, {
      actor: { type: "user", id: user.id, email: user.email },
      action: "audit.exported",
      summary: `${user.email} exported the audit log${described ? ` (${described})` : ""}`,
      targetType: "audit_log",
      metadata: { filters: Object.fromEntries(applied) },
      context,
    }),
  );
}
