// The weekly digest of stale keys: live keys nobody has used successfully for 90 days (never-used
// keys count from their creation). Administrators get every such key; a creator who is not an
// administrator gets their own. One mail per person and ISO week (its dedupe key), only when
// there is something to say, never about canary keys (unused is their purpose).
import { db } from "@/lib/db";
import { DAY_MS } from "@/lib/dates";
import { mailSettings, publicBaseUrl } from "@/lib/notifications/mail/config";
import { enqueueMail, type QueuedMail } from "@/lib/notifications/mail/queue";
import { staleDigest, type MailKey } from "@/lib/notifications/mail/templates";

const STALE_AFTER_DAYS = 90;
/** More than any digest lists; beyond it the count still comes from the query. */
const MAX_KEYS = 5000;

/** "2026-W49": the ISO week `date` (UTC) falls in. */
export function isoWeek(date: Date): string {
  const day = new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
  const weekday = day.getUTCDay() || 7;
  day.setUTCDate(day.getUTCDate() + 4 - weekday);
  const yearStart = Date.UTC(day.getUTCFullYear(), 0, 1);
  const week = Math.ceil(((day.getTime() - yearStart) / DAY_MS + 1) / 7);
  return `${day.getUTCFullYear()}-W${String(week).padStart(2, "0")}`;
}

/** The next Monday 08:00 UTC strictly after `now`. */
export function nextDigestTime(now: Date): Date {
  const next = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), 8));
  const daysToMonday = (8 - (next.getUTCDay() || 7)) % 7;
  next.setUTCDate(next.getUTCDate() + daysToMonday);
  if (next <= now) next.setUTCDate(next.getUTCDate() + 7);
  return next;
}

export async function queueStaleDigests(now: Date = new Date()): Promise<number> {
  if (!mailSettings().enabled) return 0;
  const cutoff = new Date(now.getTime() - STALE_AFTER_DAYS * DAY_MS);
  const keys = await db.apiKey.findMany({
    where: {
      revokedAt: null,
      replacedById: null,
      canary: false,
      project: { archivedAt: null },
      OR: [{ expiresAt: null }, { expiresAt: { gt: now } }],
      AND: [{ OR: [{ lastUsedAt: { lt: cutoff } }, { lastUsedAt: null, createdAt: { lt: cutoff } }] }],
    },
    select: { publicId: true, name: true, displayPrefix: true, last4: true, expiresAt: true, lastUsedAt: true, createdAt: true, createdById: true, project: { select: { name: true } } },
    orderBy: [{ lastUsedAt: { sort: "asc", nulls: "first" } }, { createdAt: "asc" }],
    take: MAX_KEYS,
  });
  if (keys.length === 0) return 0;
  const creators = [...new Set(keys.map((key) => key.createdById).filter((id): id is string => id !== null))];
  const users = await db.user.findMany({
    where: { active: true, emailReminders: true, OR: [{ role: "admin" }, { id: { in: creators } }] },
    select: { id: true, email: true, name: true, role: true },
  });
  const week = isoWeek(now);
  const baseUrl = publicBaseUrl();
  const messages: QueuedMail[] = [];
  for (const user of users) {
    const theirs = user.role === "admin" ? keys : keys.filter((key) => key.createdById === user.id);
    if (theirs.length === 0) continue;
    const mailKeys: MailKey[] = theirs.map((key) => ({
      publicId: key.publicId,
      name: key.name,
      maskedKey: `${key.displayPrefix}\u2026${key.last4}`,
      projectName: key.project.name,
      expiresAt: key.expiresAt,
      lastUsedAt: key.lastUsedAt,
      createdAt: key.createdAt,
    }));
    messages.push({
      dedupeKey: `digest:${week}:${user.id}`,
      kind: "digest",
      to: user,
      content: staleDigest({ name: user.name, keys: mailKeys, total: mailKeys.length, baseUrl, unusedDays: STALE_AFTER_DAYS }),
      at: now,
    });
  }
  return db.$transaction((tx) => enqueueMail(tx, messages));
}
