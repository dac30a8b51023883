// The database side of the limiter: one statement per lease, hand-back or peek, each a call of a
// function from migration 20261202000100_usage_limits (atomic on its own, so no transaction and no
// extra round trips). Plain `pg` with named statements: each connection plans them once.
//
// Takes any pg-like client (a Pool in production, tests may pass another), so this module stays
// free of Next, Prisma and lib/services.

/** What the store needs of a pg.Pool. */
export interface Queryable {
  query<R extends object>(config: { name?: string; text: string; values?: unknown[] }): Promise<{ rows: R[] }>;
}

export interface WindowLeaseRequest {
  name: string;
  durationMs: number;
  limit: number;
  windowStart: number;
  /** At least this many tokens, or the whole lease grants nothing. */
  need: number;
  /** Up to this many (≥ need). */
  want: number;
}

export interface LeaseRequest {
  keyId: string;
  version: number;
  instanceId: string;
  windows: WindowLeaseRequest[];
  /** null: the credits are not part of this lease. */
  credits: { need: number; want: number; keep: number; period: number } | null;
  ttlMs: number;
}

export interface LeaseResponse {
  stale: boolean;
  /** Index-aligned with the request's windows. */
  windows: { granted: number; used: number }[];
  credits: { granted: number; remaining: number } | null;
}

export interface ReleaseRequest {
  keyId: string;
  instanceId: string;
  windows: { name: string; durationMs: number; windowStart: number; tokens: number }[];
  credits: { tokens: number; period: number } | null;
}

export interface PeekResponse {
  windows: { name: string; durationMs: number; windowStart: number; granted: number }[];
  /** null when the key has no credits row. `held`: live leases of the current period. */
  credits: { remaining: number; period: number; held: number; heldByOthers: number } | null;
}

export interface LimitStore {
  lease(request: LeaseRequest): Promise<LeaseResponse>;
  release(request: ReleaseRequest): Promise<void>;
  peek(keyId: string, instanceId: string): Promise<PeekResponse>;
  /** Statements sent so far (the benchmark's server-side count). */
  statements(): number;
}

const LEASE = {
  name: "keydesk_limits_lease",
  text: `SELECT stale, granted, used, credit_granted, credit_remaining
           FROM keydesk_limits_lease($1::uuid, $2::int, $3::uuid, $4::text[], $5::int[], $6::int[], $7::bigint[],
                                     $8::int[], $9::int[], $10::bigint, $11::bigint, $12::bigint, $13::bigint, $14::int)`,
};

const RELEASE = {
  name: "keydesk_limits_release",
  text: `SELECT keydesk_limits_release($1::uuid, $2::uuid, $3::text[], $4::int[], $5::bigint[], $6::int[], $7::bigint, $8::bigint)`,
};

const PEEK = {
  name: "keydesk_limits_peek",
  text: `SELECT (SELECT coalesce(json_agg(json_build_object('name', w."name", 'durationMs', w."durationMs",
                                                          'windowStart', w."windowStart", 'granted', w."granted")), '[]'::json)
                   FROM "RateLimitWindow" w WHERE w."keyId" = $1::uuid) AS windows,
                (SELECT json_build_object(
                          'remaining', c."remaining", 'period', c."period",
                          'held', (SELECT coalesce(sum(l."outstanding"), 0) FROM "CreditLease" l
                                    WHERE l."keyId" = c."keyId" AND l."period" = c."period" AND l."expiresAt" > clock_timestamp()),
                          'heldByOthers', (SELECT coalesce(sum(l."outstanding"), 0) FROM "CreditLease" l
                                    WHERE l."keyId" = c."keyId" AND l."period" = c."period" AND l."expiresAt" > clock_timestamp()
                                      AND l."instanceId" <> $2::uuid))
                   FROM "ApiKeyCredits" c WHERE c."keyId" = $1::uuid) AS credits`,
};

interface LeaseRow {
  stale: boolean;
  granted: number[] | null;
  used: number[] | null;
  credit_granted: string | null;
  credit_remaining: string | null;
}

interface PeekRow {
  windows: { name: string; durationMs: number; windowStart: number | string; granted: number }[];
  credits: { remaining: number | string; period: number | string; held: number | string; heldByOthers: number | string } | null;
}

export class PgLimitStore implements LimitStore {
  private sent = 0;

  constructor(private readonly db: Queryable) {}

  async lease(request: LeaseRequest): Promise<LeaseResponse> {
    const w = request.windows;
    const c = request.credits;
    this.sent += 1;
    const { rows } = await this.db.query<LeaseRow>({
      ...LEASE,
      values: [
        request.keyId,
        request.version,
        request.instanceId,
        w.map((x) => x.name),
        w.map((x) => x.durationMs),
        w.map((x) => x.limit),
        w.map((x) => x.windowStart),
        w.map((x) => x.need),
        w.map((x) => x.want),
        c?.need ?? 0,
        c?.want ?? 0,
        c?.keep ?? null,
        c?.period ?? 0,
        request.ttlMs,
      ],
    });
    const row = rows[0];
    if (!row) throw new Error("keydesk_limits_lease returned no row");
    if (row.stale) return { stale: true, windows: [], credits: null };
    const granted = row.granted ?? [];
    const used = row.used ?? [];
    return {
      stale: false,
      windows: w.map((_, i) => ({ granted: granted[i] ?? 0, used: used[i] ?? 0 })),
      credits: c === null ? null : { granted: Number(row.credit_granted ?? 0), remaining: Number(row.credit_remaining ?? 0) },
    };
  }

  async release(request: ReleaseRequest): Promise<void> {
    const w = request.windows;
    this.sent += 1;
    await this.db.query({
      ...RELEASE,
      values: [
        request.keyId,
        request.instanceId,
        w.map((x) => x.name),
        w.map((x) => x.durationMs),
        w.map((x) => x.windowStart),
        w.map((x) => x.tokens),
        request.credits?.tokens ?? null,
        request.credits?.period ?? 0,
      ],
    });
  }

  async peek(keyId: string, instanceId: string): Promise<PeekResponse> {
    this.sent += 1;
    const { rows } = await this.db.query<PeekRow>({ ...PEEK, values: [keyId, instanceId] });
    const row = rows[0];
    return {
      windows: (row?.windows ?? []).map((x) => ({ ...x, windowStart: Number(x.windowStart) })),
      credits: row?.credits
        ? {
            remaining: Number(row.credits.remaining),
            period: Number(row.credits.period),
            held: Number(row.credits.held),
            heldByOthers: Number(row.credits.heldByOthers),
          }
        : null,
    };
  }

  statements(): number {
    return this.sent;
  }
}
