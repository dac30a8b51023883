import Link from "next/link";

import { ResponsiveTable } from "@/components/data-table/responsive-table";
import { OutcomeBadge } from "@/components/requests/outcome-badge";
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
    <ResponsiveTable
      rows={rows}
      caption={caption}
      getRowId={(row) => row.id}
      rowIdAttribute="request-id"
      columns={[
        { header: "Time (UTC)", cell: (row) => <Time at={row.at} stacked /> },
        { header: "Key", className: "max-w-56 whitespace-normal break-words", cell: (row) => <KeyCell row={row} /> },
        { header: "Request", className: "min-w-56 whitespace-normal", cell: (row) => <RequestLine row={row} /> },
        { header: "Outcome", cell: (row) => <OutcomeBadge outcome={row.outcome} /> },
        { header: "Client", cell: (row) => <Client row={row} canSeeIps={canSeeIps} /> },
      ]}
      card={{
        top: (row) => <OutcomeBadge outcome={row.outcome} />,
        aside: (row) => <Time at={row.at} />,
        body: (row) => <RequestLine row={row} />,
        details: [
          { label: "Key", className: "break-words", cell: (row) => <KeyCell row={row} /> },
          { label: "Client", cell: (row) => <Client row={row} canSeeIps={canSeeIps} /> },
        ],
      }}
    />
  );
}
