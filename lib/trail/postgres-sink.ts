// The trail's PostgreSQL sink: one transaction per batch — the events with one COPY, then one
// multi-row upsert each for the hourly counts per key and per project, the client addresses and
// the drop notices. A batch of any size is a handful of statements, never one per event.
//
// Partitions: a batch's (project, day) pairs are created on first sight through
// keydesk_trail_ensure_partitions (SECURITY DEFINER, see the migration), remembered, and created
// ahead of time by maintain(); retention drops whole partitions via keydesk_trail_apply_retention.
// Framework-free (plain pg): it runs inside the verification server process.
import { finished } from "node:stream/promises";
import pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { TrailBatch, TrailEvents } from "@/lib/trail/buffer";
import { CopyBinaryBuffer } from "@/lib/trail/copy-binary";
import { COPY_SQL, prepareTrailBatch, type PreparedBatch } from "@/lib/trail/postgres-batch";
import { TrailRejectedError, type TrailMaintenance, type TrailSink } from "@/lib/trail/sink";
import { DAY_MS } from "@/lib/dates";

/** Partitions made ahead: today and the next few days, so midnight never waits for DDL. */
const DAYS_AHEAD = 3;
/** The window the ensure function accepts around today (see the migration). */
const OLDEST_DAY_OFFSET = -400;
const NEWEST_DAY_OFFSET = 30;
/** COPY data is handed to the stream in CopyData messages of at most this many bytes. */
const COPY_CHUNK_BYTES = 256 * 1024;

export interface PostgresTrailSinkOptions {
  connectionString: string;
  /** Connections for writing and maintenance; default 2 (one write at a time, plus maintenance). */
  poolSize?: number;
}

function isoDay(dayIndex: number): string {
  return new Date(dayIndex * DAY_MS).toISOString().slice(0, 10);
}

function sqlState(error: unknown): string {
  return typeof error === "object" && error !== null && "code" in error && typeof error.code === "string" ? error.code : "";
}

/** A row with no partition to go to ("no partition of relation … found for row"). */
function isMissingPartition(error: unknown): boolean {
  return sqlState(error) === "23514" && error instanceof Error && /partition/i.test(error.message);
}

export class PostgresTrailSink implements TrailSink {
  private readonly pool: pg.Pool;
  /** `${projectId}|${dayIndex}` of partitions known to exist. */
  private readonly known = new Set<string>();
  private sent = 0;
  /** The COPY payload is built here, batch after batch (one write at a time). */
  private readonly copyBuffer = new CopyBinaryBuffer();

  constructor(options: PostgresTrailSinkOptions) {
    this.pool = new pg.Pool({
      connectionString: options.connectionString,
      // Named, so that pg_stat_activity (and the bench's statement counts) can tell the trail's writes apart.
      application_name: "keydesk-trail",
      max: options.poolSize ?? 2,
      connectionTimeoutMillis: 5_000,
      idleTimeoutMillis: 30_000,
    });
    // An idle connection that dies (database restarted) is replaced on the next write.
    this.pool.on("error", () => undefined);
  }

  statements(): number {
    return this.sent;
  }

  private async query(client: pg.PoolClient, text: string, values?: unknown[], name?: string): Promise<pg.QueryResult> {
    this.sent += 1;
    // Named: each connection parses and plans the statement once, not once per batch.
    return name ? client.query({ name, text, values }) : client.query(text, values);
  }

  async write(batch: TrailBatch): Promise<void> {
    const client = await this.pool.connect();
    let broken = false;
    try {
      const skip = await this.ensureFor(client, batch.events);
      try {
        await this.writeOnce(client, batch, skip);
      } catch (error) {
        // A partition dropped or never made while we believed it existed: learn again, once.
        if (!isMissingPartition(error)) throw error;
        this.known.clear();
        const again = await this.ensureFor(client, batch.events);
        await this.writeOnce(client, batch, again);
      }
    } catch (error) {
      broken = !(error instanceof TrailRejectedError) && sqlState(error) === "";
      const state = sqlState(error);
      // Data the database refuses (class 22) will be refused on every retry.
      if (state.startsWith("22")) throw new TrailRejectedError(`the database refused the batch (${state})`, { cause: error });
      throw error;
    } finally {
      // A connection that failed mid-COPY is not reusable; let the pool replace it.
      client.release(broken);
    }
  }

