import "server-only";
// A key's recent audit events, for its detail page. The audit log itself is for administrators
// (audit.read); everyone else who may see the key sees its activity without what only the log
// should show: no IP addresses, and no email addresses — a person acting is named, not
// addressed, and failed sign-ins' typed "emails" never appear.
import { can } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import type { ActorType, Role } from "@/lib/generated/prisma/enums";

export interface KeyActivityRow {
  id: string;
  createdAt: Date;
  action: string;
  summary: string;
  actorLabel: string;
  ip: string | null;
  /** Addresses were left out because the viewer may not read the audit log. */
  redacted: boolean;
}

export interface Viewer {
  role: Role;
  active: boolean;
}

/** Anything shaped like an email address, wherever it stands in a text. */
const EMAIL = /[^\s@"'<>(),;:]+@[^\s@"'<>(),;:]+/g;
const EMAIL_HIDDEN = "[email hidden]";

export function withoutEmails(text: string): string {
  return text.replace(EMAIL, EMAIL_HIDDEN);
}

function redactedActor(actorType: ActorType, label: string, userName: string | null): string {
  switch (actorType) {
    case "user":
      return userName ? withoutEmails(userName) : "A former user";
    case "key":
    case "system":
      return withoutEmails(label);
    case "anonymous":
      return "Someone not signed in";
  }
}

export async function keyActivity(keyId: string, viewer: Viewer, take = 20): Promise<KeyActivityRow[]> {
  const events = await db.auditEvent.findMany({
    where: { keyId },
    orderBy: { id: "desc" },
    take,
    select: { id: true, createdAt: true, action: true, summary: true, actorType: true, actorLabel: true, ip: true, actorUser: { select: { name: true } } },
  });
  const full = can(viewer, "audit.read");
  return events.map((event) => ({
    id: event.id.toString(),
    createdAt: event.createdAt,
    action: event.action,
    summary: full ? event.summary : withoutEmails(event.summary),
    actorLabel: full ? event.actorLabel : redactedActor(event.actorType, event.actorLabel, event.actorUser?.name ?? null),
    ip: full ? event.ip : null,
    redacted: !full,
  }));
}
