// The verification endpoint's request and answer as zod schemas, named components of the
// document like lib/api/schemas.ts. server/verify-handler.ts answers it without zod (the hot path);
// the contract test holds its answers to these.
import { z } from "zod";
import { HTTP_METHODS } from "@/lib/keys/constraints";
import { MAX_COST, REFILL_INTERVALS } from "@/lib/keys/limits/types";
import { component, constraintSchema, externalIdSchema, keySidSchema, metadataSchema } from "@/lib/api/schemas";

const nullableTimestamp = z.iso.datetime({ offset: true }).describe("An RFC 3339 date-time in UTC").nullable();


export const verifyRequestSchema = component(
  "VerifyRequest",
  z.object({
    key: z.string().describe("The secret presented to your API"),
    project: z
      .string()
      .describe("The slug (e.g. `default`) or id of the project your API belongs to. Only keys of this project verify; management keys verify only with `keydesk-api`."),
    method: z.enum(HTTP_METHODS).optional().describe("The method of the request being authorised"),
    path: z.string().optional().describe("The path of the request being authorised"),
    ip: z.string().optional().describe("The client's address, IPv4 or IPv6 without a port; needed by keys with ip constraints"),
    userAgent: z.string().optional().describe("Your client's User-Agent, for the request trail"),
    requestId: z.string().optional().describe("Your own id for the request, for the request trail"),
    cost: z.number().int().min(0).max(MAX_COST).optional().describe("What the request takes from the key's rate limits and credits, default 1; 0 checks without consuming"),
  }),
  "A presented key and, for keys with constraints, the request it should authorise. Other fields are ignored.",
);

const limitsState = {
  ratelimits: z
    .array(z.strictObject({ name: z.string(), limit: z.number().int(), remaining: z.number().int(), reset: z.number().int().describe("Epoch milliseconds when the current window ends") }))
    .optional()
    .describe("For a key with rate limits"),
  credits: z
    .strictObject({
      remaining: z.number().int(),
      refill: z
        .strictObject({ interval: z.enum(REFILL_INTERVALS), amount: z.number().int(), refillDay: z.number().int().optional(), nextRefillAt: z.number().int().describe("Epoch milliseconds") })
        .optional(),
    })
    .optional()
    .describe("For a key with credits"),
};

export const verifyResponseSchema = component(
  "VerifyResponse",
  z.strictObject({
    valid: z.boolean(),
    code: z
      .enum(["VALID", "MALFORMED", "NOT_FOUND", "REVOKED", "EXPIRED", "DISABLED", "FORBIDDEN", "RATE_LIMITED", "USAGE_EXCEEDED", "UNAVAILABLE"])
      .describe("Why a key is not valid. NOT_FOUND also for a key of another project and for an archived project, always without `key`."),
    key: z
      .strictObject({
        id: keySidSchema,
        name: z.string(),
        projectId: z.uuid(),
        externalId: externalIdSchema.nullable(),
        metadata: metadataSchema,
        expiresAt: nullableTimestamp,
      })
      .optional()
      .describe("Present for keys of the asking project"),
    matchedConstraint: constraintSchema.nullable().optional().describe("On VALID: the path/verb rule that allowed the request, null when the key has none"),
    ...limitsState,
  }),
  "The verdict; `code` says why a key is not valid",
);
