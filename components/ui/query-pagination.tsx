"use client";

import { useRouter } from "next/navigation";
import { useTransition } from "react";

import { ListPagination, type ListPaginationProps } from "@/components/ui/list-pagination";

export type QueryPaginationProps = Omit<ListPaginationProps, "hrefForPage" | "onNavigate"> & {
  pathname: string;
  /** Every other parameter of the list's URL (its filters, as the server parsed them), without `?page=`. */
  query: string;
};

/**
 * The shared pager for a server-rendered list: a server page cannot hand ListPagination its
 * href function, so it hands over the path and query and `?page=` is added here (last, and left
 * out for page 1, so the URLs are the ones the server would build).
 */
export function QueryPagination({ pathname, query, ...props }: QueryPaginationProps) {
  const router = useRouter();
  const [, startTransition] = useTransition();
  const hrefForPage = (page: number) => {
    const params = new URLSearchParams(query);
    if (page > 1) params.set("page", String(page));
    const search = params.toString();
    return search ? `${pathname}?${search}` : pathname;
  };
  return (
    <ListPagination
      {...props}
      hrefForPage={hrefForPage}
      onNavigate={(href) => startTransition(() => router.push(href, { scroll: false }))}
    />
  );
}
