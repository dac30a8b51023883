// Throttled sign-in attempts in the audit log, without one event each. A locked account under
// attack used to write an audit event per refused attempt, each under the audit chain's global
// lock (400 attempts, 399 events). Now refusals are counted per (email, client IP, minute) in
// SignInRefusal: the first of a minute is audited at once, and the rest become one summary event
// ("399 more …") once the minute is over — written by the next refusal or successful sign-in
// anywhere, whichever comes first. Counting takes no audit lock.
import { recordAudit, type RequestContext } from "@/lib/audit";
import { db, type Tx } from "@/lib/db";

const MINUTE_MS = 60_000;

function minuteOf(now: Date): Date {
  return new Date(Math.floor(now.getTime() / MINUTE_MS) * MINUTE_MS);
}

/** Counts one refused attempt; audits it when it is the first for this email and IP this minute. */
export async function recordRefusedSignIn(
  email: string,
  context: RequestContext | null,
  retryAfterMs: number,
  now = new Date(),
): Promise<void> {
  const ip = context?.ip?.slice(0, 64) ?? "";
  const minute = minuteOf(now);
  const [row] = await db.$queryRaw<Array<{ count: number }>>`
    INSERT INTO "SignInRefusal" ("email", "ip", "minute", "count") VALUES (${email}, ${ip}, ${minute}, 1)
    ON CONFLICT ("email", "ip", "minute") DO UPDATE SET "count" = "SignInRefusal"."count" + 1
    RETURNING "count"`;
  if (row?.count !== 1) return;
  await db.$transaction(async (tx) => {
    await recordAudit(tx, {
      actor: { type: "anonymous", label: email },
      action: "auth.sign_in_throttled",
      summary: `Sign-in for ${email} refused: too many failed attempts`,
      metadata: { retryAfterSeconds: Math.ceil(retryAfterMs / 1000), attempts: 1 },
      context,
    });
    await flushRefusalSummaries(tx, now);
  });
}

/**
 * Turns the counts of minutes that are over into summary events (one per email, IP and minute
 * with more than the one audited attempt) and forgets them. Safe to run concurrently: each row
 * is deleted, and so summarised, once.
 */
export async function flushRefusalSummaries(tx: Tx, now = new Date()): Promise<number> {
  const done = await tx.$queryRaw<Array<{ email: string; ip: string; minute: Date; count: number }>>`
    DELETE FROM "SignInRefusal" WHERE "minute" < ${minuteOf(now)}
    RETURNING "email", "ip", "minute", "count"`;
  const repeated = done.filter((row) => row.count > 1).sort((a, b) => a.minute.getTime() - b.minute.getTime());
  for (const row of repeated) {
    const more = row.count - 1;
    const from = row.minute.toISOString().slice(11, 16);
    await recordAudit(tx, {
      actor: { type: "anonymous", label: row.email },
      action: "auth.sign_in_throttled",
      summary: `${more} more sign-in attempt${more === 1 ? "" : "s"} for ${row.email} refused in the minute from ${from} UTC: too many failed attempts`,
      metadata: { attempts: more, minute: row.minute.toISOString(), summary: true },
      context: { ip: row.ip || null, userAgent: null },
    });
  }
  return repeated.length;
}
