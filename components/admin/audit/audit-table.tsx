import { ListFilter } from "lucide-react";
import Link from "next/link";

import { actionLabel, formatAuditTime, humanize } from "@/components/admin/audit/format";
import { ResponsiveTable } from "@/components/data-table/responsive-table";
import { Badge, type BadgeVariant } from "@/components/ui/badge";
import type { AuditRow } from "@/lib/queries/audit";
import { cn } from "@/lib/utils";

const KEY_PAGE = "/settings/api-keys";

/** Colour follows consequence; the text always names the action. */
function actionVariant(action: string): BadgeVariant {
  if (/revoked|archived|failed|deleted|deactivated/.test(action)) return "destructive";
  if (/created|completed|invited/.test(action)) return "success";
  if (/rolled|updated|changed|role/.test(action)) return "info";
  return "neutral";
}

const ACTOR_TYPE_LABELS: Record<AuditRow["actorType"], string> = {
  user: "User",
  key: "API key",
  system: "System",
  anonymous: "Unauthenticated",
};

function filterHref(name: "actor" | "key", value: string) {
  return `/admin/audit?${new URLSearchParams({ [name]: value }).toString()}`;
}

function Actor({ row }: { row: AuditRow }) {
  const kind = <span className="block text-xs text-muted-foreground">{ACTOR_TYPE_LABELS[row.actorType]}</span>;
  if (row.actorType === "key" && row.actorKeyPublicId) {
    return (
      <>
        <Link href={`${KEY_PAGE}/${row.actorKeyPublicId}`} className="font-medium text-primary underline-offset-4 hover:underline">
          {row.actorLabel}
        </Link>
        {kind}
      </>
    );
  }
  if (row.actorType === "user" && row.actorUserId) {
    return (
      <>
        <Link
          href={filterHref("actor", row.actorUserId)}
          title="Show only this user's events"
          className="font-medium underline-offset-4 hover:underline"
        >
          {row.actorLabel}
        </Link>
        {kind}
      </>
    );
  }
  return (
    <>
      <span className="font-medium break-all">{row.actorLabel}</span>
      {kind}
    </>
  );
}

function Target({ row }: { row: AuditRow }) {
  if (row.key) {
    return (
      <span className="flex items-start gap-1">
        <span className="min-w-0">
          <Link href={`${KEY_PAGE}/${row.key.publicId}`} className="font-medium text-primary underline-offset-4 hover:underline">
            {row.key.name}
          </Link>
          <span className="block font-mono text-xs text-muted-foreground">{row.key.publicId}</span>
        </span>
        <Link
          href={filterHref("key", row.key.publicId)}
          aria-label={`Show only events for key ${row.key.name} (${row.key.publicId})`}
          title="Show only this key's events"
          className="inline-flex size-7 shrink-0 items-center justify-center rounded-md text-muted-foreground transition-colors hover:bg-accent hover:text-foreground"
        >
          <ListFilter className="size-3.5" aria-hidden="true" />
        </Link>
      </span>
    );
  }
  if (row.targetType === "project" && row.project) {
    return (
      <>
        <span className="font-medium">{row.project.name}</span>
        <span className="block text-xs text-muted-foreground">Project</span>
      </>
    );
  }
  if (row.targetUser) {
    return (
      <>
        <span className="font-medium break-words">{row.targetUser.name}</span>
        <span className="block max-w-48 truncate text-xs text-muted-foreground" title={row.targetUser.email}>
          {row.targetUser.email}
        </span>
      </>
    );
  }
  if (!row.targetType) return <span className="text-muted-foreground">—</span>;
  return (
    <>
      <span>{humanize(row.targetType)}</span>
      {row.targetId ? <span className="block max-w-48 truncate font-mono text-xs text-muted-foreground" title={row.targetId}>{row.targetId}</span> : null}
    </>
  );
}

/** Date over time in the table's narrow column; one line in a card. */
function Time({ row, stacked = false }: { row: AuditRow; stacked?: boolean }) {
  const time = formatAuditTime(row.createdAt);
  return (
    <span className="tabular-nums">
      <time dateTime={row.createdAt}>
        {time.slice(0, 10)}
        <span className={cn(stacked ? "block" : "ml-1")}>{time.slice(11)}</span>
      </time>
      <span className={cn("text-muted-foreground", stacked ? "block text-xs" : "ml-1")}>#{row.id}</span>
    </span>
  );
}

function Summary({ row }: { row: AuditRow }) {
  return (
    <>
      {row.summary}
      {row.project && row.targetType !== "project" && !row.summary.includes(row.project.name) ? (
        <span className="block text-xs text-muted-foreground">in {row.project.name}</span>
      ) : null}
    </>
  );
}

/** IP and user agent; the agent is cut to one line, in full on hover and for screen readers. */
function Client({ row }: { row: AuditRow }) {
  if (!row.ip && !row.userAgent) return <span className="text-muted-foreground">—</span>;
  return (
    <>
      <span className="block font-mono text-xs">{row.ip ?? "—"}</span>
      {row.userAgent ? (
        <span className="block truncate text-xs text-muted-foreground lg:max-w-44" title={row.userAgent}>
          {row.userAgent}
        </span>
      ) : null}
    </>
  );
}

/** The action in words ("Key revoked"), with its code under it: the code is what filters take. */
function ActionBadge({ action }: { action: string }) {
  return (
    <span className="grid justify-items-start gap-1">
      <Badge variant={actionVariant(action)}>{actionLabel(action)}</Badge>
      <code className="font-mono text-xs text-muted-foreground">{action}</code>
    </span>
  );
}

export type AuditTableProps = {
  rows: AuditRow[];
  caption: string;
  className?: string;
};

/** One page of events, newest first: a table on wide screens, a list of cards on narrow ones. */
export function AuditTable({ rows, caption, className }: AuditTableProps) {
  return (
    <ResponsiveTable
      rows={rows}
      caption={caption}
      getRowId={(row) => row.id}
      rowIdAttribute="event-id"
      className={className}
      columns={[
        { header: "Time (UTC)", cell: (row) => <Time row={row} stacked /> },
        { header: "Actor", className: "max-w-52 whitespace-normal break-words", cell: (row) => <Actor row={row} /> },
        { header: "Action", cell: (row) => <ActionBadge action={row.action} /> },
        { header: "Summary", className: "min-w-56 whitespace-normal break-words", cell: (row) => <Summary row={row} /> },
        { header: "Target", className: "max-w-52 whitespace-normal", cell: (row) => <Target row={row} /> },
        { header: "IP and user agent", cell: (row) => <Client row={row} /> },
      ]}
      card={{
        top: (row) => <ActionBadge action={row.action} />,
        aside: (row) => <Time row={row} />,
        body: (row) => (
          <p className="break-words">
            <Summary row={row} />
          </p>
        ),
        details: [
          { label: "Actor", className: "break-words", cell: (row) => <Actor row={row} /> },
          { label: "Target", cell: (row) => <Target row={row} /> },
          { label: "Client", cell: (row) => <Client row={row} /> },
        ],
      }}
    />
  );
}