  private async writeOnce(client: pg.PoolClient, batch: TrailBatch, skip: Set<string>): Promise<void> {
    const prepared = prepareTrailBatch(batch, skip, this.copyBuffer);
    await this.query(client, "BEGIN");
    try {
      if (prepared.rows > 0) await this.copyEvents(client, prepared.copy);
      await this.upsertCounts(client, prepared, batch);
      await this.query(client, "COMMIT");
    } catch (error) {
      await client.query("ROLLBACK").catch(() => undefined);
      throw error;
    }
  }

  private async copyEvents(client: pg.PoolClient, payload: Buffer): Promise<void> {
    this.sent += 1;
    const stream = client.query(copyFrom(COPY_SQL));
    // Views of the payload, no copies: the stream finishes once the server has read them all.
    for (let from = 0; from < payload.length; from += COPY_CHUNK_BYTES) stream.write(payload.subarray(from, from + COPY_CHUNK_BYTES));
    stream.end();
    await finished(stream);
  }

  private async upsertCounts(client: pg.PoolClient, prepared: PreparedBatch, batch: TrailBatch): Promise<void> {
    const { keyHours, projectHours, ips } = prepared;
    if (keyHours.length > 0) {
      // The JOIN skips keys deleted since (events outlive keys; counts cascade with them).
      await this.query(
        client,
        `INSERT INTO "KeyRequestHourly" ("keyId", "hour", "outcome", "count")
         SELECT u."keyId", u."hour", u."outcome", u."count"
           FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::int[]) AS u("keyId", "hour", "outcome", "count")
           JOIN "ApiKey" k ON k."id" = u."keyId"
         ON CONFLICT ("keyId", "hour", "outcome") DO UPDATE SET "count" = "KeyRequestHourly"."count" + EXCLUDED."count"`,
        [keyHours.map((r) => r.id), keyHours.map((r) => new Date(r.hour).toISOString()), keyHours.map((r) => r.outcome), keyHours.map((r) => r.count)],
        "keydesk_trail_key_hours",
      );
    }
    if (projectHours.length > 0) {
      await this.query(
        client,
        `INSERT INTO "ProjectRequestHourly" ("projectId", "hour", "outcome", "count")
         SELECT u."projectId", u."hour", u."outcome", u."count"
           FROM unnest($1::uuid[], $2::timestamptz[], $3::text[], $4::int[]) AS u("projectId", "hour", "outcome", "count")
           JOIN "Project" p ON p."id" = u."projectId"
         ON CONFLICT ("projectId", "hour", "outcome") DO UPDATE SET "count" = "ProjectRequestHourly"."count" + EXCLUDED."count"`,
        [projectHours.map((r) => r.id), projectHours.map((r) => new Date(r.hour).toISOString()), projectHours.map((r) => r.outcome), projectHours.map((r) => r.count)],
        "keydesk_trail_project_hours",
      );
    }
    if (ips.length > 0) {
      // "newAt" moves to this batch's first use when the address had not been seen for 30 days.
      await this.query(
        client,
        `INSERT INTO "KeyClientIp" AS c ("keyId", "ip", "firstSeenAt", "lastSeenAt", "newAt", "requests")
         SELECT u."keyId", u."ip", u."firstAt", u."lastAt", u."firstAt", u."requests"
           FROM unnest($1::uuid[], $2::inet[], $3::timestamptz[], $4::timestamptz[], $5::bigint[]) AS u("keyId", "ip", "firstAt", "lastAt", "requests")
           JOIN "ApiKey" k ON k."id" = u."keyId"
         ON CONFLICT ("keyId", "ip") DO UPDATE SET
           "firstSeenAt" = LEAST(c."firstSeenAt", EXCLUDED."firstSeenAt"),
           "lastSeenAt" = GREATEST(c."lastSeenAt", EXCLUDED."lastSeenAt"),
           "newAt" = CASE WHEN EXCLUDED."firstSeenAt" > c."lastSeenAt" + interval '30 days' THEN EXCLUDED."firstSeenAt" ELSE c."newAt" END,
           "requests" = c."requests" + EXCLUDED."requests"`,
        [ips.map((r) => r.keyId), ips.map((r) => r.ip), ips.map((r) => new Date(r.firstAt).toISOString()), ips.map((r) => new Date(r.lastAt).toISOString()), ips.map((r) => r.requests)],
        "keydesk_trail_client_ips",
      );
    }
    if (batch.drops.length > 0) {
      await this.query(
        client,
        `INSERT INTO "RequestTrailGap" ("projectId", "firstAt", "lastAt", "events")
         SELECT u."projectId", u."firstAt", u."lastAt", u."events"
           FROM unnest($1::uuid[], $2::timestamptz[], $3::timestamptz[], $4::int[]) AS u("projectId", "firstAt", "lastAt", "events")
           JOIN "Project" p ON p."id" = u."projectId"`,
        [
          batch.drops.map((d) => d.projectId),
          batch.drops.map((d) => new Date(d.firstAt).toISOString()),
          batch.drops.map((d) => new Date(d.lastAt).toISOString()),
          batch.drops.map((d) => d.events),
        ],
        "keydesk_trail_gaps",
      );
    }
  }

