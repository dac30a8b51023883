// What an operation of the REST API is (lib/api/operations.ts lists them) and the parameters every
// list shares. Framework-free: the custom server's edge reads the table too.
import { z } from "zod";
import type { Permission } from "@/lib/auth/permissions";

export type HttpVerb = "get" | "post" | "patch" | "delete";

/** A named example of a request or response body (the document's `examples` map). */
export interface Example {
  summary: string;
  value: unknown;
}

/**
 * Examples of `schema`'s bodies, typed by it: an example that no longer fits the schema's shape
 * does not compile (the contract test checks the rest — formats, patterns, bounds — with ajv).
 */
export function examplesOf<S extends z.ZodType>(_schema: S, examples: Record<string, { summary: string; value: z.input<S> }>): Record<string, Example> {
  return examples;
}

export interface ResponseSpec {
  description: string;
  /** Absent for answers without a body. */
  schema?: z.ZodType;
  /** A body that is not JSON: its media types (each a string). */
  text?: string[];
  examples?: Record<string, Example>;
}

export interface Operation {
  operationId: string;
  method: HttpVerb;
  /** An OpenAPI path template, e.g. /api/v1/keys/{keyId}. */
  path: string;
  summary: string;
  description?: string;
  tag: "Keys" | "Projects" | "Verification" | "Webhooks" | "Leak reports" | "Meta";
  /** A management key with this permission, or no authentication at all. */
  auth: { permission: Permission } | "none";
  pathParams?: z.ZodObject;
  query?: z.ZodObject;
  body?: { schema: z.ZodType; required: boolean; examples?: Record<string, Example> };
  /** Answers particular to this operation; the ones every operation of its kind shares are added by `responsesOf`. */
  responses: Record<number, ResponseSpec>;
}

/** `limit` and the cursor of every list, Stripe's names: an opaque token from `nextCursor`. */
export const PAGE_LIMIT_DEFAULT = 25;
export const PAGE_LIMIT_MAX = 100;
const cursorToken = z.string().min(1).max(1024);
export const pageParams = {
  limit: z.coerce.number().int().min(1).max(PAGE_LIMIT_MAX).default(PAGE_LIMIT_DEFAULT).describe(`Items per page, 1–${PAGE_LIMIT_MAX}`),
  starting_after: cursorToken.optional().describe("The `nextCursor` of the previous page; omit for the first page"),
  cursor: cursorToken.optional().describe("Another name for `starting_after` (send one of the two)"),
};

/** POST and DELETE with a management key take `Idempotency-Key`. */
export function isIdempotent(operation: Operation): boolean {
  return operation.auth !== "none" && (operation.method === "post" || operation.method === "delete");
}
