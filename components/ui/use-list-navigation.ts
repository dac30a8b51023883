"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useTransition } from "react";

/** `null` or "" removes the parameter, so default values keep URLs short. */
export type ParamUpdates = Record<string, string | null>;

/**
 * The keys and users lists keep all of their state in the URL. This hook builds hrefs that
 * change some parameters and keep the rest (a filter never drops the project, say), and
 * navigates with `push` inside a transition: Back restores the previous view, and `pending`
 * lets the list dim itself while the server renders the next page.
 */
export function useListNavigation() {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [pending, startTransition] = useTransition();

  const hrefWith = useCallback(
    (updates: ParamUpdates) => {
      const next = new URLSearchParams(searchParams.toString());
      for (const [name, value] of Object.entries(updates)) {
        if (value === null || value === "") next.delete(name);
        else next.set(name, value);
      }
      const query = next.toString();
      return query ? `${pathname}?${query}` : pathname;
    },
    [pathname, searchParams],
  );

  const navigateTo = useCallback(
    (href: string) => {
      startTransition(() => router.push(href, { scroll: false }));
    },
    [router],
  );

  const navigate = useCallback((updates: ParamUpdates) => navigateTo(hrefWith(updates)), [hrefWith, navigateTo]);

  return { pending, hrefWith, navigate, navigateTo };
}

export type ListNavigation = ReturnType<typeof useListNavigation>;
