import type { ColumnDef } from "@tanstack/react-table";
import { Lock, UserRound } from "lucide-react";
import Link from "next/link";

import { ExpiryText } from "@/components/api-keys/expiry-text";
import { KeyEnabledButton } from "@/components/api-keys/key-enabled-button";
import { KeyMarkers } from "@/components/api-keys/key-markers";
import { KeyStatusBadge } from "@/components/api-keys/key-status-badge";
import { RevokeKeyButton } from "@/components/api-keys/revoke-key-button";
import { AnomalyBadges } from "@/components/requests/anomaly-badges";
import { Checkbox } from "@/components/ui/checkbox";
import { DateText, RelativeTimeText } from "@/components/ui/time";
import { Badge } from "@/components/ui/badge";
import type { ApiKeyRow } from "@/lib/queries/api-keys";

/** The list's checkbox selection (for bulk revoke): ids of selected rows of this page. */
export type KeySelection = {
  selected: ReadonlySet<string>;
  /** Whether the header checkbox is checked, mixed or clear. */
  all: "none" | "some" | "all";
  /** Rows of this page that can be selected (not revoked). */
  selectable: number;
  toggle: (publicId: string) => void;
  toggleAll: () => void;
};

export type ApiKeyColumnsOptions = {
  /** Adds the selection and revoke columns; only for callers with `keys.revoke`. */
  canRevoke: boolean;
  /** Adds the disable/enable action; only for callers with `keys.update`. */
  canUpdate: boolean;
  /** The server's render time (ISO), so relative times hydrate without mismatches. */
  serverNow: string;
  selection: KeySelection;
};

/** Revoked keys have nothing left to revoke or disable; they cannot be selected either. */
export const isSelectable = (row: ApiKeyRow) => row.status !== "revoked";

/**
 * Per-column classes for the header and body cells. They respond to the width of the list's
 * container (not the viewport, which the sidebar shares): as space runs out the description, last
 * use, creation and expiry columns are left out in that order (the key page has them all), so
 * the status and the trash icon never leave the screen. The expiry then moves under the status
 * (it matters most: when the key stops working); nothing else is repeated elsewhere in the row.
 */
export const COLUMN_CLASSES: Partial<Record<string, string>> = {
  description: "hidden @min-[56rem]:table-cell",
  lastUsedAt: "hidden @min-[48rem]:table-cell",
  createdAt: "hidden @min-[40rem]:table-cell",
  expiresAt: "hidden @min-[32rem]:table-cell",
  select: "w-10 pr-0",
  actions: "w-20 text-right last:pr-2",
};

function NoValue({ label }: { label: string }) {
  return (
    <>
      <span aria-hidden="true" className="text-muted-foreground">
        —
      </span>
      <span className="sr-only">{label}</span>
    </>
  );
}

