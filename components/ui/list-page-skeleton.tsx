import type { ReactNode } from "react";

import { Skeleton } from "@/components/ui/skeleton";
import { Spinner } from "@/components/ui/spinner";
import { cn } from "@/lib/utils";

export type ListPageSkeletonProps = {
  /** What screen readers hear while the page loads, e.g. "Loading users". */
  label: string;
  /** Widths of the page title and the header's action button (Tailwind classes). */
  titleClassName: string;
  actionClassName: string;
  /** Stand-ins for the search box and filters. */
  toolbar: ReactNode;
  /** Column header widths, in units of 4 px. */
  headerWidths: number[];
  /** One class list per cell of a row; the last cell is pushed to the right edge. */
  cellClassNames: string[];
  rows: number;
};

/** The shape of a list page (header, toolbar, table) while its data loads: no layout jump after. */
export function ListPageSkeleton({ label, titleClassName, actionClassName, toolbar, headerWidths, cellClassNames, rows }: ListPageSkeletonProps) {
  return (
    <div className="grid gap-6" aria-busy="true">
      <Spinner label={label} className="sr-only" />
      <div className="flex flex-col gap-4 sm:flex-row sm:items-start sm:justify-between">
        <div className="grid gap-2">
          <Skeleton className={cn("h-8", titleClassName)} />
          <Skeleton className="h-4 w-96 max-w-full" />
        </div>
        <Skeleton className={cn("h-9", actionClassName)} />
      </div>
      {toolbar}
      <div className="overflow-hidden rounded-lg border border-border bg-card">
        <div className="flex h-10 items-center gap-6 border-b border-border bg-muted/50 px-4">
          {headerWidths.map((width, index) => (
            <Skeleton key={index} className="h-3" style={{ width: `${width * 4}px` }} />
          ))}
        </div>
        {Array.from({ length: rows }, (_, row) => (
          <div key={row} className="flex h-14 items-center gap-6 border-b border-border px-4 last:border-0">
            {cellClassNames.map((className, index) => (
              <Skeleton key={index} className={cn(className, index === cellClassNames.length - 1 && "ml-auto")} />
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}
