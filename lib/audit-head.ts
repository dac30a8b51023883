// The audit chain's head, recorded outside the database. A chain proves that no event was edited
// or removed from its middle, but not that its newest events are all there: whoever can delete
// rows can drop the last few and the rest still verifies. So after every committed audit write
// the newest event's id and hash are written to <data dir>/audit-head.json (mode 0600), and
// "Verify integrity" checks that the database still holds that event with that hash.
//
// The guarantee: the file never names an event that is not committed, so it never raises a false
// alarm; it may lag behind the database (a crash between commit and recording, or a recording
// that failed), which only narrows what it can prove until the next write. How:
//   - the head is read while holding the audit chain's advisory lock, which every writer holds
//     until its transaction ends: what we read is committed (and, events never being removed,
//     stays true after the lock is released, while the file is written);
//   - recording starts right after a write and waits on that lock, so it runs once the writing
//     transaction has committed (or rolled back: then the head simply has not moved);
//   - a head older than the one already in the file is not written (processes sharing the data
//     directory never move it backwards, bar a narrow race that can only make it lag);
//   - the file is replaced atomically (write, fsync, rename), so a crash leaves the old or the new;
//   - a recorded head that the database no longer holds is never overwritten: it is the evidence.
//     Until an operator has looked into it (and removed the file), the file stays as it was.
import path from "node:path";
import { dataDir } from "@/lib/data-dir";
import { auditHeadPool } from "@/lib/db";
import { lockForClientTransaction } from "@/lib/db/locks";
import { readSecretFile, writeSecretFile } from "@/lib/secret-file";

export interface ChainPoint {
  id: string;
  hash: string;
}

export interface RecordedHead {
  format: 1;
  /** The newest committed event when last recorded; null while the log was empty. */
  head: ChainPoint | null;
  /** The log's first event: a different one means the log was replaced (or this is another database's file). */
  first: ChainPoint | null;
  /** Events after this id must be keyed (version 2): an unkeyed one after it is a forgery. */
  keyedAfter: string;
  recordedAt: string;
}

export type RecordedHeadRead = { ok: true; value: RecordedHead | null; file: string } | { ok: false; file: string; reason: string };

export type HeadRecordOutcome =
  | { status: "recorded" | "unchanged"; head: ChainPoint | null }
  /** The database no longer holds what was recorded: the file is kept as evidence. */
  | { status: "diverged"; recorded: RecordedHead }
  | { status: "unreadable"; reason: string };

export function auditHeadFile(): string {
  return path.join(dataDir(), "audit-head.json");
}

const isPoint = (value: unknown): value is ChainPoint =>
  typeof value === "object" && value !== null && /^\d+$/.test(String((value as ChainPoint).id)) && /^[0-9a-f]{64}$/.test(String((value as ChainPoint).hash));

/** The recorded head, null when none was recorded yet; never throws for a bad file (that is a finding). */
export function readRecordedHead(): RecordedHeadRead {
  const file = auditHeadFile();
  let text: string | null;
  try {
    text = readSecretFile(file);
  } catch (error) {
    return { ok: false, file, reason: error instanceof Error ? error.message : String(error) };
  }
  if (text === null) return { ok: true, value: null, file };
  try {
    const parsed = JSON.parse(text) as RecordedHead;
    const valid =
      parsed.format === 1 &&
      (parsed.head === null || isPoint(parsed.head)) &&
      (parsed.first === null || isPoint(parsed.first)) &&
      /^\d+$/.test(String(parsed.keyedAfter));
    return valid ? { ok: true, value: parsed, file } : { ok: false, file, reason: "its contents are not a recorded head" };
  } catch {
    return { ok: false, file, reason: "it is not valid JSON" };
  }
}

interface PointRow {
  id: string;
  hash: string;
}

/** What the database holds, read while holding the chain lock: committed, and no writer in flight. */
interface Snapshot {
  newest: ChainPoint | null;
  first: ChainPoint | null;
  /** The recorded head's event as the database has it now (null: gone). */
  recordedHeadHash: string | null;
  lastUnkeyed: string;
}

