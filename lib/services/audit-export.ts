// The audit log as CSV: the filtered view, streamed batch by batch (keyset paging by id, so memory
// holds one batch however long the log is), ending with the chain head it was exported at.
import { recordAudit, type RequestContext } from "@/lib/audit";
import type { ChainPoint } from "@/lib/audit-head";
import { assertCan } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import type { Prisma } from "@/lib/generated/prisma/client";
import type { Role } from "@/lib/generated/prisma/enums";
import { auditRowSelect, auditWhere } from "@/lib/queries/audit";
import type { AuditFilters } from "@/lib/validations/audit";

const DEFAULT_BATCH_SIZE = 1000;

const AUDIT_CSV_COLUMNS = [
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

export interface CsvOptions {
  batchSize?: number;
  /** The chain head when the export began: written as a last line, whatever the filters. */
  head?: ChainPoint;
}

/**
 * The line that ends an export: not an event (its id is empty) but the chain head when the export
 * began — target_id and hash are the newest event's id and hash. Whoever keeps the file can later
 * have Verify integrity check that the log still holds exactly that event.
 */
function chainHeadLine(head: ChainPoint, at = new Date()): string {
  return csvLine([
    "",
    at.toISOString(),
    "system",
    "Keydesk",
    null,
    null,
    "audit.chain_head",
    `Chain head at export: event #${head.id}. Admin → Audit log → Verify integrity can check that the log still holds it.`,
    "audit_event",
    head.id,
    null,
    null,
    null,
    null,
    null,
    JSON.stringify({ chainHead: head }),
    head.hash,
  ]);
}

/**
 * The filtered events as CSV text, newest first: the header, then one chunk per batch, then the
 * chain head line when `head` is given. Paging is by id (keyset), never by offset, so every batch
 * costs the same.
 */
export async function* auditCsvChunks(filters: AuditFilters, options: CsvOptions = {}): AsyncGenerator<string> {
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
    if (batch.length === 0) break;

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
    if (batch.length < batchSize) break;
    before = batch[batch.length - 1]!.id;
  }
  if (options.head) yield chainHeadLine(options.head);
}

/**
 * The export as a byte stream that pulls one batch at a time: the next batch is read only when
 * the client has taken the previous one, so a slow download never piles rows up in memory.
 */
export function auditCsvStream(filters: AuditFilters, options: CsvOptions = {}): ReadableStream<Uint8Array> {
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

/**
 * Exporting the log hands its contents out of Keydesk, so the export itself is logged. Returns
 * that event's id and hash: the chain's head as the export begins.
 */
export async function recordAuditExport(
  user: { id: string; email: string; role: Role; active: boolean },
  filters: AuditFilters,
  context: RequestContext | null,
): Promise<ChainPoint> {
  assertCan(user, "audit.read");
  const applied = Object.entries(filters).filter((entry): entry is [string, string] => typeof entry[1] === "string");
  const described = applied.map(([name, value]) => `${name}=${value}`).join(", ");
  const event = await db.$transaction((tx) =>
    recordAudit(tx, {
      actor: { type: "user", id: user.id, email: user.email },
      action: "audit.exported",
      summary: `${user.email} exported the audit log${described ? ` (${described})` : ""}`,
      targetType: "audit_log",
      metadata: { filters: Object.fromEntries(applied) },
      context,
    }),
  );
  return { id: event.id.toString(), hash: event.hash };
}
