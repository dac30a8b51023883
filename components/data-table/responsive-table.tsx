import { Fragment, type ReactNode } from "react";

import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { cn } from "@/lib/utils";

export type ResponsiveColumn<TRow> = {
  header: string;
  /** Classes of the column's body cells (widths, wrapping). */
  className?: string;
  cell: (row: TRow) => ReactNode;
};

export type ResponsiveCard<TRow> = {
  /** The card's first line: what happened on the left, when on the right. */
  top: (row: TRow) => ReactNode;
  aside: (row: TRow) => ReactNode;
  /** A line under it, e.g. the request or the summary. */
  body: (row: TRow) => ReactNode;
  /** Labelled details under that. */
  details: { label: string; className?: string; cell: (row: TRow) => ReactNode }[];
};

export type ResponsiveTableProps<TRow> = {
  rows: TRow[];
  /** Names the table and the list of cards for screen readers. */
  caption: string;
  getRowId: (row: TRow) => string | number;
  /** The row's id is also set as `data-<rowIdAttribute>` on each row and card, for tests and links. */
  rowIdAttribute: string;
  columns: ResponsiveColumn<TRow>[];
  card: ResponsiveCard<TRow>;
  className?: string;
};

/**
 * One page of a log, newest first: a table on wide screens, a list of cards on narrow ones (a
 * six-column table would scroll sideways on a phone). Server-rendered; the page owns the pager.
 */
export function ResponsiveTable<TRow>({ rows, caption, getRowId, rowIdAttribute, columns, card, className }: ResponsiveTableProps<TRow>) {
  const dataId = (row: TRow) => ({ [`data-${rowIdAttribute}`]: String(getRowId(row)) });
  return (
    <div className={className}>
      <Table className="text-[13px]" containerClassName="hidden lg:block">
        <TableCaption className="sr-only">{caption}</TableCaption>
        <TableHeader>
          <TableRow className="hover:bg-transparent">
            {columns.map((column) => (
              <TableHead key={column.header} className="px-3">
                {column.header}
              </TableHead>
            ))}
          </TableRow>
        </TableHeader>
        <TableBody>
          {rows.map((row) => (
            <TableRow key={getRowId(row)} {...dataId(row)}>
              {columns.map((column) => (
                <TableCell key={column.header} className={cn("px-3 align-top", column.className)}>
                  {column.cell(row)}
                </TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>

      <ol aria-label={caption} className="grid gap-3 lg:hidden">
        {rows.map((row) => (
          <li key={getRowId(row)} {...dataId(row)} className="grid gap-2 rounded-lg border border-border bg-card p-4 text-[13px]">
            <div className="flex flex-wrap items-start justify-between gap-2">
              {card.top(row)}
              <span className="text-xs text-muted-foreground">{card.aside(row)}</span>
            </div>
            {card.body(row)}
            <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1.5">
              {card.details.map((detail) => (
                <Fragment key={detail.label}>
                  <dt className="text-xs text-muted-foreground">{detail.label}</dt>
                  <dd className={cn("min-w-0", detail.className)}>{detail.cell(row)}</dd>
                </Fragment>
              ))}
            </dl>
          </li>
        ))}
      </ol>
    </div>
  );
}
