import Link from "next/link";

import { OutcomeBadge } from "@/components/requests/outcome-badge";
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import type { RequestRow } from "@/lib/queries/requests";
import { cn } from "@/lib/utils";

const KEY_PAGE = "/settings/api-keys";

/** "2026-12-02 14:02:05.123 UTC": the trail keeps milliseconds, so the table shows them. */
export function formatRequestTime(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)} UTC`;
}

function Time({ at, stacked = false }: { at: string; stacked?: boolean }) {
  const text = formatRequestTime(at);
  return (
    <time dateTime={at} className="tabular-nums">
      {text.slice(0, 10)}
      <span className={cn(stacked ? "block" : "ml-1")}>{text.slice(11)}</span>
    </time>
  );
}

function KeyCell({ row }: { row: RequestRow }) {
  if (!row.key) return <span className="text-muted-foreground">Unknown key</span>;
  if (!row.key.publicId) return <span className="text-muted-foreground">{row.key.name}</span>;
  return (
    <>
      <Link href={`${KEY_PAGE}/${row.key.publicId}`} className="font-medium text-primary underline-offset-4 hover:underline">
        {row.key.name}
      </Link>
      <span className="block font-mono text-xs text-muted-foreground">{row.key.publicId}</span>
      <span className="block text-xs text-muted-foreground">{row.project.name}</span>
    </>
  );
}

function RequestLine({ row }: { row: RequestRow }) {
  return (
    <span className="font-mono text-xs break-all">
      <span className="font-semibold">{row.method ?? "—"}</span> {row.path ?? <span className="text-muted-foreground">(no path)</span>}
      {row.matchedConstraint ? (
        <span className="block font-sans text-muted-foreground" title="The constraint that allowed the request">
          via {row.matchedConstraint}
        </span>
      ) : null}
    </span>
  );
}

function Client({ row, canSeeIps }: { row: RequestRow; canSeeIps: boolean }) {
  return (
    <>
      <span className="block font-mono text-xs">{canSeeIps ? (row.ip ?? "—") : <span className="font-sans text-muted-foreground">hidden</span>}</span>
      {row.userAgent ? (
        <span className="block truncate text-xs text-muted-foreground lg:max-w-44" title={row.userAgent}>
          {row.userAgent}
        </span>
      ) : null}
      {row.requestId ? (
        <span className="block truncate font-mono text-xs text-muted-foreground lg:max-w-44" title={`Request id ${row.requestId}`}>
          {row.requestId}
        </span>
      ) : null}
    </>
  );
}

export type RequestTableProps = {
  rows: RequestRow[];
  caption: string;
  /** Viewers see "hidden" where the address would be. */
  canSeeIps: boolean;
};

/** One page of the trail, newest first: a table on wide screens, cards on narrow ones. */
export function RequestTable({ rows, caption, canSeeIps }: RequestTableProps) {
  return (
    <div>
      <Table className="text-[13px]" containerClassName="hidden lg:block">
        <TableCaption className="sr-only">{caption}</TableCaption>
        <TableHeader>
          <TableRow className="hover:bg-transparent">
            <TableHead className="px-3">Time (UTC)</TableHead>
            <TableHead className="px-3">Key</TableHead>
            <TableHead className="px-3">Request</TableHead>
            <TableHead className="px-3">Outcome</TableHead>
            <TableHead className="px-3">Client</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {rows.map((row) => (
            <TableRow key={row.id} data-request-id={row.id}>
              <TableCell className="px-3 align-top">
                <Time at={row.at} stacked />
              </TableCell>
              <TableCell className="max-w-56 px-3 align-top whitespace-normal break-words">
                <KeyCell row={row} />
              </TableCell>
              <TableCell className="min-w-56 px-3 align-top whitespace-normal">
                <RequestLine row={row} />
              </TableCell>
              <TableCell className="px-3 align-top">
                <OutcomeBadge outcome={row.outcome} />
              </TableCell>
              <TableCell className="px-3 align-top">
                <Client row={row} canSeeIps={canSeeIps} />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>

      <ol aria-label={caption} className="grid gap-3 lg:hidden">
        {rows.map((row) => (
          <li key={row.id} data-request-id={row.id} className="grid gap-2 rounded-lg border border-border bg-card p-4 text-[13px]">
            <div className="flex flex-wrap items-start justify-between gap-2">
              <OutcomeBadge outcome={row.outcome} />
              <span className="text-xs text-muted-foreground">
                <Time at={row.at} />
              </span>
            </div>
            <RequestLine row={row} />
            <dl className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1.5">
              <dt className="text-xs text-muted-foreground">Key</dt>
              <dd className="min-w-0 break-words">
                <KeyCell row={row} />
              </dd>
              <dt className="text-xs text-muted-foreground">Client</dt>
              <dd className="min-w-0">
                <Client row={row} canSeeIps={canSeeIps} />
              </dd>
            </dl>
          </li>
        ))}
      </ol>
    </div>
  );
}
