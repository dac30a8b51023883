// The audit log's own operations: checking the hash chain and exporting events as CSV. Both read
// the log in fixed-size batches by id, so memory stays bounded however many events there are.
import { chainHash, recordAudit, type RequestContext } from "@/lib/audit";
import { assertCan } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { Role } from "@/lib/generated/prisma/enums";
import { auditRowSelect, auditWhere } from "@/lib/queries/audit";
import type { AuditFilters } from "@/lib/validations/audit";

const DEFAULT_BATCH_SIZE = 1000;

// ---------------------------------------------------------------------------------------------
// Chain verification

export type ChainVerification =
  | { intact: true; verified: number; message: string }
  | {
      intact: false;
      /** Events checked and found sound before the first broken link. */
      verified: number;
      /** Id of the first event that fails. */
      brokenAt: string;
      /** "hash": the event's content no longer matches its hash (edited). "link": its
       * previous-hash is not the hash of the event before it (deleted, inserted or rewritten). */
      problem: "hash" | "link";
      message: string;
    };

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
} as const satisfies Prisma.AuditEventSelect;
type ChainRow = Prisma.AuditEventGetPayload<{ select: typeof chainSelect }>;

const count = (n: number) => new Intl.NumberFormat("en-US").format(n);

/**
 * Recomputes the chain in id order and reports the FIRST broken link. Each event is checked
 * twice: its stored hash must cover its own fields and stored previous-hash (otherwise it was
 * edited), and that previous-hash must be the stored hash of the event before it (otherwise an
 * event was removed or slipped in between). Id gaps alone are normal: a rolled-back transaction
 * consumes an id without writing an event.
 */
export async function verifyAuditChain(options: { batchSize?: number } = {}): Promise<ChainVerification> {
  const batchSize = options.batchSize ?? DEFAULT_BATCH_SIZE;
  let previous: { id: bigint; hash: string } | null = null;
  let verified = 0;

  for (;;) {
    const batch: ChainRow[] = await db.auditEvent.findMany({
      where: previous ? { id: { gt: previous.id } } : {},
      orderBy: { id: "asc" },
      take: batchSize,
      select: chainSelect,
    });
    for (const event of batch) {
      const { id, prevHash, hash, ...fields } = event;
      if (chainHash(prevHash, fields) !== hash) {
        return {
          intact: false,
          verified,
          brokenAt: id.toString(),
          problem: "hash",
          message: `Event #${id} does not match its hash — it was edited.`,
        };
      }
      const expectedPrev = previous?.hash ?? null;
      if (prevHash !== expectedPrev) {
        return {
          intact: false,
          verified,
          brokenAt: id.toString(),
          problem: "link",
          message: previous
            ? `Event #${id}'s previous-hash does not match event #${previous.id} — an event was deleted or inserted.`
            : `Event #${id}'s previous-hash points at an event that is no longer in the log — earlier events were deleted.`,
        };
      }
      previous = { id, hash };
      verified += 1;
    }
    if (batch.length < batchSize) break;
  }

  return {
    intact: true,
    verified,
    message: verified === 0 ? "Intact: the log has no events yet." : `Intact: ${count(verified)} ${verified === 1 ? "event" : "events"} verified.`,
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
