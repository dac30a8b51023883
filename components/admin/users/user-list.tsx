"use client";

import { SearchX, Users } from "lucide-react";
import { useMemo } from "react";

import { USER_COLUMN_CLASSES, getUserColumns } from "@/components/admin/users/columns";
import { Button } from "@/components/ui/button";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { ListToolbar } from "@/components/ui/list-toolbar";
import { useListNavigation } from "@/components/ui/use-list-navigation";
import type { UserRow } from "@/lib/queries/admin-users";
import { USER_SORTS, type UserListParams } from "@/lib/validations/admin-user";

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
  const navigation = useListNavigation();
  const columns = useMemo(() => getUserColumns({ currentUserId, serverNow }), [currentUserId, serverNow]);
  const emptyTitle = params.q ? `No users match “${params.q}”` : "No users";

  return (
    <DataTable
      navigation={navigation}
      toolbar={
        <ListToolbar
          navigation={navigation}
          loadingLabel="Loading users"
          search={{
            id: "user-search",
            label: "Search users",
            placeholder: "Name or email",
            query: params.q,
            className: "w-full sm:max-w-md sm:flex-1",
          }}
        />
      }
      columns={columns}
      rows={rows}
      getRowId={(row) => row.id}
      getRowStatus={(row) => row.status}
      caption="Users of Keydesk"
      noun="users"
      params={params}
      sorts={USER_SORTS}
      pageSize={pageSize}
      total={total}
      empty={{
        announcement: `${emptyTitle}.`,
        state: (
          <EmptyState
            icon={params.q ? SearchX : Users}
            title={emptyTitle}
            description={params.q ? "Search looks at names and email addresses. Try another search, or clear it." : undefined}
            action={
              params.q ? (
                <Button variant="outline" onClick={() => navigation.navigate({ q: null, page: null })}>
                  Clear search
                </Button>
              ) : null
            }
          />
        ),
      }}
      columnClasses={USER_COLUMN_CLASSES}
      // The table's columns follow this container's width (USER_COLUMN_CLASSES).
      className="@container"
    />
  );
}
