// Who performs a write. A person in the dashboard, or a management key acting with its
// creator's *current* role (re-read on every request), carrying its own constraints.
import type { AuditActor } from "@/lib/audit";
import { assertCan, type Permission } from "@/lib/auth/permissions";
import type { Role } from "@/lib/generated/prisma/enums";
import type { KeyConstraint } from "@/lib/keys/constraints";

export interface ActingUser {
  id: string;
  email: string;
  role: Role;
  active: boolean;
  /** The dashboard session the person acts through; absent for management keys. */
  sessionId?: string;
}

export type Actor =
  | { type: "user"; user: ActingUser }
  | { type: "key"; user: ActingUser; key: { id: string; name: string; publicId: string; constraints: KeyConstraint[] } };

export function auditActorOf(actor: Actor): AuditActor {
  return actor.type === "user"
    ? { type: "user", id: actor.user.id, email: actor.user.email }
    : { type: "key", id: actor.key.id, name: actor.key.name, publicId: actor.key.publicId };
}

export function assertActorCan(actor: Actor, permission: Permission): void {
  assertCan(actor.user, permission);
}

/** Columns recording who did something: a user, or a key on behalf of its creator. */
export function actorColumns(actor: Actor) {
  return actor.type === "user"
    ? { userId: actor.user.id, keyId: null }
    : { userId: actor.user.id, keyId: actor.key.id };
}
