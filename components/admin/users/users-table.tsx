"use client";

import {
  flexRender,
  getCoreRowModel,
  useReactTable,
  type SortingState,
  type Updater,
} from "@tanstack/react-table";
import { ArrowDown, ArrowUp, ChevronsUpDown } from "lucide-react";
import { useMemo } from "react";

import { USER_COLUMN_CLASSES, getUserColumns } from "@/components/admin/users/columns";
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { cn } from "@/lib/utils";
import type { UserRow } from "@/lib/queries/admin-users";
import { USER_SORTS, type UserSort } from "@/lib/validations/admin-user";

export type SortDirection = "asc" | "desc";

export type UsersTableProps = {
  rows: UserRow[];
  sort: UserSort;
  dir: SortDirection;
  /** Called with the new order; the caller writes it to the URL and the server sorts. */
  onSortChange: (sort: UserSort, dir: SortDirection) => void;
  currentUserId: string;
  serverNow: string;
  className?: string;
};

function isUserSort(id: string): id is UserSort {
  return (USER_SORTS as readonly string[]).includes(id);
}

/**
 * One page of users. Sorting and paging happen on the server (manual modes): the table only
 * renders the rows it is given and reports header clicks.
 */
export function UsersTable({ rows, sort, dir, onSortChange, currentUserId, serverNow, className }: UsersTableProps) {
  const columns = useMemo(() => getUserColumns({ currentUserId, serverNow }), [currentUserId, serverNow]);
  const sorting: SortingState = [{ id: sort, desc: dir === "desc" }];

  // The compiler is not enabled here; the warning only says it would skip this component.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({
    data: rows,
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (row) => row.id,
    manualSorting: true,
    manualPagination: true,
    // A sorted column flips direction on click; "unsorted" is not a state the list has.
    enableSortingRemoval: false,
    enableMultiSort: false,
    state: { sorting },
    onSortingChange: (updater: Updater<SortingState>) => {
      const next = (typeof updater === "function" ? updater(sorting) : updater)[0];
      if (next && isUserSort(next.id)) onSortChange(next.id, next.desc ? "desc" : "asc");
    },
  });

  return (
    <Table className={className} containerClassName="bg-card">
      <TableCaption className="sr-only">Users of Keydesk</TableCaption>
      <TableHeader>
        {table.getHeaderGroups().map((group) => (
          <TableRow key={group.id} className="hover:bg-transparent">
            {group.headers.map((header) => {
              const column = header.column;
              const sorted = column.getIsSorted();
              const label = flexRender(column.columnDef.header, header.getContext());
              return (
                <TableHead
                  key={header.id}
                  className={USER_COLUMN_CLASSES[column.id]}
                  aria-sort={column.getCanSort() ? (sorted === "asc" ? "ascending" : sorted === "desc" ? "descending" : "none") : undefined}
                >
                  {column.getCanSort() ? (
                    <button
                      type="button"
                      onClick={column.getToggleSortingHandler()}
                      className={cn(
                        "-ml-2 inline-flex h-8 items-center gap-1 rounded-md px-2 font-medium transition-colors",
                        "hover:bg-accent hover:text-foreground",
                        sorted && "text-foreground",
                      )}
                    >
                      {label}
                      {sorted === "asc" ? (
                        <ArrowUp className="size-3.5" aria-hidden="true" />
                      ) : sorted === "desc" ? (
                        <ArrowDown className="size-3.5" aria-hidden="true" />
                      ) : (
                        <ChevronsUpDown className="size-3.5 opacity-60" aria-hidden="true" />
                      )}
                    </button>
                  ) : (
                    label
                  )}
                </TableHead>
              );
            })}
          </TableRow>
        ))}
      </TableHeader>
      <TableBody>
        {table.getRowModel().rows.map((row) => (
          <TableRow key={row.id} data-status={row.original.status}>
            {row.getVisibleCells().map((cell) => (
              <TableCell key={cell.id} className={cn(USER_COLUMN_CLASSES[cell.column.id], "py-2.5")}>
                {flexRender(cell.column.columnDef.cell, cell.getContext())}
              </TableCell>
            ))}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
