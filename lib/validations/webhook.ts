import { z } from "zod";
import { SUBSCRIBABLE_EVENT_TYPES } from "@/lib/notifications/event-types";

/**
 * Schemas for webhook endpoints, shared by the Admin → Webhooks forms, their server actions, the
 * REST API and the OpenAPI document. They accept JSON and `formData` alike (event types as a
 * list or a single string, the project as "" for every project, a checkbox as "on").
 * Browser-safe: the address rules that need DNS run in the service (lib/notifications/ssrf.ts).
 */

export const WEBHOOK_URL_MAX_LENGTH = 2048;
export const WEBHOOK_DESCRIPTION_MAX_LENGTH = 200;

/** How long the old secret keeps signing after a rotation (the receiver's switch-over time). */
export const ROTATION_OVERLAPS = ["none", "1h", "24h", "7d"] as const;
export type RotationOverlap = (typeof ROTATION_OVERLAPS)[number];
export const OVERLAP_MS: Record<RotationOverlap, number> = { none: 0, "1h": 3_600_000, "24h": 86_400_000, "7d": 604_800_000 };

const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

/** true/false, or a form's "on" / "true" / "false". */
const booleanSchema = z.preprocess(
  (raw) => (raw === "on" || raw === "true" ? true : raw === "false" ? false : raw),
  z.boolean({ error: "Must be true or false" }),
);

export const webhookUrlSchema = z
  .string({ error: (issue) => (issue.input === undefined ? "URL is required" : "URL must be text") })
  .trim()
  .min(1, "URL is required")
  .max(WEBHOOK_URL_MAX_LENGTH, `URL must be at most ${WEBHOOK_URL_MAX_LENGTH} characters`)
  .refine((url) => !CONTROL_CHARS.test(url), "URL must not contain control characters");

const descriptionSchema = z
  .string({ error: "Description must be text" })
  .trim()
  .max(WEBHOOK_DESCRIPTION_MAX_LENGTH, `Description must be at most ${WEBHOOK_DESCRIPTION_MAX_LENGTH} characters`)
  .refine((text) => !CONTROL_CHARS.test(text), "Description must not contain control characters");

export const eventTypesSchema = z.preprocess(
  (raw) => (typeof raw === "string" ? [raw] : raw),
  z
    .array(z.string({ error: "Event types must be text" }), { error: "eventTypes must be a list of event types" })
    .min(1, "Choose at least one event type")
    .superRefine((types, ctx) => {
      const unknown = types.filter((type) => !(SUBSCRIBABLE_EVENT_TYPES as readonly string[]).includes(type));
      if (unknown.length > 0) {
        ctx.addIssue({
          code: "custom",
          message: `Unknown event type${unknown.length === 1 ? "" : "s"}: ${unknown.slice(0, 5).join(", ")}. Known: ${SUBSCRIBABLE_EVENT_TYPES.join(", ")}`,
        });
      }
    })
    .transform((types) => [...new Set(types)].sort()),
);

/** A project id, or null / "" for every project. */
export const webhookProjectSchema = z.preprocess(
  (raw) => (raw === "" || raw === "all" ? null : raw),
  z.guid({ error: "projectId must be a project id, or null for every project" }).nullable(),
);

export const webhookEndpointIdSchema = z.guid({ error: "That webhook endpoint does not exist." });

export const createWebhookSchema = z.object({
  url: webhookUrlSchema,
  description: descriptionSchema.nullish().transform((text) => text ?? ""),
  projectId: webhookProjectSchema.optional().transform((id) => id ?? null),
  eventTypes: eventTypesSchema,
  enabled: z.preprocess((raw) => (raw === undefined ? true : raw), booleanSchema),
});

/** Every field optional: absent means unchanged. */
export const updateWebhookSchema = z.object({
  endpointId: webhookEndpointIdSchema,
  url: webhookUrlSchema.optional(),
  description: descriptionSchema.nullish(),
  projectId: webhookProjectSchema.optional(),
  eventTypes: eventTypesSchema.optional(),
  enabled: booleanSchema.optional(),
});

export const rotateWebhookSecretSchema = z.object({
  endpointId: webhookEndpointIdSchema,
  overlap: z.preprocess(
    (raw) => (raw === undefined || raw === "" ? "24h" : raw),
    z.enum(ROTATION_OVERLAPS, { error: `overlap must be one of ${ROTATION_OVERLAPS.join(", ")}` }),
  ),
});

export const endpointActionSchema = z.object({ endpointId: webhookEndpointIdSchema });

export const redeliverSchema = z.object({
  endpointId: webhookEndpointIdSchema,
  deliveryId: z.guid({ error: "That delivery does not exist." }),
});

export const DELIVERY_STATUSES = ["pending", "succeeded", "failed"] as const;

export const deliveryListParamsSchema = z.object({
  status: z.enum(["all", ...DELIVERY_STATUSES]).catch("all"),
  page: z.coerce.number().int().min(1).max(10_000).catch(1),
});
export type DeliveryListParams = z.output<typeof deliveryListParamsSchema>;
