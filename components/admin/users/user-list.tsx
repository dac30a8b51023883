"use client";

import { SearchX, Users } from "lucide-react";
import type { ReactNode } from "react";

import { ListPagination } from "@/components/api-keys/list-pagination";
import { useListNavigation } from "@/components/ui/use-list-navigation";
import { SearchForm } from "@/components/ui/search-form";
import { UsersTable, type SortDirection } from "@/components/admin/users/users-table";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Spinner } from "@/components/ui/spinner";
import { cn } from "@/lib/utils";
import type { UserRow } from "@/lib/queries/admin-users";
import type { UserListParams, UserSort } from "@/lib/validations/admin-user";

export type UserListProps = {
  rows: UserRow[];
  total: number;
  pageSize: number;
  params: UserListParams;
  currentUserId: string;
  /** The server's render time (ISO) for hydration-safe relative times. */
  serverNow: string;
};

/** Search, table, pager and empty states of Admin → Users; all of it lives in the URL. */
export function UserList({ rows, total, pageSize, params, currentUserId, serverNow }: UserListProps) {
  const { pending, hrefWith, navigate, navigateTo } = useListNavigation();

  function onSortChange(sort: UserSort, dir: SortDirection) {
    navigate({ sort, dir, page: null });
  }

  let body: ReactNode;
  // One polite live region tells screen-reader users what a search found.
  let announcement: string;
  if (total === 0) {
    const title = params.q ? `No users match “${params.q}”` : "No users";
    announcement = `${title}.`;
    body = (
      <EmptyState
        icon={params.q ? SearchX : Users}
        title={title}
        description={params.q ? "Search looks at names and email addresses. Try another search, or clear it." : undefined}
        action={
          params.q ? (
            <Button variant="outline" onClick={() => navigate({ q: null, page: null })}>
              Clear search
            </Button>
          ) : null
        }
      />
    );
  } else if (rows.length === 0) {
    announcement = "This page is empty.";
    body = (
      <EmptyState
        icon={SearchX}
        title="This page is empty"
        description="The list has fewer pages than the link you followed."
        action={
          <Button variant="outline" onClick={() => navigate({ page: null })}>
            Go to the first page
          </Button>
        }
      />
    );
  } else {
    const first = (params.page - 1) * pageSize + 1;
    announcement = `Showing ${first}–${first + rows.length - 1} of ${total} users.`;
    body = (
      // The table's columns follow this container's width (USER_COLUMN_CLASSES).
      <div className="@container grid gap-3">
        <UsersTable
          rows={rows}
          sort={params.sort}
          dir={params.dir}
          onSortChange={onSortChange}
          currentUserId={currentUserId}
          serverNow={serverNow}
        />
        <ListPagination
          page={params.page}
          pageSize={pageSize}
          total={total}
          hrefForPage={(page) => hrefWith({ page: page === 1 ? null : String(page) })}
          onNavigate={navigateTo}
        />
      </div>
    );
  }

  return (
    <div className="grid gap-4">
      <div className="flex flex-wrap items-end gap-3">
        <SearchForm
          id="user-search"
          label="Search users"
          placeholder="Name or email"
          key={params.q}
          query={params.q}
          onSearch={(q) => navigate({ q: q || null, page: null })}
          className="w-full sm:max-w-md sm:flex-1"
        />
        {pending ? <Spinner label="Loading users" className="mb-2.5 text-muted-foreground" /> : null}
      </div>

      <div aria-busy={pending || undefined} className={cn("transition-opacity", pending && "pointer-events-none opacity-60")}>
        {body}
      </div>
      <p aria-live="polite" className="sr-only">
        {announcement}
      </p>
    </div>
  );
}
