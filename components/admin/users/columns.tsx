import type { ColumnDef } from "@tanstack/react-table";

import { DateText, RelativeTimeText } from "@/components/ui/time";
import { ChangeRoleDialog } from "@/components/admin/users/change-role-dialog";
import { ReissueInviteButton } from "@/components/admin/users/reissue-invite-button";
import { ResetPasswordButton } from "@/components/admin/users/reset-password-button";
import { UserStatusBadge } from "@/components/admin/users/user-status-badge";
import { UserStatusButton } from "@/components/admin/users/user-status-button";
import { RoleBadge } from "@/components/layout/role-badge";
import { Badge } from "@/components/ui/badge";
import type { UserRow } from "@/lib/queries/admin-users";

export type UserColumnsOptions = {
  /** The signed-in administrator's id: their own row cannot be deactivated. */
  currentUserId: string;
  /** The server's render time (ISO), so relative times hydrate without mismatches. */
  serverNow: string;
};

/**
 * Per-column classes for the header and body cells. They respond to the width of the list's
 * container (not the viewport, which the sidebar shares): when space runs out, the email, role
 * and status move into the name cell and the dates are left out, so nothing scrolls sideways.
 */
export const USER_COLUMN_CLASSES: Partial<Record<string, string>> = {
  // From 70rem the row actions show their text (RowActionButton); the email moves under the
  // name until the list is wide enough for both.
  email: "hidden @4xl:table-cell @min-[70rem]:hidden @min-[90rem]:table-cell",
  role: "hidden @lg:table-cell",
  status: "hidden @lg:table-cell",
  lastSignInAt: "hidden @3xl:table-cell",
  createdAt: "hidden @min-[62rem]:table-cell",
  actions: "w-px pr-2",
};

/** Sortable column ids are the `?sort=` values the query understands (USER_SORTS). */
export function getUserColumns({ currentUserId, serverNow }: UserColumnsOptions): ColumnDef<UserRow>[] {
  return [
    {
      id: "name",
      accessorKey: "name",
      header: "Name",
      sortDescFirst: false,
      cell: ({ row }) => (
        <div className="grid gap-0.5">
          <div className="flex items-center gap-2">
            <span className="max-w-[14rem] truncate font-medium text-foreground" title={row.original.name}>
              {row.original.name}
            </span>
            {row.original.id === currentUserId ? <Badge>You</Badge> : null}
          </div>
          {/* Stand-ins for the columns a narrow list leaves out (see USER_COLUMN_CLASSES). */}
          <span
            className="max-w-[14rem] truncate text-xs text-muted-foreground @4xl:hidden @min-[70rem]:block @min-[90rem]:hidden"
            title={row.original.email}
          >
            {row.original.email}
          </span>
          <div className="mt-1 flex flex-wrap gap-1.5 @lg:hidden">
            <RoleBadge role={row.original.role} />
            <UserStatusBadge status={row.original.status} />
          </div>
        </div>
      ),
    },
    {
      id: "email",
      accessorKey: "email",
      header: "Email",
      sortDescFirst: false,
      cell: ({ row }) => (
        <span className="block max-w-[16rem] truncate text-muted-foreground" title={row.original.email}>
          {row.original.email}
        </span>
      ),
    },
    {
      id: "role",
      accessorKey: "role",
      header: "Role",
      sortDescFirst: false,
      cell: ({ row }) => <RoleBadge role={row.original.role} />,
    },
    {
      id: "status",
      accessorKey: "status",
      header: "Status",
      enableSorting: false,
      cell: ({ row }) => {
        const user = row.original;
        if (user.status !== "invited") return <UserStatusBadge status={user.status} />;
        const expired = !user.inviteExpiresAt || Date.parse(user.inviteExpiresAt) <= Date.parse(serverNow);
        return (
          <div className="grid justify-items-start gap-0.5 leading-tight">
            <UserStatusBadge status="invited" />
            <span className="text-xs text-muted-foreground">
              {expired ? (
                "Link expired"
              ) : (
                <>
                  Link expires <RelativeTimeText value={user.inviteExpiresAt!} serverNow={serverNow} />
                </>
              )}
            </span>
          </div>
        );
      },
    },
    {
      id: "lastSignInAt",
      accessorKey: "lastSignInAt",
      header: "Last sign-in",
      sortDescFirst: true,
      cell: ({ row }) =>
        row.original.lastSignInAt ? (
          <RelativeTimeText value={row.original.lastSignInAt} serverNow={serverNow} />
        ) : (
          <span className="text-muted-foreground">Never</span>
        ),
    },
    {
      id: "createdAt",
      accessorKey: "createdAt",
      header: "Created",
      sortDescFirst: true,
      cell: ({ row }) => <DateText value={row.original.createdAt} />,
    },
    {
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      enableSorting: false,
      cell: ({ row }) => {
        const user = row.original;
        const isSelf = user.id === currentUserId;
        const expired = !user.inviteExpiresAt || Date.parse(user.inviteExpiresAt) <= Date.parse(serverNow);
        return (
          // Always in this order, so each action sits in the same place on every row.
          <div className="flex items-center gap-0.5">
            <ChangeRoleDialog user={user} isSelf={isSelf} />
            {isSelf ? null : (
              <UserStatusButton user={user} mode={user.status === "deactivated" ? "reactivate" : "deactivate"} />
            )}
            {user.status === "invited" ? (
              <ReissueInviteButton user={{ id: user.id, name: user.name, inviteExpired: expired }} />
            ) : null}
            {user.status === "active" && !isSelf ? <ResetPasswordButton user={{ id: user.id, name: user.name }} /> : null}
          </div>
        );
      },
    },
  ];
}
