// The audit log's URL state (?actor=&action=&key=&project=&from=&to=&page=), shared by the page
// and the CSV export so both see exactly the same events. Bad values fall back to "no filter"
// (.catch), so a hand-edited or stale link never breaks the page.
import { z } from "zod";
import { isGuid } from "@/lib/ids";
import { listPageSchema } from "@/lib/validations/list-params";

export const AUDIT_PAGE_SIZE = 50;

/** Actions the services write today, for the filter's suggestions; the log may hold others. */
export const KNOWN_AUDIT_ACTIONS = [
  "api.denied",
  "audit.exported",
  "auth.sign_in_failed",
  "auth.sign_in_throttled",
  "auth.signed_in",
  "auth.signed_out",
  "key.canary_used",
  "key.created",
  "key.credits_added",
  "key.disabled",
  "key.enabled",
  "key.expiry_changed",
  "key.limits_updated",
  "key.leaked",
  "key.revoked",
  "key.rolled",
  "key.updated",
  "project.archived",
  "project.created",
  "project.updated",
  "requests.exported",
  "setup.completed",
  "user.created",
  "user.deactivated",
  "user.invited",
  "user.password_changed",
  "user.password_reset",
  "user.password_set",
  "user.profile_updated",
  "user.reactivated",
  "user.notifications_updated",
  "user.role_changed",
  "webhook.created",
  "webhook.deleted",
  "webhook.disabled",
  "webhook.enabled",
  "webhook.redelivered",
  "webhook.secret_rotated",
  "webhook.test_sent",
  "webhook.updated",
] as const;

const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/g;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A real calendar day as YYYY-MM-DD (2025-02-30 is refused rather than rolled over). */
export function parseDay(value: string): Date | null {
  if (!DAY.test(value)) return null;
  const date = new Date(`${value}T00:00:00.000Z`);
  return Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value ? null : date;
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

const day = z
  .string()
  .trim()
  .refine((value) => parseDay(value) !== null)
  .optional()
  .catch(undefined)
  .transform((value) => (value ? value : undefined));

export const auditFilterSchema = z.object({
  /** Text in the actor's label (email, key name or Sid), or a user's id. */
  actor: text(320),
  /** An exact action, or a family with a trailing "." or ".*" (e.g. "key.*"). */
  action: text(64),
  /** A key's Sid (key_…) or id: events about the key or performed by it. */
  key: text(64),
  project: z
    .string()
    .trim()
    .refine(isGuid)
    .transform((id) => id.toLowerCase())
    .optional()
    .catch(undefined),
  /** Inclusive UTC days. */
  from: day,
  to: day,
});
/** Every filter is optional; the schema's output (all keys present) fits too. */
export interface AuditFilters {
  actor?: string;
  action?: string;
  key?: string;
  project?: string;
  from?: string;
  to?: string;
}

export const auditListParamsSchema = auditFilterSchema.extend({
  page: listPageSchema,
});
export type AuditListParams = z.output<typeof auditListParamsSchema>;

export const AUDIT_FILTER_KEYS = ["actor", "action", "key", "project", "from", "to"] as const satisfies readonly (keyof AuditFilters)[];

/** The query string for a set of filters (empty ones left out), e.g. for the export link. */
export function auditFilterQuery(filters: AuditFilters, extra: Record<string, string | undefined> = {}): string {
  const query = new URLSearchParams();
  for (const name of AUDIT_FILTER_KEYS) {
    const value = filters[name];
    if (value) query.set(name, value);
  }
  for (const [name, value] of Object.entries(extra)) if (value) query.set(name, value);
  return query.toString();
}

export function hasAuditFilters(filters: AuditFilters): boolean {
  return AUDIT_FILTER_KEYS.some((name) => Boolean(filters[name]));
}

/**
 * A chain head from an earlier CSV export (its last line: target_id and hash), to check that the
 * log still holds it. Both empty means "no export to compare with".
 */
export const exportedHeadSchema = z
  .object({
    headId: z.string().trim().default(""),
    headHash: z.string().trim().toLowerCase().default(""),
  })
  .superRefine((value, ctx) => {
    if (!value.headId && !value.headHash) return;
    if (!/^\d{1,19}$/.test(value.headId)) ctx.addIssue({ code: "custom", path: ["headId"], message: "Enter the event number from the export's last line, e.g. 1234." });
    if (!/^[0-9a-f]{64}$/.test(value.headHash)) ctx.addIssue({ code: "custom", path: ["headHash"], message: "Enter the 64-character hash from the export's last line." });
  })
  .transform((value) => (value.headId && value.headHash ? { id: value.headId, hash: value.headHash } : null));
