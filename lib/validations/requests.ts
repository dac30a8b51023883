// The Requests page's URL state (?project=&key=&outcome=&method=&path=&match=&ip=&range=&from=&to=
// and a keyset cursor ?before= or ?after=), shared by the page and the CSV export so both see
// exactly the same events. Bad values fall back to "no filter" (.catch), as on the audit log, so
// a hand-edited or stale link never breaks the page — except an IP that is not an address or a
// range, which the page reports instead of silently showing everything.
import { z } from "zod";
import { isGuid } from "@/lib/ids";

export const REQUESTS_PAGE_SIZE = 50;

export const REQUEST_RANGES = ["1h", "24h", "7d", "30d", "all"] as const;
export type RequestRange = (typeof REQUEST_RANGES)[number];
export const DEFAULT_REQUEST_RANGE: RequestRange = "7d";
export const REQUEST_RANGE_MS: Record<Exclude<RequestRange, "all">, number> = {
  "1h": 3_600_000,
  "24h": 86_400_000,
  "7d": 7 * 86_400_000,
  "30d": 30 * 86_400_000,
};
export const REQUEST_RANGE_LABELS: Record<RequestRange, string> = {
  "1h": "Last hour",
  "24h": "Last 24 hours",
  "7d": "Last 7 days",
  "30d": "Last 30 days",
  all: "Everything kept",
};

/** Verification codes the filter offers; the trail stores any code, so others are accepted too. */
export const KNOWN_OUTCOMES = [
  "VALID",
  "FORBIDDEN",
  "REVOKED",
  "EXPIRED",
  "DISABLED",
  "RATE_LIMITED",
  "USAGE_EXCEEDED",
  "NOT_FOUND",
  "MALFORMED",
] as const;
/** Methods the filter offers (lib/keys/constraints.ts has the same list, but pulls in RE2). */
export const REQUEST_METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"] as const;

/** Pseudo-outcome: every answer other than VALID. */
export const DENIED_OUTCOME = "denied";

export const PATH_MATCHES = ["prefix", "contains"] as const;

const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/g;
/** "2026-12-02T14:02" (a datetime-local value, read as UTC), with optional seconds, or a day. */
const DATE_TIME = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}(?::\d{2})?))?$/;
const CURSOR = /^(\d{1,15})_(\d{1,19})$/;

/** A UTC date-time from the filter's text, or null; a bare day means its start. */
export function parseFilterTime(value: string): Date | null {
  const match = DATE_TIME.exec(value);
  if (!match) return null;
  const date = new Date(`${match[1]}T${match[2] ?? "00:00"}${match[2]?.length === 8 ? "" : ":00"}.000Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== match[1] ? null : date;
}

export interface RequestCursor {
  atMs: number;
  id: bigint;
}

export function parseCursor(value: string | undefined): RequestCursor | null {
  const match = value ? CURSOR.exec(value) : null;
  return match ? { atMs: Number(match[1]), id: BigInt(match[2] as string) } : null;
}

export function formatCursor(cursor: RequestCursor): string {
  return `${cursor.atMs}_${cursor.id}`;
}

const text = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((value) => value.replace(CONTROL_CHARS, ""))
    .optional()
    .catch(undefined)
    .transform((value) => (value ? value : undefined));

const time = z
  .string()
  .trim()
  .refine((value) => parseFilterTime(value) !== null)
  .optional()
  .catch(undefined);

export const requestFilterSchema = z.object({
  project: z
    .string()
    .trim()
    .refine(isGuid)
    .transform((id) => id.toLowerCase())
    .optional()
    .catch(undefined),
  /** A key's Sid (key_…) or id. */
  key: text(64),
  /** A verification code (VALID, FORBIDDEN, …) or "denied" for every answer but VALID. */
  outcome: z
    .string()
    .trim()
    .transform((value) => (value.toLowerCase() === DENIED_OUTCOME ? DENIED_OUTCOME : value.toUpperCase()))
    .refine((value) => value === DENIED_OUTCOME || /^[A-Z][A-Z_]{1,31}$/.test(value))
    .optional()
    .catch(undefined),
  method: z
    .string()
    .trim()
    .regex(/^[A-Za-z]{1,16}$/)
    .transform((value) => value.toUpperCase())
    .optional()
    .catch(undefined),
  path: text(1024),
  match: z.enum(PATH_MATCHES).catch("prefix").default("prefix"),
  /** An address (203.0.113.7, 2001:db8::1) or a CIDR range (10.0.0.0/8); checked by the query. */
  ip: text(64),
  range: z.enum(REQUEST_RANGES).catch(DEFAULT_REQUEST_RANGE).default(DEFAULT_REQUEST_RANGE),
  /** UTC; when either is set they replace `range`. `to` is exclusive. */
  from: time,
  to: time,
});
export type RequestFilters = z.output<typeof requestFilterSchema>;

export const requestListParamsSchema = requestFilterSchema.extend({
  before: z.string().optional().catch(undefined),
  after: z.string().optional().catch(undefined),
});
export type RequestListParams = z.output<typeof requestListParamsSchema>;

export const REQUEST_FILTER_KEYS = ["project", "key", "outcome", "method", "path", "match", "ip", "range", "from", "to"] as const;

/** The query string for the filters (defaults left out), e.g. for links and the export. */
export function requestFilterQuery(filters: Partial<RequestFilters>, extra: Record<string, string | undefined> = {}): string {
  const query = new URLSearchParams();
  for (const name of REQUEST_FILTER_KEYS) {
    const value = filters[name];
    if (!value) continue;
    if (name === "match" && value === "prefix") continue;
    if (name === "range" && value === DEFAULT_REQUEST_RANGE) continue;
    query.set(name, value);
  }
  for (const [name, value] of Object.entries(extra)) if (value) query.set(name, value);
  return query.toString();
}

export function hasRequestFilters(filters: RequestFilters): boolean {
  return Boolean(filters.project || filters.key || filters.outcome || filters.method || filters.path || filters.ip || filters.from || filters.to);
}

/** The time window [from, to) the filters mean at `now`; `from` null = everything kept. */
export function requestWindow(filters: RequestFilters, now: Date): { from: Date | null; to: Date | null } {
  if (filters.from || filters.to) {
    return { from: filters.from ? parseFilterTime(filters.from) : null, to: filters.to ? parseFilterTime(filters.to) : null };
  }
  if (filters.range === "all") return { from: null, to: null };
  return { from: new Date(now.getTime() - REQUEST_RANGE_MS[filters.range]), to: null };
}
