import type { ReactNode } from "react";

import { cn } from "@/lib/utils";
import { Logo } from "@/components/layout/logo";
import { MobileNav } from "@/components/layout/mobile-nav";
import { SidebarNav } from "@/components/layout/sidebar-nav";
import { UserMenu } from "@/components/layout/user-menu";
import type { PermissionSubject } from "@/lib/auth/permissions";

/** Who is signed in: named in the user menu, asked about in the navigation. */
export type ShellUser = PermissionSubject & {
  name: string;
  email: string;
};

export type AppShellProps = {
  user: ShellUser;
  /** Server action that ends the session (and redirects); used as `<form action>`. */
  signOutAction: () => Promise<void>;
  children: ReactNode;
  /** Class names for the inner content container (default: centered, max-w-6xl). */
  contentClassName?: string;
};

/**
 * Dashboard frame: skip link, sidebar navigation (a sheet behind "Open navigation" below
 * `md`), a top bar with the user menu (name + role always visible), and `<main id="main">`.
 */
export function AppShell({ user, signOutAction, children, contentClassName }: AppShellProps) {
  return (
    <div className="min-h-dvh bg-background text-foreground">
      <a
        href="#main"
        className={cn(
          "sr-only focus:not-sr-only focus:fixed focus:top-3 focus:left-3 focus:z-[60] focus:rounded-md",
          "focus:bg-primary focus:px-4 focus:py-2 focus:text-sm focus:font-medium focus:text-primary-foreground focus:shadow-lg",
        )}
      >
        Skip to content
      </a>

      <aside
        aria-label="Sidebar"
        className="fixed inset-y-0 left-0 z-30 hidden w-60 flex-col border-r border-border bg-sidebar md:flex"
      >
        <div className="flex h-14 shrink-0 items-center px-5">
          <Logo />
        </div>
        <div className="flex-1 overflow-y-auto px-3 pt-3 pb-6">
          <SidebarNav user={user} />
        </div>
      </aside>

      <div className="flex min-h-dvh flex-col md:pl-60">
        <header className="sticky top-0 z-20 flex h-14 shrink-0 items-center gap-2 border-b border-border bg-background/85 px-3 backdrop-blur-md supports-[backdrop-filter]:bg-background/75 sm:px-4 md:px-8">
          <MobileNav user={user} className="-ml-1 md:hidden" />
          <Logo className="md:hidden max-sm:[&>span:last-child]:sr-only" />
          <UserMenu user={user} signOutAction={signOutAction} className="ml-auto" />
        </header>

        <main id="main" tabIndex={-1} className="flex-1 px-4 py-6 outline-none sm:px-6 md:px-8 md:py-8">
          <div className={cn("mx-auto w-full max-w-6xl", contentClassName)}>{children}</div>
        </main>
      </div>
    </div>
  );
}
