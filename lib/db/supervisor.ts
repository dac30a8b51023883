// Keeps the embedded PostgreSQL running for as long as Keydesk runs. If the server process dies
// (killed, out of memory, a crash), it is started again on the same port and data directory, so
// every pool, the key listener and DATABASE_URL stay valid, with exponential backoff between
// failed attempts. `onDown`/`onUp` let the HTTP server answer 503 while it is away.
import { startEmbeddedPostgres, type EmbeddedPostgres, type EmbeddedPostgresOptions } from "@/lib/db/embedded-postgres";

export interface SupervisorOptions {
  onDown?: () => void;
  onUp?: () => void;
  /** First delay before a restart; doubles per failed attempt up to maxBackoffMs. */
  minBackoffMs?: number;
  maxBackoffMs?: number;
  /** A server that stayed up this long counts as healthy again: the next crash restarts quickly. */
  healthyAfterMs?: number;
}

export type SupervisedPostgres = Omit<EmbeddedPostgres, "exited">;

function describe(error: unknown): string {
  return error instanceof Error ? error.message.split("\n")[0]! : String(error);
}

/** Starts the embedded server (failing like startEmbeddedPostgres does) and restarts it when it dies. */
export async function superviseEmbeddedPostgres(
  options: EmbeddedPostgresOptions,
  supervisor: SupervisorOptions = {},
): Promise<SupervisedPostgres> {
  const log = options.log ?? (() => undefined);
  const minBackoffMs = supervisor.minBackoffMs ?? 500;
  const maxBackoffMs = supervisor.maxBackoffMs ?? 30_000;
  const healthyAfterMs = supervisor.healthyAfterMs ?? 60_000;

  let current = await startEmbeddedPostgres(options);
  // Restarts must come back where every connection string points.
  const port = current.port;
  let startedAt = Date.now();
  let failures = 0;
  let stopping = false;
  let restarting: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  const sleep = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, ms);
      wake = () => {
        clearTimeout(timer);
        resolve();
      };
    });

  const watch = (server: EmbeddedPostgres) => {
    void server.exited.then(() => {
      if (stopping || server !== current) return;
      restarting = restart();
    });
  };

  async function restart(): Promise<void> {
    supervisor.onDown?.();
    const downSince = Date.now();
    if (downSince - startedAt >= healthyAfterMs) failures = 0;
    for (;;) {
      const delay = Math.min(maxBackoffMs, minBackoffMs * 2 ** failures);
      failures += 1;
      log(`restarting PostgreSQL in ${(delay / 1000).toFixed(1)} s (attempt ${failures})`);
      await sleep(delay);
      if (stopping) return;
      try {
        const server = await startEmbeddedPostgres({ ...options, port });
        if (stopping) {
          await server.stop();
          return;
        }
        current = server;
        startedAt = Date.now();
        log(`PostgreSQL is back after ${((startedAt - downSince) / 1000).toFixed(1)} s down`);
        watch(server);
        supervisor.onUp?.();
        return;
      } catch (error) {
        log(`PostgreSQL restart failed: ${describe(error)}`);
      }
    }
  }

  watch(current);
  return {
    url: current.url,
    port,
    dataDir: current.dataDir,
    async stop() {
      stopping = true;
      wake?.();
      // A restart under way finishes (or gives up) first, so no server is left behind.
      await restarting;
      await current.stop();
    },
  };
}
