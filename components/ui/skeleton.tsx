import type { ComponentProps } from "react";

import { cn } from "@/lib/utils";

export type SkeletonProps = ComponentProps<"div">;

/**
 * Loading placeholder. Decorative (`aria-hidden`): announce loading elsewhere, e.g. an
 * `aria-busy` container or a `<Spinner label="Loading keys" />`.
 */
export function Skeleton({ className, ...props }: SkeletonProps) {
  return (
    <div
      data-slot="skeleton"
      aria-hidden="true"
      className={cn("animate-pulse rounded-md bg-muted motion-reduce:animate-none dark:bg-accent", className)}
      {...props}
    />
  );
}
