// Where the trail's batches go. The writer (writer.ts) owns buffering, batching, retries and
// shutdown; a sink only stores one batch. PostgreSQL is the one sink today (postgres-sink.ts);
// docs/request-trail.md describes how a ClickHouse sink would implement the same interface.
import type { TrailBatch } from "@/lib/trail/buffer";

export interface TrailSink {
  /**
   * Stores the whole batch (events, hourly counts, client addresses, drop notices) or nothing.
   * Resolves once it is durable. Rejects to have the same batch retried later, or with a
   * TrailRejectedError when retrying can never succeed (the writer then counts it as dropped).
   */
  write(batch: TrailBatch): Promise<void>;
  /** Creates storage ahead of time and removes what retention allows; called about hourly. */
  maintain(now: Date): Promise<TrailMaintenance>;
  /** Statements (or requests) sent so far, for tests and the benchmark. */
  statements(): number;
  close(): Promise<void>;
}

export interface TrailMaintenance {
  /** Day partitions (or their equivalent) created ahead of time. */
  created: number;
  /** Names of the partitions retention removed. */
  dropped: string[];
}

/** The storage refused the batch's content itself (not its availability): do not retry it. */
export class TrailRejectedError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TrailRejectedError";
  }
}