/** Sortable column ids are the `?sort=` values the query understands (KEY_SORTS). */
export function getApiKeyColumns({ canRevoke, canUpdate, serverNow, selection }: ApiKeyColumnsOptions): ColumnDef<ApiKeyRow>[] {
  const columns: ColumnDef<ApiKeyRow>[] = [
    {
      id: "name",
      accessorKey: "name",
      header: "Name",
      sortDescFirst: false,
      cell: ({ row }) => {
        const key = row.original;
        return (
          <div className="grid justify-items-start gap-1">
            <Link
              href={`/settings/api-keys/${key.publicId}`}
              title={key.name}
              className="max-w-[10rem] truncate font-medium text-foreground underline-offset-4 hover:underline @md:max-w-[13rem]"
            >
              {key.name}
            </Link>
            <div className="flex flex-wrap items-center gap-1.5">
              <code className="font-mono text-xs text-muted-foreground">{key.maskedKey}</code>
              {key.externalId ? (
                <span className="inline-flex max-w-[10rem] items-center gap-1 text-xs text-muted-foreground" title={`Owner: ${key.externalId}`}>
                  <UserRound aria-hidden="true" className="size-3 shrink-0" />
                  <span className="sr-only">Owner </span>
                  <span className="truncate">{key.externalId}</span>
                </span>
              ) : null}
              {key.constraintCount > 0 ? (
                <Badge
                  variant="info"
                  title={`${key.constraintCount} constraint${key.constraintCount === 1 ? "" : "s"} limit what this key can call, and from where`}
                >
                  <Lock aria-hidden="true" />
                  Restricted
                </Badge>
              ) : null}
              <AnomalyBadges anomalies={key.anomalies ?? []} />
              <KeyMarkers canary={key.canary} leakedAt={key.leakedAt} />
            </div>
          </div>
        );
      },
    },
    {
      id: "description",
      accessorKey: "description",
      header: "Description",
      enableSorting: false,
      cell: ({ row }) =>
        row.original.description ? (
          <span className="block max-w-[9rem] truncate text-muted-foreground" title={row.original.description}>
            {row.original.description}
          </span>
        ) : (
          <NoValue label="No description" />
        ),
    },
    {
      id: "createdAt",
      accessorKey: "createdAt",
      header: "Created",
      sortDescFirst: true,
      cell: ({ row }) => (
        <div className="grid leading-tight">
          <DateText value={row.original.createdAt} />
          {row.original.createdBy ? (
            <span className="max-w-[8rem] truncate text-xs text-muted-foreground" title={`by ${row.original.createdBy}`}>
              by {row.original.createdBy}
            </span>
          ) : null}
        </div>
      ),
    },
    {
      id: "expiresAt",
      accessorKey: "expiresAt",
      header: "Expires",
      sortDescFirst: true,
      cell: ({ row }) => (
        <ExpiryText expiresAt={row.original.expiresAt} status={row.original.status} serverNow={serverNow} />
      ),
    },
    {
      id: "lastUsedAt",
      accessorKey: "lastUsedAt",
      header: "Last used",
      sortDescFirst: true,
      cell: ({ row }) =>
        row.original.lastUsedAt ? (
          <RelativeTimeText value={row.original.lastUsedAt} serverNow={serverNow} />
        ) : (
          <span className="text-muted-foreground">Never</span>
        ),
    },
    {
      id: "status",
      accessorKey: "status",
      header: "Status",
      enableSorting: false,
      cell: ({ row }) => (
        <div className="grid justify-items-start gap-1">
          <span className="flex items-center gap-1.5">
            <KeyStatusBadge status={row.original.status} />
            {row.original.replacedBy && row.original.status === "active" ? (
              <Badge variant="neutral" title={`Rolled: replaced by ${row.original.replacedBy}; this key stops working when it expires`}>
                Rolled
              </Badge>
            ) : null}
          </span>
          {/* Where the Expires column does not fit (phones), the expiry moves here; never both. */}
          {row.original.status === "revoked" ? null : (
            <span className="text-xs text-muted-foreground @min-[32rem]:hidden">
              <ExpiryText expiresAt={row.original.expiresAt} status={row.original.status} serverNow={serverNow} withVerb />
            </span>
          )}
        </div>
      ),
    },
  ];

  if (canRevoke) {
    columns.unshift({
      id: "select",
      header: () => (
        <Checkbox
          aria-label="Select all keys on this page"
          checked={selection.all === "all"}
          // A mixed state is a DOM property only; React has no attribute for it.
          ref={(element) => {
            if (element) element.indeterminate = selection.all === "some";
          }}
          onChange={selection.toggleAll}
          disabled={selection.selectable === 0}
          className="align-middle"
        />
      ),
      enableSorting: false,
      cell: ({ row }) =>
        isSelectable(row.original) ? (
          <Checkbox
            aria-label={`Select ${row.original.name}`}
            checked={selection.selected.has(row.original.publicId)}
            onChange={() => selection.toggle(row.original.publicId)}
            className="align-middle"
          />
        ) : null,
    });
  }
  if (canRevoke || canUpdate) {
    columns.push({
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      enableSorting: false,
      cell: ({ row }) =>
        // A revoked key has nothing left to change; expired ones can still be revoked for the record.
        isSelectable(row.original) ? (
          <span className="inline-flex items-center justify-end gap-0.5">
            {canUpdate ? (
              <KeyEnabledButton keyId={row.original.publicId} name={row.original.name} enabled={row.original.enabled} />
            ) : null}
            {canRevoke ? <RevokeKeyButton keyId={row.original.publicId} name={row.original.name} createdActiveCount={row.original.createdActiveCount} /> : null}
          </span>
        ) : null,
    });
  }
  return columns;
}
