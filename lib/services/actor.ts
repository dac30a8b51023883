// Who performs a write. A person in the dashboard, or a management key acting with its
// creator's *current* role (re-read on every request), carrying its own constraints.
import type { AuditActor } from "@/lib/audit";
import { assertCan, type Permission } from "@/lib/auth/permissions";
import type { Role } from "@/lib/generated/prisma/enums";
import type { KeyConstraint } from "@/lib/keys/constraints";
import type { ProjectScope } from "@/lib/validations/project-scope";

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
  | { type: "key"; user: ActingUser; key: ActingKey };

/** A management key: what limits the keys it creates (constraints, lifetime) and where it may act. */
export interface ActingKey {
  id: string;
  name: string;
  publicId: string;
  constraints: KeyConstraint[];
  /** Keys it creates or rolls may not outlive it (null = it never expires). */
  expiresAt: Date | null;
  /** The projects it may act on (lib/services/project-scope.ts). */
  projectScope: ProjectScope;
}

export function auditActorOf(actor: Actor): AuditActor {
  return actor.type === "user"
    ? { type: "user", id: actor.user.id, email: actor.user.email }
    : { type: "key", id: actor.key.id, name: actor.key.name, publicId: actor.key.publicId };
}

/** How audit summaries name a person: "Vera Viewer (vera@example.com)". */
export const userLabel = (user: { name: string; email: string }) => `${user.name} (${user.email})`;

export function assertActorCan(actor: Actor, permission: Permission): void {
  assertCan(actor.user, permission);
}

/** Columns recording who did something: a user, or a key on behalf of its creator. */
export function actorColumns(actor: Actor) {
  return actor.type === "user"
    ? { userId: actor.user.id, keyId: null }
    : { userId: actor.user.id, keyId: actor.key.id };
}
