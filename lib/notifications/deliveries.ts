// Sends due webhook deliveries. At-least-once: a delivery is claimed by moving its nextAttemptAt
// past a lease (one UPDATE over a FOR UPDATE SKIP LOCKED selection, so of N instances exactly
// one claims it), then attempted outside any transaction. If the process dies mid-request the
// lease runs out and another attempt follows; receivers deduplicate on webhook-id.
//
// Failed attempts are retried with exponential backoff and jitter until 24 hours after the
// delivery was created, then the delivery is marked failed. Every attempt is logged with its
// status code, duration and the start of the answer (WebhookAttempt).
import { db } from "@/lib/db";
import { DAY_MS } from "@/lib/dates";
import { postJson, PostError } from "@/lib/notifications/http-post";
import { open } from "@/lib/notifications/secret-box";
import { signedHeaders } from "@/lib/notifications/signing";
import { allowPrivateFromEnv, checkWebhookUrl, type Resolver } from "@/lib/notifications/ssrf";

export const RETRY_WINDOW_MS = DAY_MS;
const FIRST_RETRY_MS = 30_000;
const MAX_RETRY_MS = 2 * 60 * 60 * 1000;
/** Longer than any attempt can take, so a lease only runs out when its holder died. */
const LEASE_MS = 2 * 60 * 1000;
const DEFAULT_TIMEOUT_MS = 15_000;
const BATCH_SIZE = 10;

export interface DeliveryOptions {
  now?: () => Date;
  random?: () => number;
  allowPrivate?: boolean;
  resolve?: Resolver;
  timeoutMs?: number;
  batchSize?: number;
}

/** Delay before the attempt after `attempt` failed: 30 s doubling to 2 h, ±25 % jitter. */
export function retryDelayMs(attempt: number, random: () => number = Math.random): number {
  const base = Math.min(MAX_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.75 + random() * 0.5));
}

interface Claimed {
  id: string;
  endpointId: string;
  eventId: string;
  attempts: number;
  createdAt: Date;
}

type Outcome =
  | { ok: true; statusCode: number; body: string; durationMs: number }
  /** `final`: retrying cannot help (the endpoint is gone or disabled). */
  | { ok: false; statusCode: number | null; error: string; body: string | null; durationMs: number; final?: boolean };

async function attempt(delivery: Claimed, options: Required<Pick<DeliveryOptions, "now" | "allowPrivate" | "timeoutMs">> & { resolve?: Resolver }): Promise<Outcome> {
  const [endpoint, event] = await Promise.all([
    db.webhookEndpoint.findUnique({ where: { id: delivery.endpointId } }),
    db.outboxEvent.findUnique({ where: { id: BigInt(delivery.eventId) }, select: { eventId: true, body: true } }),
  ]);
  const failed = (error: string, final = false): Outcome => ({ ok: false, statusCode: null, error, body: null, durationMs: 0, final });
  if (!endpoint || !event) return failed("The endpoint or the event no longer exists", true);
  if (!endpoint.enabled) return failed("The endpoint is disabled", true);

  const target = await checkWebhookUrl(endpoint.url, { allowPrivate: options.allowPrivate, resolve: options.resolve });
  if (!target.ok) return failed(target.message);

  const sentAt = options.now();
  let secrets: string[];
  try {
    secrets = [open(endpoint.secretCiphertext)];
    if (endpoint.previousSecretCiphertext && endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > sentAt) {
      secrets.push(open(endpoint.previousSecretCiphertext));
    }
  } catch (error) {
    return failed(error instanceof Error ? error.message : "The signing secret cannot be read");
  }
  const headers = { ...signedHeaders(secrets, event.eventId, sentAt, event.body), "user-agent": "Keydesk-Webhooks/1" };
  try {
    const response = await postJson(target, event.body, headers, options.timeoutMs);
    if (response.statusCode >= 200 && response.statusCode < 300) return { ok: true, ...response };
    const redirect = response.statusCode >= 300 && response.statusCode < 400 ? " (redirects are not followed)" : "";
    return { ok: false, statusCode: response.statusCode, error: `HTTP ${response.statusCode}${redirect}`, body: response.body, durationMs: response.durationMs };
  } catch (error) {
    const durationMs = error instanceof PostError ? error.durationMs : 0;
    return { ok: false, statusCode: null, error: error instanceof Error ? error.message : "Request failed", body: null, durationMs };
  }
}

async function record(delivery: Claimed, startedAt: Date, outcome: Outcome, finishedAt: Date, random: () => number): Promise<void> {
  const retryAt = new Date(finishedAt.getTime() + retryDelayMs(delivery.attempts, random));
  const windowOver = retryAt.getTime() > delivery.createdAt.getTime() + RETRY_WINDOW_MS;
  const givesUp = !outcome.ok && (outcome.final === true || windowOver);
  const status = outcome.ok ? "succeeded" : givesUp ? "failed" : "pending";
  const error = outcome.ok ? null : givesUp && !outcome.final ? `${outcome.error}; gave up after 24 hours of retries` : outcome.error;
  await db.$transaction([
    db.webhookAttempt.create({
      data: {
        deliveryId: delivery.id,
        attempt: delivery.attempts,
        startedAt,
        durationMs: outcome.durationMs,
        statusCode: outcome.statusCode,
        error: outcome.ok ? null : outcome.error.slice(0, 500),
        responseBody: outcome.body,
      },
    }),
    // Guarded by the attempt number: a lease that ran out and was re-claimed must not be
    // overwritten by the slower, older attempt.
    db.webhookDelivery.updateMany({
      where: { id: delivery.id, attempts: delivery.attempts, status: "pending" },
      data: {
        status,
        nextAttemptAt: status === "pending" ? retryAt : finishedAt,
        completedAt: status === "pending" ? null : finishedAt,
        lastStatusCode: outcome.statusCode,
        lastError: error?.slice(0, 500) ?? null,
        lastDurationMs: outcome.durationMs,
      },
    }),
  ]);
}

/** Claims and attempts the deliveries that are due; returns how many were attempted. */
export async function deliverDue(options: DeliveryOptions = {}): Promise<number> {
  const now = options.now ?? (() => new Date());
  const random = options.random ?? Math.random;
  const settings = {
    now,
    allowPrivate: options.allowPrivate ?? allowPrivateFromEnv(),
    timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    resolve: options.resolve,
  };
  const claimedAt = now();
  const claimed = await db.$queryRaw<Claimed[]>`
    UPDATE "WebhookDelivery" d
       SET "attempts" = d."attempts" + 1, "nextAttemptAt" = ${new Date(claimedAt.getTime() + LEASE_MS)}
      FROM (SELECT "id" FROM "WebhookDelivery"
             WHERE "status" = 'pending' AND "nextAttemptAt" <= ${claimedAt}
             ORDER BY "nextAttemptAt" LIMIT ${options.batchSize ?? BATCH_SIZE}
             FOR UPDATE SKIP LOCKED) due
     WHERE d."id" = due."id"
    RETURNING d."id", d."endpointId", d."eventId"::text AS "eventId", d."attempts", d."createdAt"`;
  await Promise.all(
    claimed.map(async (delivery) => {
      const startedAt = now();
      const outcome = await attempt(delivery, settings);
      await record(delivery, startedAt, outcome, now(), random);
    }),
  );
  return claimed.length;
}
