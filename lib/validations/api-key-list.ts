// The keys list's URL state (?project=&q=&status=&sort=&dir=&page=). Bad values fall back to
// defaults (.catch) so a hand-edited or stale link never breaks the page.
import { z } from "zod";
import { KEY_STATUSES } from "@/lib/keys/status";
import { listPageSchema, listSearchSchema, sortDirSchema } from "@/lib/validations/list-params";

// lib/api/operations.ts reads the statuses through the list's schema module.
export const KEY_SORTS = ["name", "createdAt", "expiresAt", "lastUsedAt"] as const;
export type KeySort = (typeof KEY_SORTS)[number];
export const KEY_PAGE_SIZE = 25;

export const apiKeyListParamsSchema = z.object({
  project: z.string().trim().max(64).optional().catch(undefined),
  q: listSearchSchema,
  status: z.enum(["all", ...KEY_STATUSES]).catch("all").default("all"),
  sort: z.enum(KEY_SORTS).catch("createdAt").default("createdAt"),
  dir: sortDirSchema("desc"),
  page: listPageSchema,
});
export type ApiKeyListParams = z.output<typeof apiKeyListParamsSchema>;
