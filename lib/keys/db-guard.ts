// Verification never waits on the database for long: every lookup has a deadline
// (KEYDESK_VERIFY_DB_TIMEOUT_MS, default 1 s), and after a lookup ran into it the database is left
// alone for a moment (a circuit breaker, KEYDESK_VERIFY_DB_RETRY_MS) instead of letting every
// request wait out the deadline behind a hanging connection. While it is open, lookups fail at
// once: verification answers 503 for an uncached existing key, as it would after the deadline,
// only sooner; one probe at a time finds out when the database answers again. A failure that is
// already fast (connection refused) does not open it, so recovery from those is immediate.
//
// Framework-free; used by key-cache.ts around the one query verification makes.

export class DatabaseUnavailableError extends Error {
  constructor(reason: string) {
    super(`database unavailable: ${reason}`);
    this.name = "DatabaseUnavailableError";
  }
}

export interface DbGuardOptions {
  timeoutMs?: number;
  /** How long the breaker stays open after a failure before one probe may try again. */
  openMs?: number;
}

export interface DbGuardStats {
  timeouts: number;
  failures: number;
  /** Lookups refused without trying, while the breaker was open. */
  shortCircuited: number;
  open: boolean;
}

function envMs(name: string, fallback: number): number {
  const value = Number(process.env[name]);
  return Number.isFinite(value) && value > 0 ? value : fallback;
}

export interface DbGuard {
  run<T>(query: () => Promise<T>): Promise<T>;
  stats(): DbGuardStats;
}

export function createDbGuard(options: DbGuardOptions = {}): DbGuard {
  const timeoutMs = options.timeoutMs ?? envMs("KEYDESK_VERIFY_DB_TIMEOUT_MS", 1_000);
  const openMs = options.openMs ?? envMs("KEYDESK_VERIFY_DB_RETRY_MS", 1_000);
  const stats = { timeouts: 0, failures: 0, shortCircuited: 0 };
  let openUntil = 0;
  let probing = false;

  const isOpen = () => Date.now() < openUntil;

  return {
    run<T>(query: () => Promise<T>): Promise<T> {
      const now = Date.now();
      if (now < openUntil || (openUntil > 0 && probing)) {
        stats.shortCircuited += 1;
        return Promise.reject(new DatabaseUnavailableError("recent failure; retrying shortly"));
      }
      const probe = openUntil > 0;
      if (probe) probing = true;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          stats.timeouts += 1;
          reject(new DatabaseUnavailableError(`no answer within ${timeoutMs} ms`));
        }, timeoutMs);
        timer.unref();
      });
      return Promise.race([query(), deadline]).then(
        (value) => {
          clearTimeout(timer);
          if (probe) probing = false;
          openUntil = 0;
          return value;
        },
        (error: unknown) => {
          clearTimeout(timer);
          if (probe) probing = false;
          stats.failures += 1;
          if (error instanceof DatabaseUnavailableError) openUntil = Date.now() + openMs;
          else if (probe) openUntil = 0;
          throw error;
        },
      );
    },
    stats: () => ({ ...stats, open: isOpen() }),
  };
}
