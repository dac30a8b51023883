// The Requests page's filtered view as CSV: every matching event, newest first, read in keyset
// batches so memory stays bounded however many there are. Cells go through the audit export's
// csvCell (formula-injection protection), and the export itself is audited: it hands callers'
// paths and addresses out of Keydesk.
import { recordAudit, type RequestContext } from "@/lib/audit";
import { assertCan, can } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import type { Role } from "@/lib/generated/prisma/enums";
import { describeEvents, requestWhere, selectEvents } from "@/lib/queries/requests";
import { csvLine } from "@/lib/services/audit-export";
import type { RequestFilters } from "@/lib/validations/requests";

const BATCH_SIZE = 1000;

type Reader = { id: string; email: string; role: Role; active: boolean };

const REQUEST_CSV_COLUMNS = [
  "id",
  "time_utc",
  "project",
  "project_id",
  "key",
  "key_name",
  "outcome",
  "method",
  "path",
  "matched_constraint",
  "ip",
  "user_agent",
  "request_id",
] as const;

/** The filtered events as CSV text: the header, then one chunk per batch. */
export async function* requestCsvChunks(reader: Reader, filters: RequestFilters, options: { now?: Date; batchSize?: number } = {}): AsyncGenerator<string> {
  assertCan(reader, "requests.read");
  const viewer = { canSeeIps: can(reader, "requests.ips") };
  const { where } = await requestWhere(filters, viewer, options.now ?? new Date());
  const batchSize = options.batchSize ?? BATCH_SIZE;
  // A byte-order mark, so spreadsheet apps read the file as UTF-8.
  yield `\uFEFF${csvLine(REQUEST_CSV_COLUMNS)}`;
  let before: { atMs: number; id: bigint } | null = null;
  for (;;) {
    const batch = await selectEvents(where, { before }, batchSize);
    if (batch.length === 0) return;
    let chunk = "";
    for (const row of describeEvents(batch, viewer)) {
      chunk += csvLine([
        row.id,
        row.at,
        row.project.name,
        row.project.id,
        row.key?.publicId,
        row.key?.name,
        row.outcome,
        row.method,
        row.path,
        row.matchedConstraint,
        row.ip,
        row.userAgent,
        row.requestId,
      ]);
    }
    yield chunk;
    if (batch.length < batchSize) return;
    const last = batch[batch.length - 1]!;
    before = { atMs: last.at.getTime(), id: last.id };
  }
}

/** A byte stream that reads the next batch only when the client has taken the previous one. */
export function requestCsvStream(reader: Reader, filters: RequestFilters): ReadableStream<Uint8Array> {
  const chunks = requestCsvChunks(reader, filters);
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

export function requestCsvFilename(now = new Date()): string {
  return `keydesk-requests-${now.toISOString().slice(0, 10)}.csv`;
}

export async function recordRequestExport(reader: Reader, filters: RequestFilters, context: RequestContext | null): Promise<void> {
  assertCan(reader, "requests.read");
  const applied = Object.entries(filters).filter((entry): entry is [string, string] => typeof entry[1] === "string");
  const described = applied.map(([name, value]) => `${name}=${value}`).join(", ");
  await db.$transaction((tx) =>
    recordAudit(tx, {
      actor: { type: "user", id: reader.id, email: reader.email },
      action: "requests.exported",
      summary: `${reader.email} exported the request trail${described ? ` (${described})` : ""}`,
      targetType: "request_trail",
      metadata: { filters: Object.fromEntries(applied), ips: can(reader, "requests.ips") },
      context,
    }),
  );
}
