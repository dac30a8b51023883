// The JSON bodies Keydesk sends: `{ type, timestamp, data }` as Standard Webhooks recommends.
// `data.key` and `data.project` have one shape for every event; event-specific fields sit beside
// them. The zod schemas here are what the OpenAPI document publishes (lib/api/openapi.ts), so the
// document and what is sent cannot drift apart: buildEventBody parses its output with them.
import { z } from "zod";
import type { Tx } from "@/lib/db";
import { maskedKey } from "@/lib/keys/secret";
import type { EventType } from "@/lib/notifications/event-types";

const eventKeySchema = z.object({
  id: z.string().describe("The key's Sid, e.g. key_4fT9…"),
  name: z.string(),
  maskedKey: z.string().describe("prefix…last4, safe to display"),
  projectId: z.string(),
  createdAt: z.string(),
  expiresAt: z.string().nullable(),
  revokedAt: z.string().nullable(),
  canary: z.boolean(),
  leaked: z.boolean().describe("Reported found in the wild"),
});

const eventProjectSchema = z.object({ id: z.string(), slug: z.string(), name: z.string() });

const eventActorSchema = z.object({
  type: z.enum(["user", "key", "system", "anonymous"]),
  label: z.string().describe("An email, a management key's name, or what acted for Keydesk"),
});

/** Fields beyond key, project and actor, per event type. */
const EVENT_DATA = {
  "key.created": z.object({ rolledFrom: z.string().nullable().describe("Sid of the key this one replaces") }),
  "key.revoked": z.object({ via: z.string().describe("dashboard, api or leak_report") }),
  "key.rolled": z.object({ replacedBy: z.string(), grace: z.string(), oldExpiresAt: z.string() }),
  "key.disabled": z.object({}),
  "key.enabled": z.object({}),
  "key.expiring": z.object({ threshold: z.enum(["7d", "1d"]), expiresAt: z.string() }),
  "key.expired": z.object({ expiredAt: z.string() }),
  "key.leaked": z.object({
    url: z.string().nullable().describe("Where the reporter found it"),
    action: z.enum(["revoked", "reported", "already_revoked"]),
  }),
  "key.canary_used": z.object({
    request: z.object({ method: z.string().nullable(), path: z.string().nullable(), ip: z.string().nullable() }),
  }),
  "key.rate_limited": z.object({
    hour: z.string().describe("The UTC hour (ISO 8601) in which the key was refused"),
    refused: z.number().int().describe("Requests refused RATE_LIMITED in that hour when the event was raised"),
  }),
  "key.usage_exceeded": z.object({
    hour: z.string().describe("The UTC hour (ISO 8601) in which the key was refused"),
    refused: z.number().int().describe("Requests refused USAGE_EXCEEDED in that hour when the event was raised"),
  }),
  "key.new_ip": z.object({ ip: z.string().describe("The client address the key had not been used from (in the last 30 days)") }),
} satisfies Record<EventType, z.ZodObject>;

export function eventBodySchema(type: EventType) {
  return z.object({
    type: z.literal(type),
    timestamp: z.string().describe("When the event happened (ISO 8601)"),
    data: EVENT_DATA[type].extend({ key: eventKeySchema, project: eventProjectSchema, actor: eventActorSchema }),
  });
}

export const testEventBodySchema = z.object({
  type: z.literal("webhook.test"),
  timestamp: z.string(),
  data: z.object({ endpointId: z.string(), message: z.string() }),
});

export type EventActor = z.infer<typeof eventActorSchema>;

/** The key and its project as events describe them, read inside the writing transaction. */
export async function eventSubject(tx: Tx, keyId: string) {
  const key = await tx.apiKey.findUnique({
    where: { id: keyId },
    select: {
      publicId: true,
      name: true,
      projectId: true,
      displayPrefix: true,
      last4: true,
      createdAt: true,
      expiresAt: true,
      revokedAt: true,
      canary: true,
      leakedAt: true,
      project: { select: { id: true, slug: true, name: true } },
    },
  });
  if (!key) return null;
  return {
    key: {
      id: key.publicId,
      name: key.name,
      maskedKey: maskedKey(key.displayPrefix, key.last4),
      projectId: key.projectId,
      createdAt: key.createdAt.toISOString(),
      expiresAt: key.expiresAt?.toISOString() ?? null,
      revokedAt: key.revokedAt?.toISOString() ?? null,
      canary: key.canary,
      leaked: key.leakedAt !== null,
    },
    project: key.project,
  };
}

export type EventSubject = NonNullable<Awaited<ReturnType<typeof eventSubject>>>;

/** The exact text that is signed and sent; validated against the published schema. */
export function buildEventBody(type: EventType, at: Date, subject: EventSubject, actor: EventActor, extra: Record<string, unknown>): string {
  const body = eventBodySchema(type).parse({
    type,
    timestamp: at.toISOString(),
    data: { ...extra, key: subject.key, project: subject.project, actor },
  });
  return JSON.stringify(body);
}
