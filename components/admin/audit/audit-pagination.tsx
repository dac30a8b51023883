import { ChevronLeft, ChevronRight } from "lucide-react";
import Link from "next/link";

import { formatCount } from "@/lib/format";
import { Button } from "@/components/ui/button";
import { cn } from "@/lib/utils";

export type AuditPaginationProps = {
  page: number;
  pageSize: number;
  total: number;
  /** The URL of another page, keeping the filters. */
  hrefForPage: (page: number) => string;
  className?: string;
};

/** "Showing 51–100 of 1,234 events", Previous / Next links and "Page 2 of 25". */
export function AuditPagination({ page, pageSize, total, hrefForPage, className }: AuditPaginationProps) {
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const first = total === 0 ? 0 : Math.min((page - 1) * pageSize + 1, total);
  const last = Math.min(page * pageSize, total);

  function pageLink(target: number, rel: "prev" | "next") {
    const label = rel === "prev" ? "Previous" : "Next";
    const content =
      rel === "prev" ? (
        <>
          <ChevronLeft aria-hidden="true" />
          {label}
        </>
      ) : (
        <>
          {label}
          <ChevronRight aria-hidden="true" />
        </>
      );
    if (target < 1 || target > pageCount || target === page) {
      return (
        <Button variant="outline" size="sm" disabled>
          {content}
        </Button>
      );
    }
    return (
      <Button asChild variant="outline" size="sm">
        <Link href={hrefForPage(target)} rel={rel} scroll={false}>
          {content}
        </Link>
      </Button>
    );
  }

  return (
    <nav aria-label="Pagination" className={cn("flex flex-wrap items-center justify-between gap-3 text-sm", className)}>
      <p className="text-muted-foreground tabular-nums">
        {total === 0 ? "No events" : `Showing ${formatCount(first)}–${formatCount(last)} of ${formatCount(total)} events`}
      </p>
      <div className="flex items-center gap-2">
        {pageLink(page - 1, "prev")}
        <span className="px-1 text-muted-foreground tabular-nums">
          Page {formatCount(Math.min(page, pageCount))} of {formatCount(pageCount)}
        </span>
        {pageLink(page + 1, "next")}
      </div>
    </nav>
  );
}
