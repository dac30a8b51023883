"use client";

import Link from "next/link";
import { ChevronDown, LogOut, UserRound } from "lucide-react";

import { cn } from "@/lib/utils";
import { Button } from "@/components/ui/button";
import {
  DropdownMenu,
  DropdownMenuContent,
  DropdownMenuItem,
  DropdownMenuLabel,
  DropdownMenuSeparator,
  DropdownMenuTrigger,
} from "@/components/ui/dropdown-menu";
import { RoleBadge } from "@/components/layout/role-badge";
import type { ShellUser } from "@/components/layout/app-shell";

export type UserMenuProps = {
  user: ShellUser;
  signOutAction: () => Promise<void>;
  className?: string;
};

function initials(name: string): string {
  const parts = name.trim().split(/\s+/).filter(Boolean);
  const first = parts[0]?.[0] ?? "?";
  const last = parts.length > 1 ? (parts[parts.length - 1]?.[0] ?? "") : "";
  return (first + last).toUpperCase();
}

/**
 * The signed-in user's name and role badge (always visible as text), opening a menu with
 * the email, "Profile" and "Sign out". Sign out is a real `<form action={signOutAction}>`
 * with a submit button; without JavaScript a plain "Sign out" button is shown instead.
 */
export function UserMenu({ user, signOutAction, className }: UserMenuProps) {
  return (
    <div className={cn("flex min-w-0 items-center gap-2", className)}>
      <DropdownMenu modal={false}>
        <DropdownMenuTrigger asChild>
          <Button
            variant="ghost"
            data-slot="user-menu-trigger"
            className="h-10 min-w-0 gap-2 px-1.5 sm:px-2"
          >
            <span
              aria-hidden="true"
              className="hidden size-7 shrink-0 items-center justify-center rounded-full bg-primary/15 text-[11px] font-semibold text-foreground sm:flex"
            >
              {initials(user.name)}
            </span>
            <span data-testid="user-name" className="max-w-[8.5rem] truncate text-sm font-medium sm:max-w-[14rem]">
              {user.name}
            </span>
            <RoleBadge data-testid="user-role" role={user.role} />
            <ChevronDown aria-hidden="true" className="size-4 text-muted-foreground" />
          </Button>
        </DropdownMenuTrigger>
        <DropdownMenuContent align="end" className="w-64" inline>
          <DropdownMenuLabel className="font-normal">
            <span className="block text-xs text-muted-foreground">Signed in as</span>
            <span className="block truncate text-sm font-medium text-foreground">{user.email}</span>
          </DropdownMenuLabel>
          <DropdownMenuSeparator />
          <DropdownMenuItem asChild>
            <Link href="/profile">
              <UserRound aria-hidden="true" />
              Profile
            </Link>
          </DropdownMenuItem>
          <DropdownMenuSeparator />
          <form action={signOutAction}>
            {/* preventDefault keeps the menu (and so this form) mounted until the browser submits it. */}
            <DropdownMenuItem asChild onSelect={(event) => event.preventDefault()}>
              <button type="submit" className="w-full">
                <LogOut aria-hidden="true" />
                Sign out
              </button>
            </DropdownMenuItem>
          </form>
        </DropdownMenuContent>
      </DropdownMenu>
      <noscript>
        <form action={signOutAction}>
          <Button type="submit" variant="outline" size="sm">
            Sign out
          </Button>
        </form>
      </noscript>
    </div>
  );
}
