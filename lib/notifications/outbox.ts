// The transactional outbox. An event row is inserted in the same transaction as the change it
// reports, so it exists exactly when the change committed: a rolled-back revoke emits nothing,
// and a crash after commit loses nothing (the dispatcher finds the row on its next poll).
//
// Key changes reach here through recordAudit (lib/audit.ts), which every key write already calls
// inside its transaction: an audit action that is also an event type becomes an outbox row.
import type { AuditActor, AuditInput } from "@/lib/audit";
import type { Tx } from "@/lib/db";
import { isEventType, type EventType } from "@/lib/notifications/event-types";
import { buildEventBody, eventSubject, type EventActor } from "@/lib/notifications/payloads";
import { generateMessageId } from "@/lib/notifications/signing";

type Metadata = Record<string, unknown>;

const text = (value: unknown): string | null => (typeof value === "string" ? value : null);

/** Audit metadata → the event's own fields, for the event types an audit action raises. */
const FROM_AUDIT: Partial<Record<EventType, (metadata: Metadata) => Record<string, unknown>>> = {
  "key.created": (m) => ({ rolledFrom: text(m.rolledFrom) }),
  "key.revoked": (m) => ({ via: text(m.via) ?? "dashboard" }),
  "key.rolled": (m) => ({ replacedBy: text(m.replacedBy) ?? "", grace: text(m.grace) ?? "", oldExpiresAt: text(m.oldExpiresAt) ?? "" }),
  "key.disabled": () => ({}),
  "key.enabled": () => ({}),
  "key.leaked": (m) => ({ url: text(m.url), action: text(m.action) ?? "reported" }),
  "key.canary_used": (m) => ({ request: { method: text(m.method), path: text(m.path), ip: text(m.ip) } }),
};

function eventActor(actor: AuditActor): EventActor {
  switch (actor.type) {
    case "user":
      return { type: "user", label: actor.email };
    case "key":
      return { type: "key", label: `${actor.name} (${actor.publicId})` };
    case "system":
      return { type: "system", label: "Keydesk" };
    case "anonymous":
      return { type: "anonymous", label: actor.label };
  }
}

export interface EnqueueInput {
  type: EventType;
  keyId: string;
  actor: EventActor;
  extra: Record<string, unknown>;
  at?: Date;
  /** Scheduled events: the same key raises the event once; a repeat is ignored. */
  dedupeKey?: string;
}

/** Inserts one event for a key, in the caller's transaction. False when deduplicated away. */
export async function enqueueEvent(tx: Tx, input: EnqueueInput): Promise<boolean> {
  const subject = await eventSubject(tx, input.keyId);
  if (!subject) return false;
  const at = input.at ?? new Date();
  const { count } = await tx.outboxEvent.createMany({
    data: [
      {
        eventId: generateMessageId(),
        type: input.type,
        projectId: subject.project.id,
        keyId: input.keyId,
        body: buildEventBody(input.type, at, subject, input.actor, input.extra),
        dedupeKey: input.dedupeKey ?? null,
        createdAt: at,
      },
    ],
    skipDuplicates: true,
  });
  return count === 1;
}

/** Called at the end of recordAudit: the audit actions that are events enter the outbox. */
export async function enqueueAuditEvent(tx: Tx, input: AuditInput): Promise<void> {
  if (!isEventType(input.action) || !input.keyId) return;
  const extra = FROM_AUDIT[input.action];
  if (!extra) return;
  await enqueueEvent(tx, { type: input.action, keyId: input.keyId, actor: eventActor(input.actor), extra: extra(input.metadata ?? {}) });
}
