"use client";

import type { LucideIcon } from "lucide-react";

import { Button, type ButtonProps } from "@/components/ui/button";
import { cn } from "@/lib/utils";

export type RowActionButtonProps = Omit<ButtonProps, "size" | "variant" | "children" | "asChild"> & {
  icon: LucideIcon;
  /** The visible text, e.g. "Reset password". */
  label: string;
  /** The full name, with the user's, e.g. "Reset password of Vera Viewer"; it contains `label`. */
  "aria-label": string;
};

/**
 * An action in a row of the users list: its icon and its text where the table is wide enough
 * (the list is an `@container`; from 70rem, as USER_COLUMN_CLASSES makes room), the icon alone
 * on a narrower one. The accessible name always
 * names the action and the user, and starts with the visible text.
 */
export function RowActionButton({ icon: Icon, label, className, ...props }: RowActionButtonProps) {
  return (
    <Button
      variant="ghost"
      size="icon-sm"
      className={cn("text-muted-foreground @min-[70rem]:w-auto @min-[70rem]:px-2 @min-[70rem]:text-[13px]", className)}
      {...props}
    >
      <Icon aria-hidden="true" />
      <span className="hidden @min-[70rem]:inline">{label}</span>
    </Button>
  );
}
