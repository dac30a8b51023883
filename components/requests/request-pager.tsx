import { ChevronLeft, ChevronRight, ChevronsLeft } from "lucide-react";
import Link from "next/link";

import { Button } from "@/components/ui/button";

export type RequestPagerProps = {
  /** Links to the newest page, the newer and the older page; null when there is none. */
  newestHref: string | null;
  newerHref: string | null;
  olderHref: string | null;
};

/**
 * Keyset pages have no numbers: "Newest", "Newer" and "Older" walk from the cursor, so a page
 * deep in millions of events costs what the first one does.
 */
export function RequestPager({ newestHref, newerHref, olderHref }: RequestPagerProps) {
  const link = (href: string | null, label: string, rel: "prev" | "next" | undefined, icon: "first" | "prev" | "next") => {
    const content = (
      <>
        {icon === "first" ? <ChevronsLeft aria-hidden="true" /> : icon === "prev" ? <ChevronLeft aria-hidden="true" /> : null}
        {label}
        {icon === "next" ? <ChevronRight aria-hidden="true" /> : null}
      </>
    );
    if (!href) {
      return (
        <Button variant="outline" size="sm" disabled>
          {content}
        </Button>
      );
    }
    return (
      <Button asChild variant="outline" size="sm">
        <Link href={href} rel={rel} scroll={false}>
          {content}
        </Link>
      </Button>
    );
  };
  return (
    <nav aria-label="Pagination" className="flex flex-wrap items-center justify-end gap-2 text-sm">
      {link(newestHref, "Newest", undefined, "first")}
      {link(newerHref, "Newer", "prev", "prev")}
      {link(olderHref, "Older", "next", "next")}
    </nav>
  );
}
