import Link from "next/link";
import { KeyRound } from "lucide-react";

import { cn } from "@/lib/utils";

export type LogoProps = {
  className?: string;
  /** Where the wordmark links to; default `/`. */
  href?: string;
};

/** Keydesk wordmark (icon + text), linking home. */
export function Logo({ className, href = "/" }: LogoProps) {
  return (
    <Link
      href={href}
      className={cn("inline-flex items-center gap-2 rounded-md text-[15px] font-semibold tracking-tight", className)}
    >
      <span className="flex size-7 items-center justify-center rounded-md bg-primary text-primary-foreground shadow-xs">
        <KeyRound className="size-4" aria-hidden="true" />
      </span>
      <span>Keydesk</span>
    </Link>
  );
}
