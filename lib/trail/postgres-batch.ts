// What the PostgreSQL sink sends for one batch, computed in one pass over its events: the rows
// for COPY (binary, copy-binary.ts) and the batch's roll-ups — requests per key, hour and outcome,
// per project, hour and outcome, and each key's client addresses. Counted in nested maps with the
// previous row's entry tried first, so an event costs a few comparisons, not a string key built
// and hashed per roll-up.
import type { KeyConstraint } from "@/lib/keys/constraints";
import type { TrailBatch } from "@/lib/trail/buffer";
import { CopyBinaryBuffer, encodeInet, encodeText, encodeUuid, FieldMemo } from "@/lib/trail/copy-binary";
import {
  MAX_TRAIL_REQUEST_ID_BYTES,
  MAX_TRAIL_USER_AGENT_BYTES,
  trailConstraint,
  trailIp,
  trailMethod,
  trailPath,
  trailText,
} from "@/lib/trail/format";

const HOUR_MS = 3_600_000;
/** The columns of COPY_SQL, in its order. */
const FIELDS = 10;

export const COPY_SQL = `COPY "RequestEvent" ("at", "projectId", "keyId", "outcome", "method", "path", "ip", "userAgent", "requestId", "matchedConstraint") FROM STDIN WITH (FORMAT binary)`;

export interface HourCount {
  /** A key id or a project id, by table. */
  id: string;
  hour: number;
  outcome: string;
  count: number;
}

export interface ClientIp {
  keyId: string;
  ip: string;
  firstAt: number;
  lastAt: number;
  requests: number;
}

export interface PreparedBatch {
  /** Events to store (those of skipped projects left out). */
  rows: number;
  /** The COPY payload: a view of the sink's reusable buffer, valid until the next prepare. */
  copy: Buffer;
  keyHours: HourCount[];
  projectHours: HourCount[];
  ips: ClientIp[];
}

/** Counts per (id, hour, outcome): nested maps, the last entry remembered. */
class HourTally {
  private readonly byId = new Map<string, Map<number, Map<string, HourCount>>>();
  private last: HourCount | null = null;

  add(id: string, hour: number, outcome: string, count: number): void {
    const last = this.last;
    if (last !== null && last.id === id && last.hour === hour && last.outcome === outcome) {
      last.count += count;
      return;
    }
    let hours = this.byId.get(id);
    if (!hours) this.byId.set(id, (hours = new Map()));
    let outcomes = hours.get(hour);
    if (!outcomes) hours.set(hour, (outcomes = new Map()));
    let entry = outcomes.get(outcome);
    if (entry) entry.count += count;
    else outcomes.set(outcome, (entry = { id, hour, outcome, count }));
    this.last = entry;
  }

  /** Sorted, so concurrent writers from several processes lock rows in one order. */
  sorted(): HourCount[] {
    const rows: HourCount[] = [];
    for (const hours of this.byId.values()) for (const outcomes of hours.values()) for (const entry of outcomes.values()) rows.push(entry);
    return rows.sort((a, b) => cmp(a.id, b.id) || a.hour - b.hour || cmp(a.outcome, b.outcome));
  }
}

class IpTally {
  private readonly byKey = new Map<string, Map<string, ClientIp>>();
  private last: ClientIp | null = null;

  add(keyId: string, ip: string, at: number): void {
    let entry = this.last;
    if (entry === null || entry.keyId !== keyId || entry.ip !== ip) {
      let ips = this.byKey.get(keyId);
      if (!ips) this.byKey.set(keyId, (ips = new Map()));
      entry = ips.get(ip) ?? null;
      if (entry === null) {
        ips.set(ip, (this.last = { keyId, ip, firstAt: at, lastAt: at, requests: 1 }));
        return;
      }
      this.last = entry;
    }
    if (at < entry.firstAt) entry.firstAt = at;
    if (at > entry.lastAt) entry.lastAt = at;
    entry.requests += 1;
  }

  sorted(): ClientIp[] {
    const rows: ClientIp[] = [];
    for (const ips of this.byKey.values()) for (const entry of ips.values()) rows.push(entry);
    return rows.sort((a, b) => cmp(a.keyId, b.keyId) || cmp(a.ip, b.ip));
  }
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** An address as stored (trailIp) and as encoded for COPY. */
interface Address {
  text: string | null;
  field: Buffer;
}

function address(raw: string | null): Address {
  const text = trailIp(raw);
  return { text, field: encodeInet(text) };
}

/**
 * The batch's COPY rows and roll-ups, leaving out the events of `skip`'s projects. Events without
 * a key are stored but not rolled up: they were counted when recorded (countTrailOutcome), and
 * those counts arrive in `batch.counts`, merged here into the per-project hours.
 */
export function prepareTrailBatch(batch: TrailBatch, skip: ReadonlySet<string>, out: CopyBinaryBuffer): PreparedBatch {
  const { events } = batch;
  // One memo per column, so that each tries the previous row's value first and a run of the same
  // project or key is one comparison.
  const projects = new FieldMemo<string | null, Buffer>(encodeUuid);
  const keys = new FieldMemo<string | null, Buffer>(encodeUuid);
  const outcomes = new FieldMemo<string, Buffer>(encodeText);
  const methods = new FieldMemo<string | null, Buffer>((raw) => encodeText(trailMethod(raw)));
  const addresses = new FieldMemo<string | null, Address>(address);
  const agents = new FieldMemo<string | null, Buffer>((raw) => encodeText(trailText(raw, MAX_TRAIL_USER_AGENT_BYTES)));
  const constraints = new FieldMemo<KeyConstraint | null, Buffer>((raw) => encodeText(trailConstraint(raw)));
  const keyHours = new HourTally();
  const projectHours = new HourTally();
  const ips = new IpTally();

  out.begin();
  let rows = 0;
  let lastRawPath: string | null | undefined;
  let lastPath: string | null = null;
  for (let n = 0; n < events.count; n++) {
    const projectId = events.projectId[n] as string;
    if (skip.size > 0 && skip.has(projectId)) continue;
    const at = events.at[n] as number;
    const keyId = events.keyId[n] ?? null;
    const outcome = events.outcome[n] as string;
    const ip = addresses.get(events.ip[n] ?? null);
    out.row(FIELDS);
    out.timestamp(at);
    out.field(projects.get(projectId));
    out.field(keys.get(keyId));
    out.field(outcomes.get(outcome));
    out.field(methods.get(events.method[n] ?? null));
    // Paths are mostly distinct: only a repeat of the previous row's is not formatted again.
    const rawPath = events.path[n] ?? null;
    if (rawPath !== lastRawPath) {
      lastRawPath = rawPath;
      lastPath = trailPath(rawPath);
    }
    out.text(lastPath);
    out.field(ip.field);
    out.field(agents.get(events.userAgent[n] ?? null));
    // Request ids are mostly unique: formatted each time, nothing to remember.
    out.text(trailText(events.requestId[n] ?? null, MAX_TRAIL_REQUEST_ID_BYTES));
    out.field(constraints.get(events.matched[n] ?? null));
    rows += 1;

    if (keyId === null) continue;
    const hour = at - (at % HOUR_MS);
    keyHours.add(keyId, hour, outcome, 1);
    projectHours.add(projectId, hour, outcome, 1);
    if (ip.text !== null) ips.add(keyId, ip.text, at);
  }
  for (const count of batch.counts) projectHours.add(count.projectId, count.hour, count.outcome, count.count);
  return { rows, copy: out.end(), keyHours: keyHours.sorted(), projectHours: projectHours.sorted(), ips: ips.sorted() };
}
