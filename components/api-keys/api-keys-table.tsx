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

import { COLUMN_CLASSES, getApiKeyColumns } from "@/components/api-keys/columns";
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { cn } from "@/lib/utils";
import type { ApiKeyRow } from "@/lib/queries/api-keys";
import { KEY_SORTS, type KeySort } from "@/lib/validations/api-key-list";

export type SortDirection = "asc" | "desc";

export type ApiKeysTableProps = {
  rows: ApiKeyRow[];
  sort: KeySort;
  dir: SortDirection;
  /** Called with the new order; the caller writes it to the URL and the server sorts. */
  onSortChange: (sort: KeySort, dir: SortDirection) => void;
  canRevoke: boolean;
  serverNow: string;
  /** Screen-reader name of the table, e.g. "API keys in Default". */
  caption: string;
  className?: string;
};

function isKeySort(id: string): id is KeySort {
  return (KEY_SORTS as readonly string[]).includes(id);
}

/**
 * One page of keys. Sorting and paging happen on the server (manual modes): the table only
 * renders the rows it is given and reports header clicks.
 */
export function ApiKeysTable({ rows, sort, dir, onSortChange, canRevoke, serverNow, caption, className }: ApiKeysTableProps) {
  const columns = useMemo(() => getApiKeyColumns({ canRevoke, serverNow }), [canRevoke, serverNow]);
  const sorting: SortingState = [{ id: sort, desc: dir === "desc" }];

  // The compiler is not enabled here; the warning only says it would skip this component.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({
    data: rows,
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId: (row) => row.publicId,
    manualSorting: true,
    manualPagination: true,
    // A sorted column flips direction on click; "unsorted" is not a state the list has.
    enableSortingRemoval: false,
    enableMultiSort: false,
    state: { sorting },
    onSortingChange: (updater: Updater<SortingState>) => {
      const next = (typeof updater === "function" ? updater(sorting) : updater)[0];
      if (next && isKeySort(next.id)) onSortChange(next.id, next.desc ? "desc" : "asc");
    },
  });

  return (
    <Table className={className} containerClassName="bg-card">
      <TableCaption className="sr-only">{caption}</TableCaption>
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
                  className={cn("px-3 first:pl-4 last:pr-4", COLUMN_CLASSES[column.id])}
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
          <TableRow
            key={row.id}
            data-status={row.original.status}
            // Revoked keys stay listed for the record but recede visually.
            className="data-[status=revoked]:text-muted-foreground data-[status=revoked]:[&_a]:text-muted-foreground"
          >
            {row.getVisibleCells().map((cell) => (
              <TableCell key={cell.id} className={cn("px-3 py-2.5 first:pl-4 last:pr-4", COLUMN_CLASSES[cell.column.id])}>
                {flexRender(cell.column.columnDef.cell, cell.getContext())}
              </TableCell>
            ))}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
