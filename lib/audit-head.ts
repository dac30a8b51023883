// The audit chain's head, recorded outside the database. A chain proves that no event was edited
// or removed from its middle, but not that its newest events are all there: whoever can delete
// rows can drop the last few and the rest still verifies. So after every committed audit write
// the newest event's id and hash are written to <data dir>/audit-head.json (mode 0600), and
// "Verify integrity" checks that the database still holds that event with that hash.
//
// The guarantee: the file never names an event that is not committed, so it never raises a false
// alarm; it may lag behind the database (a crash between commit and recording, or a recording
// that failed), which only narrows what it can prove until the next write. How:
//   - the head is read and written while holding the audit chain's advisory lock, which every
//     writer holds until its transaction ends: what we read is committed, nothing commits while
//     we write, and processes sharing the database record one after the other (never backwards);
//   - recording starts right after a write and waits on that lock, so it runs once the writing
//     transaction has committed (or rolled back: then the head simply has not moved);
//   - the file is replaced atomically (write, fsync, rename), so a crash leaves the old or the new;
//   - a recorded head that the database no longer holds is never overwritten: it is the evidence.
//     Until an operator has looked into it (and removed the file), the file stays as it was.
import path from "node:path";
import { dataDir } from "@/lib/data-dir";
import { db } from "@/lib/db";
import { lockForTransaction } from "@/lib/db/locks";
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

const point = (row: { id: bigint; hash: string } | null): ChainPoint | null => (row ? { id: row.id.toString(), hash: row.hash } : null);

/** Records the committed head now (see the guarantee above). */
export async function recordAuditHead(): Promise<HeadRecordOutcome> {
  return db.$transaction(
    async (tx) => {
      await lockForTransaction(tx, "auditChain");
      const read = readRecordedHead();
      if (!read.ok) return { status: "unreadable", reason: read.reason };
      const recorded = read.value;
      const select = { id: true, hash: true } as const;
      const newest = point(await tx.auditEvent.findFirst({ orderBy: { id: "desc" }, select }));
      const first = point(await tx.auditEvent.findFirst({ orderBy: { id: "asc" }, select }));

      if (recorded) {
        const stillThere = recorded.head
          ? await tx.auditEvent.findUnique({ where: { id: BigInt(recorded.head.id) }, select: { hash: true } })
          : null;
        const headHeld = recorded.head === null || stillThere?.hash === recorded.head.hash;
        const firstHeld = recorded.first === null || (first?.id === recorded.first.id && first.hash === recorded.first.hash);
        if (!headHeld || !firstHeld) return { status: "diverged", recorded };
        if (recorded.head?.id === newest?.id && (recorded.first !== null || first === null)) return { status: "unchanged", head: newest };
      }

      // Decided once, when the file is first written: everything after the last unkeyed event must be keyed.
      const lastUnkeyed = await tx.auditEvent.findFirst({ where: { chainVersion: 1 }, orderBy: { id: "desc" }, select: { id: true } });
      const next: RecordedHead = {
        format: 1,
        head: newest,
        first: recorded?.first ?? first,
        keyedAfter: recorded?.keyedAfter ?? (lastUnkeyed?.id ?? 0n).toString(),
        recordedAt: new Date().toISOString(),
      };
      writeSecretFile(read.file, `${JSON.stringify(next, null, 2)}\n`);
      return { status: "recorded", head: newest };
    },
    // Waiting for the lock is waiting for the writer's commit; give slow writers room.
    { maxWait: 10_000, timeout: 60_000 },
  );
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
