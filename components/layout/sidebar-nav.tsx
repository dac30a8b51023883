"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

import { navGroupsFor } from "@/components/layout/nav-items";
import type { PermissionSubject } from "@/lib/auth/permissions";
import { cn } from "@/lib/utils";

/** "page" on the item's own page, "true" on pages below it (e.g. /admin/users/42), else undefined. */
function currentState(pathname: string, href: string): "page" | "true" | undefined {
  if (pathname === href) return "page";
  if (href !== "/" && pathname.startsWith(`${href}/`)) return "true";
  return undefined;
}

export type SidebarNavProps = {
  /** The signed-in person: the permission table decides which entries they see. */
  user: PermissionSubject;
  /** Called when a link is followed (the mobile sheet closes itself with it). */
  onNavigate?: () => void;
  className?: string;
};

/** The main navigation: the pages `user` may open, current page marked with `aria-current`. */
export function SidebarNav({ user, onNavigate, className }: SidebarNavProps) {
  const pathname = usePathname() ?? "/";
  const groups = navGroupsFor(user);

  return (
    <nav aria-label="Main" className={cn("flex flex-col gap-5", className)}>
      {groups.map((group) => {
        const headingId = group.title ? `nav-group-${group.title.toLowerCase()}` : undefined;
        return (
          <div key={group.title ?? "_root"} className="flex flex-col gap-1">
            {group.title ? (
              <p id={headingId} className="px-2.5 pb-1 text-xs font-medium text-muted-foreground">
                {group.title}
              </p>
            ) : null}
            <ul aria-labelledby={headingId} className="flex flex-col gap-0.5">
              {group.items.map((item) => {
                const current = currentState(pathname, item.href);
                const Icon = item.icon;
                return (
                  <li key={item.href}>
                    <Link
                      href={item.href}
                      aria-current={current}
                      onClick={onNavigate}
                      className={cn(
                        "group flex h-8 items-center gap-2.5 rounded-md px-2.5 text-sm font-medium transition-colors",
                        current
                          ? "bg-foreground/[0.07] text-foreground"
                          : "text-muted-foreground hover:bg-foreground/[0.04] hover:text-foreground",
                      )}
                    >
                      <Icon
                        aria-hidden="true"
                        className={cn(
                          "size-4 shrink-0",
                          current ? "text-primary" : "text-muted-foreground group-hover:text-foreground",
                        )}
                      />
                      {item.title}
                    </Link>
                  </li>
                );
              })}
            </ul>
          </div>
        );
      })}
    </nav>
  );
}
