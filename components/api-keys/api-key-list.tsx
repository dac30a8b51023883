"use client";

import { KeyRound, SearchX } from "lucide-react";
import { useMemo, type ReactNode } from "react";

import { COLUMN_CLASSES, getApiKeyColumns } from "@/components/api-keys/columns";
import { Button } from "@/components/ui/button";
import { DataTable } from "@/components/ui/data-table";
import { EmptyState } from "@/components/ui/empty-state";
import { ListToolbar, ToolbarSelect } from "@/components/ui/list-toolbar";
import { useListNavigation } from "@/components/ui/use-list-navigation";
import type { ApiKeyRow } from "@/lib/queries/api-keys";
import { KEY_SORTS, KEY_STATUSES, type ApiKeyListParams } from "@/lib/validations/api-key-list";

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
  /** Adds the revoke (trash) column; only for users with `keys.revoke`. */
  canRevoke: boolean;
  /** The server's render time (ISO) for hydration-safe relative times. */
  serverNow: string;
  /** The create button for the "no keys yet" state, or null when the user cannot create keys. */
  createAction: ReactNode;
};

const STATUS_LABELS = { all: "All", active: "Active", expired: "Expired", revoked: "Revoked" } as const;

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
  serverNow,
  createAction,
}: ApiKeyListProps) {
  const navigation = useListNavigation();
  const { navigate } = navigation;
  const columns = useMemo(() => getApiKeyColumns({ canRevoke, serverNow }), [canRevoke, serverNow]);
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
                  placeholder: "Name, description, prefix or Sid",
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
