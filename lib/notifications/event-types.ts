// The event types Keydesk raises, one line each. Browser-safe (the endpoint form lists them), so
// nothing here imports Node or the database. An event becomes subscribable when its trigger is
// built: `pending` ones are documented but neither offered nor accepted yet.
//
// Adding an event type: one line here, its trigger (an audit action of the same name, which
// lib/notifications/outbox.ts turns into an outbox row in the same transaction, or a direct
// enqueueEvent call), and, if its payload has fields beyond the key, a line in EVENT_DATA
// (lib/notifications/payloads.ts).

export interface EventTypeInfo {
  type: string;
  /** One sentence, shown beside the checkbox and in the OpenAPI document. */
  description: string;
  /** Documented, but its trigger lands with another piece of work: not offered yet. */
  pending?: boolean;
}

export const EVENT_TYPE_LIST = [
  { type: "key.created", description: "A key was created (also the replacement when a key is rolled)." },
  { type: "key.revoked", description: "A key was revoked, by a person, a management key or a leak report." },
  { type: "key.rolled", description: "A key was rolled: a replacement exists and the old key expires after its grace period." },
  { type: "key.disabled", description: "A key was disabled (reversible)." },
  { type: "key.enabled", description: "A disabled key was enabled again." },
  { type: "key.expiring", description: "A key expires soon: raised 7 days and 1 day before its expiry." },
  { type: "key.expired", description: "A key reached its expiry date and no longer verifies." },
  { type: "key.leaked", description: "A key's secret was reported found in the wild (POST /api/v1/keys/leaked)." },
  { type: "key.canary_used", description: "Someone tried a canary key: the request's method, path and IP are included." },
  { type: "key.rate_limited", description: "A key hit its rate limit (at most one event per key per hour)." },
  { type: "key.usage_exceeded", description: "A key used up its usage quota (at most one event per key per hour)." },
  { type: "key.new_ip", description: "A key was used from an IP address it had not been seen from before (or not for 30 days)." },
] as const satisfies readonly EventTypeInfo[];

export type EventType = (typeof EVENT_TYPE_LIST)[number]["type"];

/** Sent only by "Send test event"; endpoints receive it whatever they subscribe to. */
export const TEST_EVENT_TYPE = "webhook.test";

const EVENT_TYPES: readonly EventType[] = EVENT_TYPE_LIST.map((e) => e.type);

/** What an endpoint may subscribe to today. */
export const SUBSCRIBABLE_EVENT_TYPES: readonly EventType[] = EVENT_TYPE_LIST.filter(
  (e: EventTypeInfo) => !e.pending,
).map((e) => e.type);

export function isEventType(value: unknown): value is EventType {
  return typeof value === "string" && (EVENT_TYPES as readonly string[]).includes(value);
}