  /**
   * Makes sure every (project, day) of the events has its partition. Returns the projects whose
   * events cannot be stored (the project no longer exists), to be left out of the batch.
   */
  private async ensureFor(client: pg.PoolClient, events: TrailEvents): Promise<Set<string>> {
    const missing = new Map<string, { first: number; last: number }>();
    // A batch is runs of the same project and day: look each run up once, not each event.
    let checkedProject: string | null = null;
    let checkedDay = Number.NaN;
    for (let n = 0; n < events.count; n++) {
      const projectId = events.projectId[n] as string;
      const day = Math.floor((events.at[n] as number) / DAY_MS);
      if (projectId === checkedProject && day === checkedDay) continue;
      checkedProject = projectId;
      checkedDay = day;
      if (this.known.has(`${projectId}|${day}`)) continue;
      const range = missing.get(projectId);
      if (!range) missing.set(projectId, { first: day, last: day });
      else {
        range.first = Math.min(range.first, day);
        range.last = Math.max(range.last, day);
      }
    }
    const skip = new Set<string>();
    const today = Math.floor(Date.now() / DAY_MS);
    for (const [projectId, range] of missing) {
      const first = Math.max(range.first, today + OLDEST_DAY_OFFSET);
      const last = Math.min(range.last, today + NEWEST_DAY_OFFSET);
      try {
        // At most 45 days per call (the function's bound).
        for (let from = first; from <= last; from += 45) await this.ensure(client, projectId, from, Math.min(last, from + 44));
      } catch (error) {
        if (sqlState(error) === "P0001" && error instanceof Error && /no project/.test(error.message)) {
          skip.add(projectId);
          continue;
        }
        throw error;
      }
    }
    return skip;
  }

  private async ensure(client: pg.PoolClient | pg.Pool, projectId: string, firstDay: number, lastDay: number): Promise<number> {
    this.sent += 1;
    const { rows } = await client.query<{ created: number }>(`SELECT keydesk_trail_ensure_partitions($1::uuid, $2::date, $3::date) AS "created"`, [
      projectId,
      isoDay(firstDay),
      isoDay(lastDay),
    ]);
    for (let day = firstDay; day <= lastDay; day++) this.known.add(`${projectId}|${day}`);
    return rows[0]?.created ?? 0;
  }

  async maintain(now: Date): Promise<TrailMaintenance> {
    const today = Math.floor(now.getTime() / DAY_MS);
    const { rows: projects } = await this.pool.query<{ id: string }>(`SELECT "id" FROM "Project" ORDER BY "id"`);
    let created = 0;
    for (const project of projects) created += await this.ensure(this.pool, project.id, today, today + DAYS_AHEAD);
    this.sent += 2;
    const { rows } = await this.pool.query<{ name: string }>(`SELECT keydesk_trail_apply_retention() AS "name"`);
    const dropped = rows.map((row) => row.name);
    // Forget days that may have been dropped; they are relearned on first sight.
    if (dropped.length > 0) this.known.clear();
    return { created, dropped };
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
