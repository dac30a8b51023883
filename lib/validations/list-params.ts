// The URL state every dashboard list shares: the search box (?q=), the sort direction (?dir=),
// the page (?page=), and reading Next's searchParams. Bad values fall back to defaults (.catch),
// so a hand-edited or stale link never breaks a page. Shared with client components: no server
// imports here.
import { z } from "zod";
import { isWellFormedText } from "@/lib/validations/text";

/** Trimmed, at most 100 characters, control characters dropped. */
export const listSearchSchema = z
  .string()
  .trim()
  .max(100)
  // A lone surrogate cannot be sent to PostgreSQL: search for nothing instead of failing.
  .refine(isWellFormedText)
  .catch("")
  .default("")
  .transform((q) => q.replace(/[\u0000-\u001f\u007f]/g, ""));

export function sortDirSchema(fallback: "asc" | "desc") {
  return z.enum(["asc", "desc"]).catch(fallback).default(fallback);
}

export const listPageSchema = z.coerce.number().int().min(1).max(100_000).catch(1).default(1);

/** searchParams values may be arrays (?q=a&q=b); the first one wins. */
export function firstValues(params: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(params).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
}
