"use client";

import { KeyRound, SearchX } from "lucide-react";
import { useMemo, useState, type ReactNode } from "react";

import { BulkRevokeButton } from "@/components/api-keys/bulk-revoke-button";
import { COLUMN_CLASSES, getApiKeyColumns, isSelectable, type KeySelection } from "@/components/api-keys/columns";
import { Button } from "@/components/ui/button";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { ListToolbar, ToolbarSelect } from "@/components/ui/list-toolbar";
import { useListNavigation } from "@/components/ui/use-list-navigation";
import type { ApiKeyRow } from "@/lib/queries/api-keys";
import { KEY_STATUSES } from "@/lib/keys/status";
import { KEY_SORTS, type ApiKeyListParams } from "@/lib/validations/api-key-list";

export type ProjectChoice = {
  slug: string;
  /** What the switcher shows, e.g. "Keydesk API (management keys)". */
  label: string;
};

export type ApiKeyListProps = {
  projects: ProjectChoice[];
  project: { slug: string; name: string };
  rows: ApiKeyRow[];
  total: number;
  /** More than `total` keys match (the server stopped counting there). */
  totalIsLowerBound: boolean;
  pageSize: number;
  params: ApiKeyListParams;
  /** Adds the selection column, bulk revoke and the trash icon; only for users with `keys.revoke`. */
  canRevoke: boolean;
  /** Adds the disable/enable action; only for users with `keys.update`. */
  canUpdate: boolean;
  /** The server's render time (ISO) for hydration-safe relative times. */
  serverNow: string;
  /** The create button for the "no keys yet" state, or null when the user cannot create keys. */
  createAction: ReactNode;
};

const STATUS_LABELS = { all: "All", active: "Active", disabled: "Disabled", expired: "Expired", revoked: "Revoked" } as const;

