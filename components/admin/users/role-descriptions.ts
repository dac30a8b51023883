import type { UserRole } from "@/components/layout/role-badge";

/** What each role may do, in the words of lib/auth/permissions.ts. */
export const ROLE_DESCRIPTIONS: Record<UserRole, string> = {
  admin: "Manages API keys, projects, users and the audit log.",
  manager: "Views API keys and projects. Cannot create, change or revoke anything.",
  viewer: "Views API keys and projects. Cannot create, change or revoke anything.",
};
