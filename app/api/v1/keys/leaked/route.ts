// POST /api/v1/keys/leaked — report secrets found in the wild (no authentication needed)
//
// The body is GitHub's credential-revocation shape, `{ "credentials": [{ "token", "url"? }] }`,
// at most 100 per request. Every well-formed report gets the same 202 whether or not its
// secrets exist: they are matched later, by the notification worker, so neither the answer nor
// its timing tells a prober anything. Rate-limited per client IP.
import { ApiError } from "@/lib/api/errors";
import { publicRoute } from "@/lib/api/handler";
import { operations } from "@/lib/api/operations";
import { createRateLimiter } from "@/lib/api/rate-limit";
import { pokeNotifications } from "@/lib/notifications/poke";
import { reportLeakedCredentials } from "@/lib/services/leak-reports";
import { MAX_LEAK_REPORT_BYTES } from "@/lib/validations/leak-report";

/** 30 reports a minute per client: plenty for a scanner, little for someone guessing. */
const limiter = createRateLimiter(Number(process.env.KEYDESK_LEAK_REPORTS_PER_MINUTE ?? 30), 60_000);

export const POST = publicRoute(
  operations.reportLeaked,
  async ({ context, body }) => {
    const { received } = await reportLeakedCredentials(body, context);
    pokeNotifications();
    return { status: 202, body: { received } };
  },
  {
    maxBodyBytes: MAX_LEAK_REPORT_BYTES,
    admit: (context) => {
      const verdict = limiter.take(context.ip ?? "unknown");
      if (!verdict.allowed) {
        throw new ApiError(429, "rate_limited", `Too many reports from this address. Retry in ${verdict.retryAfterSeconds} s.`, undefined, {
          "retry-after": String(verdict.retryAfterSeconds),
        });
      }
    },
  },
);
