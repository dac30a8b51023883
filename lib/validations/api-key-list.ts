// The keys list's URL state (?project=&q=&status=&sort=&dir=&page=). Bad values fall back to
// defaults (.catch) so a hand-edited or stale link never breaks the page.
import { z } from "zod";

export const KEY_STATUSES = ["active", "disabled", "expired", "revoked"] as const;
export type KeyStatus = (typeof KEY_STATUSES)[number];
export const KEY_SORTS = ["name", "createdAt", "expiresAt", "lastUsedAt"] as const;
export type KeySort = (typeof KEY_SORTS)[number];
export const KEY_PAGE_SIZE = 25;

export const apiKeyListParamsSchema = z.object({
  project: z.string().trim().max(64).optional().catch(undefined),
  q: z
    .string()
    .trim()
    .max(100)
    .catch("")
    .default("")
    .transform((q) => q.replace(/[\u0000-\u001f\u007f]/g, "")),
  status: z.enum(["all", ...KEY_STATUSES]).catch("all").default("all"),
  sort: z.enum(KEY_SORTS).catch("createdAt").default("createdAt"),
  dir: z.enum(["asc", "desc"]).catch("desc").default("desc"),
  page: z.coerce.number().int().min(1).max(100_000).catch(1).default(1),
});
export type ApiKeyListParams = z.output<typeof apiKeyListParamsSchema>;

/** searchParams values may be arrays (?q=a&q=b); the first one wins. */
export function firstValues(params: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
}
