"use client";

import {
  flexRender,
  getCoreRowModel,
  useReactTable,
  type CellContext,
  type ColumnDef,
  type SortingState,
  type Updater,
} from "@tanstack/react-table";
import { ArrowDown, ArrowUp, ChevronsUpDown, SearchX } from "lucide-react";
import type { ReactNode } from "react";

import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { ListPagination } from "@/components/ui/list-pagination";
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { ListNavigation } from "@/components/ui/use-list-navigation";
import { cn } from "@/lib/utils";

export type SortDirection = "asc" | "desc";

export type DataTableProps<TRow, TSort extends string> = {
  /** The list's `useListNavigation()`: sorting and paging write to the URL it reads. */
  navigation: ListNavigation;
  /** Search and filters above the table, usually a ListToolbar. */
  toolbar: ReactNode;
  columns: ColumnDef<TRow>[];
  rows: TRow[];
  getRowId: (row: TRow) => string;
  /** Sets `data-status` on each row, for styling and tests. */
  getRowStatus?: (row: TRow) => string;
  /** Screen-reader name of the table, e.g. "API keys in Default". */
  caption: string;
  /** What the rows are, for the announcement "Showing 1–25 of 40 keys." */
  noun: string;
  /** The list's URL state, as parsed by the page. */
  params: { sort: TSort; dir: SortDirection; page: number };
  /** The `?sort=` values the server understands; only their columns get sortable headers. */
  sorts: readonly TSort[];
  pageSize: number;
  total: number;
  /** There are more than `total` rows (the server stopped counting there). */
  totalIsLowerBound?: boolean;
  /** Shown and announced when nothing matches (`total` is 0). */
  empty: { state: ReactNode; announcement: string };
  /** Per-column classes for header and body cells, by column id (widths, alignment, hiding). */
  columnClasses?: Partial<Record<string, string>>;
  headClassName?: string;
  cellClassName?: string;
  rowClassName?: string;
  /** Classes of the box around the table and pager, e.g. `@container`. */
  className?: string;
};

/**
 * Calls a cell renderer instead of mounting it as a component (which flexRender does). Columns
 * are rebuilt whenever the page refreshes (they close over the server's time), and a renderer
 * mounted as a component type would then be a new type: every cell would remount and any
 * dialog open in a row (say, a one-time password reveal) would vanish. Cells use no hooks.
 */
function renderCell<TRow>(cell: ColumnDef<TRow>["cell"], context: CellContext<TRow, unknown>): ReactNode {
  return typeof cell === "function" ? cell(context) : (cell ?? null);
}

/**
 * One page of a list whose state lives in the URL: sortable headers (with aria-sort), the
 * pager, the empty states, and a dimmed, aria-busy body while the server renders the next
 * page. Sorting and paging happen on the server (manual modes): the table only renders the
 * rows it is given and turns header clicks into URL changes.
 */
export function DataTable<TRow, TSort extends string>({
  navigation,
  toolbar,
  columns,
  rows,
  getRowId,
  getRowStatus,
  caption,
  noun,
  params,
  sorts,
  pageSize,
  total,
  totalIsLowerBound = false,
  empty,
  columnClasses = {},
  headClassName,
  cellClassName,
  rowClassName,
  className,
}: DataTableProps<TRow, TSort>) {
  const { pending, hrefWith, navigate, navigateTo } = navigation;
  const sorting: SortingState = [{ id: params.sort, desc: params.dir === "desc" }];

  // The compiler is not enabled here; the warning only says it would skip this component.
  // eslint-disable-next-line react-hooks/incompatible-library
  const table = useReactTable({
    data: rows,
    columns,
    getCoreRowModel: getCoreRowModel(),
    getRowId,
    manualSorting: true,
    manualPagination: true,
    // A sorted column flips direction on click; "unsorted" is not a state the list has.
    enableSortingRemoval: false,
    enableMultiSort: false,
    state: { sorting },
    onSortingChange: (updater: Updater<SortingState>) => {
      const next = (typeof updater === "function" ? updater(sorting) : updater)[0];
      if (next && (sorts as readonly string[]).includes(next.id)) {
        navigate({ sort: next.id, dir: next.desc ? "desc" : "asc", page: null });
      }
    },
  });

  let body: ReactNode;
  // One polite live region tells screen-reader users what a search or filter found.
  let announcement: string;
  if (total === 0) {
    body = empty.state;
    announcement = empty.announcement;
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
    announcement = `Showing ${first}–${first + rows.length - 1} of ${totalIsLowerBound ? "more than " : ""}${total} ${noun}.`;
    body = (
      <div className={cn("grid grid-cols-1 gap-3", className)}>
        <Table containerClassName="bg-card">
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
                      className={cn(headClassName, columnClasses[column.id])}
                      aria-sort={
                        column.getCanSort()
                          ? sorted === "asc"
                            ? "ascending"
                            : sorted === "desc"
                              ? "descending"
                              : "none"
                          : undefined
                      }
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
              <TableRow key={row.id} data-status={getRowStatus?.(row.original)} className={rowClassName}>
                {row.getVisibleCells().map((cell) => (
                  <TableCell key={cell.id} className={cn("py-2.5", cellClassName, columnClasses[cell.column.id])}>
                    {renderCell(cell.column.columnDef.cell, cell.getContext())}
                  </TableCell>
                ))}
              </TableRow>
            ))}
          </TableBody>
        </Table>
        <ListPagination
          page={params.page}
          pageSize={pageSize}
          total={total}
          totalIsLowerBound={totalIsLowerBound}
          noun={noun}
          hrefForPage={(page) => hrefWith({ page: page === 1 ? null : String(page) })}
          onNavigate={navigateTo}
        />
      </div>
    );
  }

  return (
    <div className="grid grid-cols-1 gap-4">
      {toolbar}
      <div aria-busy={pending || undefined} className={cn("transition-opacity", pending && "pointer-events-none opacity-60")}>
        {body}
      </div>
      <p aria-live="polite" className="sr-only">
        {announcement}
      </p>
    </div>
  );
}