/** Toolbar, table, pager and empty states of Settings → API Keys; every filter lives in the URL. */
export function ApiKeyList({
  projects,
  project,
  rows,
  total,
  totalIsLowerBound,
  pageSize,
  params,
  canRevoke,
  canUpdate,
  serverNow,
  createAction,
}: ApiKeyListProps) {
  const navigation = useListNavigation();
  const { navigate } = navigation;
  const selection = usePageSelection(rows);
  const columns = useMemo(
    () => getApiKeyColumns({ canRevoke, canUpdate, serverNow, selection }),
    [canRevoke, canUpdate, serverNow, selection],
  );
  const selectedRows = rows.filter((row) => selection.selected.has(row.publicId));
  const filtered = params.q !== "" || params.status !== "all";
  const projectIsEmpty = total === 0 && !filtered;

  let empty: { state: ReactNode; announcement: string };
  if (projectIsEmpty) {
    empty = {
      announcement: "No API keys yet.",
      state: (
        <EmptyState
          icon={KeyRound}
          title="No API keys yet"
          description={
            createAction
              ? `Create a key for each app or partner that calls ${project.name}, so you can revoke one without breaking the others.`
              : "Only administrators can create keys."
          }
          action={createAction}
        />
      ),
    };
  } else {
    const statusText = params.status === "all" ? "" : ` ${STATUS_LABELS[params.status].toLowerCase()}`;
    const title = params.q ? `No${statusText} keys match “${params.q}”` : `No${statusText} keys`;
    empty = {
      announcement: `${title}.`,
      state: (
        <EmptyState
          icon={SearchX}
          title={title}
          description={
            params.q
              ? "Try another search, or clear the search and filters to see every key in this project."
              : "Clear the filter to see every key in this project."
          }
          action={
            <Button variant="outline" onClick={() => navigate({ q: null, status: null, page: null })}>
              Clear
            </Button>
          }
        />
      ),
    };
  }

  return (
    <DataTable
      navigation={navigation}
      toolbar={
        <>
          <ListToolbar
            navigation={navigation}
            loadingLabel="Loading keys"
            leading={
              projects.length > 1 ? (
                <ToolbarSelect
                  id="key-project"
                  label="Project"
                  value={project.slug}
                  onChange={(slug) => navigate({ project: slug, page: null })}
                  className="sm:w-72"
                >
                  {projects.map((choice) => (
                    <option key={choice.slug} value={choice.slug}>
                      {choice.label}
                    </option>
                  ))}
                </ToolbarSelect>
              ) : null
            }
            search={
              projectIsEmpty
                ? null
                : {
                    id: "key-search",
                    label: "Search keys",
                    placeholder: "Name, owner, description, prefix or Sid",
                    query: params.q,
                    className: "w-full sm:max-w-xl sm:min-w-80 sm:flex-1",
                  }
            }
          >
            {projectIsEmpty ? null : (
              <ToolbarSelect
                id="key-status"
                label="Status"
                value={params.status}
                onChange={(status) => navigate({ status: status === "all" ? null : status, page: null })}
                className="sm:w-36"
              >
                <option value="all">{STATUS_LABELS.all}</option>
                {KEY_STATUSES.map((status) => (
                  <option key={status} value={status}>
                    {STATUS_LABELS[status]}
                  </option>
                ))}
              </ToolbarSelect>
            )}
          </ListToolbar>
          {canRevoke && selectedRows.length > 0 ? (
            <div
              role="region"
              aria-label="Selected keys"
              className="flex flex-wrap items-center gap-3 rounded-md border border-border bg-muted/50 px-3 py-2 text-sm"
            >
              <span className="font-medium" aria-live="polite">
                {selectedRows.length} selected
              </span>
              <BulkRevokeButton keys={selectedRows} onRevoked={selection.clear} />
              <Button variant="ghost" size="sm" onClick={selection.clear}>
                Clear selection
              </Button>
            </div>
          ) : null}
        </>
      }
      columns={columns}
      rows={rows}
      getRowId={(row) => row.publicId}
      getRowStatus={(row) => row.status}
      caption={`API keys in ${project.name}`}
      noun="keys"
      params={params}
      sorts={KEY_SORTS}
      pageSize={pageSize}
      total={total}
      totalIsLowerBound={totalIsLowerBound}
      empty={empty}
      columnClasses={COLUMN_CLASSES}
      // The columns follow this container's width (COLUMN_CLASSES).
      className="@container"
      headClassName="px-3 first:pl-4 last:pr-4"
      cellClassName="px-3 first:pl-4 last:pr-4"
      // Revoked keys stay listed for the record but recede visually.
      rowClassName="data-[status=revoked]:text-muted-foreground data-[status=revoked]:[&_a]:text-muted-foreground"
    />
  );
}

const NONE: ReadonlySet<string> = new Set();

/**
 * Which rows of this page are checked. The selection belongs to the page it was made on: another
 * page, filter or sort (a different set of rows) starts empty, and rows that stop being
 * selectable (revoked meanwhile) drop out.
 */
function usePageSelection(rows: ApiKeyRow[]): KeySelection & { clear: () => void } {
  const page = rows.map((row) => row.publicId).join(",");
  const [state, setState] = useState<{ page: string; ids: ReadonlySet<string> }>({ page, ids: NONE });
  return useMemo(() => {
    const selectable = rows.filter(isSelectable).map((row) => row.publicId);
    const current = state.page === page ? state.ids : NONE;
    const selected = new Set(selectable.filter((id) => current.has(id)));
    const all = selected.size === 0 ? "none" : selected.size === selectable.length ? "all" : "some";
    return {
      selected,
      all,
      selectable: selectable.length,
      toggle: (id: string) => {
        const next = new Set(selected);
        if (next.has(id)) next.delete(id);
        else next.add(id);
        setState({ page, ids: next });
      },
      toggleAll: () => setState({ page, ids: all === "all" ? NONE : new Set(selectable) }),
      clear: () => setState({ page, ids: NONE }),
    };
  }, [rows, page, state]);
}
