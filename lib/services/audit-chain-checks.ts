// The judgements behind "Verify integrity", free of I/O: whether one event fits the chain, and
// whether the log still holds a head recorded outside it (by lib/audit-head.ts, or printed on a
// CSV export). lib/services/audit-log.ts walks the log and asks these.
import { CHAIN_VERSION, chainHash, sealedChainHash, type ChainFields } from "@/lib/audit";
import type { AuditKey } from "@/lib/audit-key";
import type { ChainPoint } from "@/lib/audit-head";

export type ChainProblem =
  /** The event's content no longer matches its hash (edited, or sealed without the audit key). */
  | "hash"
  /** Its previous-hash is not the hash of the event before it (deleted, inserted or rewritten). */
  | "link"
  /** Sealed with another audit key than this Keydesk's. */
  | "key"
  /** An unkeyed (version 1) event where only keyed ones may be: forged without the key. */
  | "downgrade"
  /** The log ends before the recorded head: its newest events were dropped. */
  | "dropped"
  /** The recorded head's event is gone or different although later events exist: re-chained. */
  | "rechained"
  /** The log's first event is not the recorded one: the whole log was replaced. */
  | "replaced"
  /** The file holding the recorded head cannot be used. */
  | "unreadable";

export interface Finding {
  problem: ChainProblem;
  /** The event the finding is about, when there is one. */
  at: string | null;
  message: string;
}

export interface ChainEvent extends ChainFields {
  id: bigint;
  chainVersion: number;
  hmacKeyId: string | null;
  prevHash: string | null;
  hash: string;
}

export interface WalkState {
  key: AuditKey;
  previous: { id: bigint; hash: string } | null;
  /** A keyed event was seen: nothing unkeyed may follow. */
  keyedSeen: boolean;
  /** From the recorded head: events after this id must be keyed. */
  keyedAfter: bigint | null;
}

/** The first thing wrong with `event` given the events before it, or null when it fits. */
export function checkEvent(event: ChainEvent, state: WalkState): Finding | null {
  const { id, chainVersion, hmacKeyId, prevHash, hash, ...fields } = event;
  const at = id.toString();
  if (chainVersion === CHAIN_VERSION) {
    if (hmacKeyId !== state.key.id) {
      return {
        problem: "key",
        at,
        message:
          `Event #${id} was sealed with audit key ${hmacKeyId ?? "(none)"}, but this Keydesk's key (${state.key.source}) is ${state.key.id}. ` +
          `Give every instance the key that sealed the log (KEYDESK_AUDIT_HMAC_KEY), or restore the key file; a changed key cannot verify older events.`,
      };
    }
    if (sealedChainHash(state.key, prevHash, fields) !== hash) {
      return { problem: "hash", at, message: `Event #${id} does not match its keyed hash — it was edited, or written by someone without the audit key.` };
    }
  } else if (chainVersion === 1) {
    if (state.keyedSeen || (state.keyedAfter !== null && id > state.keyedAfter)) {
      return {
        problem: "downgrade",
        at,
        message: `Event #${id} carries an unkeyed hash where only keyed events may be — it was written by someone without the audit key.`,
      };
    }
    if (chainHash(prevHash, fields) !== hash) return { problem: "hash", at, message: `Event #${id} does not match its hash — it was edited.` };
  } else {
    return { problem: "hash", at, message: `Event #${id} has an unknown chain version (${chainVersion}) — it was not written by Keydesk.` };
  }
  const previous = state.previous;
  if (prevHash !== (previous?.hash ?? null)) {
    return {
      problem: "link",
      at,
      message: previous
        ? `Event #${id}'s previous-hash does not match event #${previous.id} — an event was deleted or inserted.`
        : `Event #${id}'s previous-hash points at an event that is no longer in the log — earlier events were deleted.`,
    };
  }
  return null;
}

/**
 * Whether the log still holds `expected`, a head recorded outside it. `found` is the log's event
 * with that id (null if none), `newest` the log's last event. A head older than the newest event
 * is normal (the record may lag); a missing or different one is not.
 */
export function checkHead(label: string, expected: ChainPoint, found: { hash: string } | null, newest: ChainPoint | null): Finding | null {
  if (found?.hash === expected.hash) return null;
  const shortHash = `${expected.hash.slice(0, 12)}…`;
  if (!found && (newest === null || BigInt(newest.id) < BigInt(expected.id))) {
    return {
      problem: "dropped",
      at: expected.id,
      message:
        newest === null
          ? `The newest events were dropped: ${label} is event #${expected.id}, but the log is empty.`
          : `The newest events were dropped: ${label} is event #${expected.id} (${shortHash}), but the log ends at event #${newest.id}.`,
    };
  }
  return {
    problem: "rechained",
    at: expected.id,
    message: found
      ? `The log was re-chained: event #${expected.id} no longer has the hash of ${label} (${shortHash}).`
      : `Events were dropped and the chain re-linked past them: event #${expected.id}, ${label}, is missing although later events exist.`,
  };
}

/** Whether the log still starts where it started when the head was first recorded. */
export function checkFirst(expected: ChainPoint, actual: ChainPoint | null): Finding | null {
  if (actual?.id === expected.id && actual.hash === expected.hash) return null;
  return {
    problem: "replaced",
    at: expected.id,
    message:
      `The log's first event is not the one recorded outside the database (event #${expected.id}): the whole log was replaced, ` +
      `or this data directory belongs to another database.`,
  };
}
