// The main navigation's entries, each with the permission its page's guard asks for. Which
// entries a person sees is the permission table's answer (lib/auth/permissions.ts), never a role
// name compared here: a page someone may open is in their navigation, one they may not is not.
import type { ComponentType } from "react";
import { Activity, Braces, FolderKanban, KeyRound, LayoutDashboard, ScrollText, Users, Webhook } from "lucide-react";

import { can, type Permission, type PermissionSubject } from "@/lib/auth/permissions";

export type NavItem = {
  title: string;
  href: string;
  icon: ComponentType<{ className?: string; "aria-hidden"?: "true" }>;
  /** What the page's guard requires (requirePermission); null: anyone signed in (requireUser). */
  permission: Permission | null;
};

export type NavGroup = {
  /** Visible group heading; `null` for the ungrouped top items. */
  title: string | null;
  items: readonly NavItem[];
};

export const NAV_GROUPS: readonly NavGroup[] = [
  {
    title: null,
    items: [
      { title: "Dashboard", href: "/", icon: LayoutDashboard, permission: null },
      { title: "Requests", href: "/requests", icon: Activity, permission: "requests.read" },
    ],
  },
  {
    title: "Settings",
    items: [
      { title: "API Keys", href: "/settings/api-keys", icon: KeyRound, permission: "keys.read" },
      { title: "API", href: "/settings/api", icon: Braces, permission: "keys.read" },
    ],
  },
  {
    title: "Admin",
    items: [
      { title: "Users", href: "/admin/users", icon: Users, permission: "users.manage" },
      { title: "Projects", href: "/admin/projects", icon: FolderKanban, permission: "projects.manage" },
      { title: "Webhooks", href: "/admin/webhooks", icon: Webhook, permission: "webhooks.manage" },
      { title: "Audit log", href: "/admin/audit", icon: ScrollText, permission: "audit.read" },
    ],
  },
];

/** The groups and entries `user` may open; a group left with no entries is left out. */
export function navGroupsFor(user: PermissionSubject): NavGroup[] {
  return NAV_GROUPS.map((group) => ({
    ...group,
    items: group.items.filter((item) => item.permission === null || can(user, item.permission)),
  })).filter((group) => group.items.length > 0);
}
