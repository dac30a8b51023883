import type { ComponentProps } from "react";

import { cn } from "@/lib/utils";

export type TableProps = ComponentProps<"table"> & {
  /** Class names for the scroll container around the table (border, radius…). */
  containerClassName?: string;
};

/**
 * Data table. The wrapper scrolls horizontally on narrow screens so the page itself
 * never does, and takes keyboard focus so a table without links or buttons can still be
 * scrolled with the arrow keys. Give the table a `<TableCaption>` (it may be
 * `className="sr-only"`) or an `aria-label` so assistive tech can name it.
 */
export function Table({ className, containerClassName, ...props }: TableProps) {
  return (
    <div
      data-slot="table-container"
      tabIndex={0}
      className={cn(
        "relative w-full overflow-x-auto rounded-lg border border-border bg-card",
        "focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none",
        containerClassName,
      )}
    >
      <table data-slot="table" className={cn("w-full caption-bottom border-collapse text-sm", className)} {...props} />
    </div>
  );
}

export type TableHeaderProps = ComponentProps<"thead">;

export function TableHeader({ className, ...props }: TableHeaderProps) {
  return <thead data-slot="table-header" className={cn("bg-muted/50 [&_tr]:border-b", className)} {...props} />;
}

export type TableBodyProps = ComponentProps<"tbody">;

export function TableBody({ className, ...props }: TableBodyProps) {
  return <tbody data-slot="table-body" className={cn("[&_tr:last-child]:border-0", className)} {...props} />;
}

export type TableRowProps = ComponentProps<"tr">;

export function TableRow({ className, ...props }: TableRowProps) {
  return (
    <tr
      data-slot="table-row"
      className={cn(
        "border-b border-border transition-colors hover:bg-muted/40 data-[state=selected]:bg-muted",
        className,
      )}
      {...props}
    />
  );
}

export type TableHeadProps = ComponentProps<"th">;

export function TableHead({ className, scope = "col", ...props }: TableHeadProps) {
  return (
    <th
      data-slot="table-head"
      scope={scope}
      className={cn(
        "h-10 px-4 text-left align-middle text-xs font-medium whitespace-nowrap text-muted-foreground",
        "[&:has([role=checkbox])]:pr-0",
        className,
      )}
      {...props}
    />
  );
}

export type TableCellProps = ComponentProps<"td">;

export function TableCell({ className, ...props }: TableCellProps) {
  return (
    <td
      data-slot="table-cell"
      className={cn("px-4 py-3 align-middle whitespace-nowrap [&:has([role=checkbox])]:pr-0", className)}
      {...props}
    />
  );
}

export type TableCaptionProps = ComponentProps<"caption">;

export function TableCaption({ className, ...props }: TableCaptionProps) {
  return (
    <caption
      data-slot="table-caption"
      className={cn("border-t border-border px-4 py-3 text-left text-sm text-muted-foreground", className)}
      {...props}
    />
  );
}
