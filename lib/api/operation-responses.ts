// The answers the operation table (lib/api/operations*.ts) writes again and again, once: a body
// with its schema, the one error shape with what a code means for this operation, and the
// failures every unauthenticated operation shares. (What every management operation shares —
// 401, 403, 429, 500, 503, the body's 400/413/422, Idempotency-Key's 409 — the document adds
// itself: lib/api/openapi.ts, responsesOf.) Framework-free, like the table.
import type { z } from "zod";
import type { Example, ResponseSpec } from "@/lib/api/operation-types";
import { errorSchema } from "@/lib/api/schemas";

const withExamples = (examples: Record<string, Example> | undefined) => (examples ? { examples } : {});

/** A JSON body of `schema`. */
export function ok(description: string, schema: z.ZodType, examples?: Record<string, Example>): ResponseSpec {
  return { description, schema, ...withExamples(examples) };
}

/** The one error shape; `description` says which codes this operation answers with it, and when. */
export function failure(description: string, examples?: Record<string, Example>): ResponseSpec {
  return { description, schema: errorSchema, ...withExamples(examples) };
}

/** 404 `not_found`, optionally saying of what ("no such project"). */
export function notFound(detail?: string, examples?: Record<string, Example>): ResponseSpec {
  return failure(detail ? `\`not_found\`: ${detail}` : "`not_found`", examples);
}

/** 409 of a POST or DELETE: `conflict` when `detail`, or a retry while the first request still runs. */
export function conflictOrInUse(detail: string): ResponseSpec {
  return failure(`\`conflict\`: ${detail}; or \`idempotency_key_in_use\``);
}

const INVALID_JSON = "`invalid_json`: the body is not JSON";

/** A body that is not JSON: every operation that reads one. */
export const invalidJson = (): ResponseSpec => failure(INVALID_JSON);

/** What an unauthenticated operation that reads the database answers when that fails. */
export const publicFailures = (): Record<500 | 503, ResponseSpec> => ({
  500: failure("`internal_error`"),
  503: failure("`unavailable`: the database cannot be reached"),
});
