// Recognises "the database cannot be reached" among the errors pg, the Prisma adapter and
// PostgreSQL itself raise, so callers can answer "unavailable" instead of a generic failure.
const UNREACHABLE = /ECONNREFUSED|ECONNRESET|EPIPE|Connection terminated|connect ETIMEDOUT|DatabaseNotReachable|P1001|57P01|57P02|57P03|timeout exceeded when trying to connect|Can't reach database server/i;

/** The API's message for 503 "unavailable" (lib/api/errors.ts, and server/unavailable.ts before Next). */
export const DATABASE_UNAVAILABLE_MESSAGE = "The database is unavailable right now. Nothing was changed; retry shortly.";

export function isDatabaseDown(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    const text = e instanceof Error ? `${e.name} ${e.message} ${String((e as { code?: unknown }).code ?? "")}` : String(e);
    if (UNREACHABLE.test(text)) return true;
  }
  return false;
}
