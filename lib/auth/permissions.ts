// The one permission table. Code asks `can(user, "keys.revoke")`; nothing compares role
// strings elsewhere. As in the reference docs, only administrators manage keys; managers
// and viewers may look, never change.
import type { Role } from "@/lib/generated/prisma/enums";

export const PERMISSIONS = [
  "keys.read",
  "keys.create",
  "keys.update",
  "keys.revoke",
  "keys.roll",
  "projects.read",
  "projects.manage",
  "users.manage",
  "audit.read",
  "requests.read",
  "requests.ips",
  "webhooks.manage",
] as const;

export type Permission = (typeof PERMISSIONS)[number];

const READ_ONLY: readonly Permission[] = ["keys.read", "projects.read", "requests.read"];

/**
 * "requests.ips": the client addresses in the request trail. Like the audit log's details they
 * are personal data about the callers, so viewers see the trail without them.
 */
const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  admin: PERMISSIONS,
  manager: [...READ_ONLY, "requests.ips"],
  viewer: READ_ONLY,
};

/** Who permissions are asked about; `mustChangePassword` is a session on a temporary password. */
export interface PermissionSubject {
  role: Role;
  active: boolean;
  mustChangePassword?: boolean;
}

/** Nothing is allowed to a deactivated user, or to one who has yet to replace a temporary password. */
export function can(user: PermissionSubject | null | undefined, permission: Permission): boolean {
  if (!user || !user.active || user.mustChangePassword) return false;
  return ROLE_PERMISSIONS[user.role].includes(permission);
}

export class PermissionError extends Error {
  constructor(public readonly permission: Permission) {
    super("You do not have permission to do this. Only administrators can manage API keys and settings.");
    this.name = "PermissionError";
  }
}

export function assertCan(
  user: PermissionSubject | null | undefined,
  permission: Permission,
): asserts user is { role: Role; active: boolean } {
  if (!can(user, permission)) throw new PermissionError(permission);
}
