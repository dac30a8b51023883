// The OpenAPI document's `webhooks`: the body of every event Keydesk sends, generated from the
// schemas buildEventBody validates against (lib/notifications/payloads.ts). The webhook management
// operations are in the operation table (lib/api/operations-webhooks.ts).
import { z } from "zod";
import { EVENT_TYPE_LIST, type EventTypeInfo } from "@/lib/notifications/event-types";
import { eventBodySchema, testEventBodySchema } from "@/lib/notifications/payloads";

const toSchema = (schema: z.ZodType) => {
  const { $schema: _schema, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any", target: "draft-2020-12" }) as Record<string, unknown>;
  return rest;
};

const SIGNATURE_NOTE =
  "Signed as Standard Webhooks (https://www.standardwebhooks.com): headers `webhook-id` (the same on every retry), `webhook-timestamp` (seconds) and `webhook-signature` (`v1,<base64 HMAC-SHA256>` of `id.timestamp.body`; two space-separated signatures during a secret rotation's overlap). Verify with any Standard Webhooks library and the endpoint's `whsec_` secret. Answer 2xx within 15 seconds; anything else is retried with exponential backoff for 24 hours. Redirects are not followed.";

/** OpenAPI 3.1 `webhooks`: one entry per event type, with the body Keydesk POSTs. */
export function webhookEvents() {
  const entries = EVENT_TYPE_LIST.map((event: EventTypeInfo) => [
    event.type,
    {
      post: {
        summary: event.type,
        description: `${event.description}${event.pending ? " (Not raised yet: arrives with usage limits and the request trail.)" : ""}\n\n${SIGNATURE_NOTE}`,
        requestBody: { required: true, content: { "application/json": { schema: toSchema(eventBodySchema(event.type as Parameters<typeof eventBodySchema>[0])) } } },
        responses: { "200": { description: "Any 2xx acknowledges the event" } },
      },
    },
  ]);
  entries.push([
    "webhook.test",
    {
      post: {
        summary: "webhook.test",
        description: `Sent by "Send test event" to one endpoint, whatever it subscribes to.\n\n${SIGNATURE_NOTE}`,
        requestBody: { required: true, content: { "application/json": { schema: toSchema(testEventBodySchema) } } },
        responses: { "200": { description: "Any 2xx acknowledges the event" } },
      },
    },
  ]);
  return Object.fromEntries(entries);
}