async function snapshot(recorded: RecordedHead | null): Promise<Snapshot> {
  const client = await auditHeadPool().connect();
  try {
    await client.query("BEGIN READ ONLY");
    // Waits for every audit writer that started before us to commit or roll back.
    await lockForClientTransaction(client, "auditChain");
    const one = async (sql: string, params: unknown[] = []) => (await client.query<PointRow>(sql, params)).rows[0] ?? null;
    const newest = await one(`SELECT "id"::text AS id, "hash" FROM "AuditEvent" ORDER BY "id" DESC LIMIT 1`);
    const first = await one(`SELECT "id"::text AS id, "hash" FROM "AuditEvent" ORDER BY "id" ASC LIMIT 1`);
    const held = recorded?.head ? await one(`SELECT "id"::text AS id, "hash" FROM "AuditEvent" WHERE "id" = $1`, [recorded.head.id]) : null;
    const unkeyed = recorded ? null : await one(`SELECT "id"::text AS id, '' AS hash FROM "AuditEvent" WHERE "chainVersion" = 1 ORDER BY "id" DESC LIMIT 1`);
    await client.query("COMMIT");
    return { newest, first, recordedHeadHash: held?.hash ?? null, lastUnkeyed: unkeyed?.id ?? "0" };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Records the committed head now (see the guarantee above). The lock is held only while reading:
 * what was read stays true (events are never removed), so the file is written after releasing
 * it, and audit writers never wait for a disk flush.
 */
export async function recordAuditHead(): Promise<HeadRecordOutcome> {
  const read = readRecordedHead();
  if (!read.ok) return { status: "unreadable", reason: read.reason };
  const recorded = read.value;
  const db = await snapshot(recorded);

  if (recorded) {
    const headHeld = recorded.head === null || db.recordedHeadHash === recorded.head.hash;
    const firstHeld = recorded.first === null || (db.first?.id === recorded.first.id && db.first.hash === recorded.first.hash);
    if (!headHeld || !firstHeld) return { status: "diverged", recorded };
    if (recorded.head?.id === db.newest?.id && (recorded.first !== null || db.first === null)) return { status: "unchanged", head: db.newest };
  }
  // Another process sharing this data directory may have recorded a newer head meanwhile: never go back.
  const latest = readRecordedHead();
  if (latest.ok && latest.value?.head && db.newest && BigInt(latest.value.head.id) > BigInt(db.newest.id)) {
    return { status: "unchanged", head: latest.value.head };
  }
  const next: RecordedHead = {
    format: 1,
    head: db.newest,
    first: recorded?.first ?? db.first,
    // Decided once, when the file is first written: everything after the last unkeyed event must be keyed.
    keyedAfter: recorded?.keyedAfter ?? db.lastUnkeyed,
    recordedAt: new Date().toISOString(),
  };
  writeSecretFile(read.file, `${JSON.stringify(next, null, 2)}\n`);
  return { status: "recorded", head: db.newest };
}

const globalForHead = globalThis as unknown as {
  __keydeskAuditHead?: { running: Promise<void> | null; again: boolean; reported: string | null };
};

function state() {
  globalForHead.__keydeskAuditHead ??= { running: null, again: false, reported: null };
  return globalForHead.__keydeskAuditHead;
}

/** Says once (per distinct finding) what keeps the head from being recorded. */
function report(message: string): void {
  const s = state();
  if (s.reported === message) return;
  s.reported = message;
  console.error(`[keydesk] ${message}`);
}

async function drain(): Promise<void> {
  const s = state();
  for (;;) {
    s.again = false;
    try {
      const outcome = await recordAuditHead();
      if (outcome.status === "diverged") {
        report(
          `warning: the audit log no longer holds the chain head recorded in ${auditHeadFile()} (event #${outcome.recorded.head?.id ?? "?"}): ` +
            `events were dropped or re-chained. The file is kept as evidence; Admin → Audit log → Verify integrity shows details.`,
        );
      } else if (outcome.status === "unreadable") {
        report(`warning: cannot record the audit chain head: ${auditHeadFile()} is unusable (${outcome.reason})`);
      } else {
        state().reported = null;
      }
    } catch (error) {
      // The file lags until the next write; that is within the guarantee, but worth saying.
      report(`recording the audit chain head failed: ${error instanceof Error ? error.message.split("\n")[0] : String(error)}`);
    }
    // Checked and cleared in one synchronous step: a write scheduled meanwhile is never lost.
    if (!s.again) {
      s.running = null;
      return;
    }
  }
}

/** Records the head once the current audit write has committed; coalesces bursts into one recording. */
export function scheduleAuditHeadRecord(): void {
  const s = state();
  if (s.running) {
    s.again = true;
    return;
  }
  s.running = drain();
}

/** Resolves when no recording is pending (shutdown, tests). */
export async function auditHeadSettled(): Promise<void> {
  while (state().running) await state().running;
}
