"use client";

import { ChevronLeft, ChevronRight } from "lucide-react";
import Link from "next/link";
import type { MouseEvent } from "react";

import { Button } from "@/components/ui/button";
import { countFormat as numbers } from "@/lib/format";
import { cn } from "@/lib/utils";


export type ListPaginationProps = {
  page: number;
  pageSize: number;
  total: number;
  /** There are more than `total` rows (the list stopped counting there): the pager says "more than". */
  totalIsLowerBound?: boolean;
  /** What the rows are, e.g. "keys": "No keys" when there are none. */
  noun: string;
  /** The URL of another page, keeping every other parameter. */
  hrefForPage: (page: number) => string;
  /** Navigates inside the caller's transition, so the list can show that it is loading. */
  onNavigate: (href: string) => void;
  className?: string;
};

function isPlainClick(event: MouseEvent<HTMLAnchorElement>) {
  return event.button === 0 && !event.metaKey && !event.ctrlKey && !event.shiftKey && !event.altKey;
}

/** "Showing 26–50 of 1,234", Previous / Next links and "Page 2 of 50" ("of more than …" when not counted to the end). */
export function ListPagination({ page, pageSize, total, totalIsLowerBound = false, noun, hrefForPage, onNavigate, className }: ListPaginationProps) {
  // More than `total` rows means at least total + 1, so at least this many pages exist.
  const pageCount = Math.max(1, Math.ceil((totalIsLowerBound ? total + 1 : total) / pageSize));
  const pageCountText = !totalIsLowerBound
    ? numbers.format(pageCount)
    : total % pageSize === 0
      ? `more than ${numbers.format(total / pageSize)}`
      : `at least ${numbers.format(pageCount)}`;
  const first = total === 0 ? 0 : Math.min((page - 1) * pageSize + 1, total);
  const last = Math.min(page * pageSize, total);

  function pageLink(target: number, label: string, icon: "prev" | "next") {
    const enabled = target >= 1 && target <= pageCount && target !== page;
    const content =
      icon === "prev" ? (
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
    if (!enabled) {
      return (
        <Button variant="outline" size="sm" disabled>
          {content}
        </Button>
      );
    }
    const href = hrefForPage(target);
    return (
      <Button asChild variant="outline" size="sm">
        <Link
          href={href}
          rel={icon}
          scroll={false}
          onClick={(event) => {
            // Modified clicks (new tab, …) keep the browser's behaviour.
            if (!isPlainClick(event)) return;
            event.preventDefault();
            onNavigate(href);
          }}
        >
          {content}
        </Link>
      </Button>
    );
  }

  return (
    <nav aria-label="Pagination" className={cn("flex flex-wrap items-center justify-between gap-3 text-sm", className)}>
      <p className="text-muted-foreground tabular-nums">
        {total === 0
          ? `No ${noun}`
          : `Showing ${numbers.format(first)}–${numbers.format(last)} of ${totalIsLowerBound ? "more than " : ""}${numbers.format(total)}`}
      </p>
      <div className="flex items-center gap-2">
        {pageLink(page - 1, "Previous", "prev")}
        <span className="px-1 text-muted-foreground tabular-nums">
          Page {numbers.format(Math.min(page, pageCount))} of {pageCountText}
        </span>
        {pageLink(page + 1, "Next", "next")}
      </div>
    </nav>
  );
}
