"use client";

import { KeyRound, SearchX } from "lucide-react";
import type { ReactNode } from "react";

import { ApiKeysTable, type SortDirection } from "@/components/api-keys/api-keys-table";
import { ListPagination } from "@/components/api-keys/list-pagination";
import { useListNavigation } from "@/components/ui/use-list-navigation";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { Label } from "@/components/ui/label";
import { SearchForm } from "@/components/ui/search-form";
import { Select } from "@/components/ui/select";
import { Spinner } from "@/components/ui/spinner";
import { cn } from "@/lib/utils";
import type { ApiKeyRow } from "@/lib/queries/api-keys";
import { KEY_STATUSES, type ApiKeyListParams, type KeySort } from "@/lib/validations/api-key-list";

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
  pageSize,
  params,
  canRevoke,
  serverNow,
  createAction,
}: ApiKeyListProps) {
  const { pending, hrefWith, navigate, navigateTo } = useListNavigation();
  const filtered = params.q !== "" || params.status !== "all";
  const projectIsEmpty = total === 0 && !filtered;

  function onSortChange(sort: KeySort, dir: SortDirection) {
    navigate({ sort, dir, page: null });
  }

  const clearFilters = (
    <Button variant="outline" onClick={() => navigate({ q: null, status: null, page: null })}>
      Clear
    </Button>
  );

  let body: ReactNode;
  // One polite live region tells screen-reader users what a search or filter found.
  let announcement: string;
  if (projectIsEmpty) {
    body = (
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
    );
    announcement = "No API keys yet.";
  } else if (total === 0) {
    const statusText = params.status === "all" ? "" : ` ${STATUS_LABELS[params.status].toLowerCase()}`;
    const title = params.q ? `No${statusText} keys match “${params.q}”` : `No${statusText} keys`;
    announcement = `${title}.`;
    body = (
      <EmptyState
        icon={SearchX}
        title={title}
        description={
          params.q
            ? "Try another search, or clear the search and filters to see every key in this project."
            : "Clear the filter to see every key in this project."
        }
        action={clearFilters}
      />
    );
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
    announcement = `Showing ${first}–${first + rows.length - 1} of ${total} keys.`;
    body = (
      <div className="grid grid-cols-1 gap-3">
        <ApiKeysTable
          rows={rows}
          sort={params.sort}
          dir={params.dir}
          onSortChange={onSortChange}
          canRevoke={canRevoke}
          serverNow={serverNow}
          caption={`API keys in ${project.name}`}
        />
        <ListPagination
          page={params.page}
          pageSize={pageSize}
          total={total}
          hrefForPage={(page) => hrefWith({ page: page === 1 ? null : String(page) })}
          onNavigate={navigateTo}
        />
      </div>
    );
  }

  return (
    <div className="grid grid-cols-1 gap-4">
      <div className="flex flex-wrap items-end gap-3">
        {projects.length > 1 ? (
          <div className="grid w-full gap-2 sm:w-72">
            <Label htmlFor="key-project">Project</Label>
            {/* Uncontrolled and keyed on the URL value: the choice shows at once while the
                server renders, and Back (a new URL value) resets it. */}
            <Select
              key={project.slug}
              id="key-project"
              defaultValue={project.slug}
              onChange={(event) => navigate({ project: event.target.value, page: null })}
            >
              {projects.map((choice) => (
                <option key={choice.slug} value={choice.slug}>
                  {choice.label}
                </option>
              ))}
            </Select>
          </div>
        ) : null}
        {projectIsEmpty ? null : (
          <>
            <SearchForm
              id="key-search"
              label="Search keys"
              placeholder="Name, description, prefix or Sid"
              key={params.q}
              query={params.q}
              onSearch={(q) => navigate({ q: q || null, page: null })}
              className="w-full sm:max-w-xl sm:min-w-80 sm:flex-1"
            />
            <div className="grid w-full gap-2 sm:w-36">
              <Label htmlFor="key-status">Status</Label>
              <Select
                key={params.status}
                id="key-status"
                defaultValue={params.status}
                onChange={(event) =>
                  navigate({ status: event.target.value === "all" ? null : event.target.value, page: null })
                }
              >
                <option value="all">{STATUS_LABELS.all}</option>
                {KEY_STATUSES.map((status) => (
                  <option key={status} value={status}>
                    {STATUS_LABELS[status]}
                  </option>
                ))}
              </Select>
            </div>
          </>
        )}
        {pending ? <Spinner label="Loading keys" className="mb-2.5 text-muted-foreground" /> : null}
      </div>

      <div
        aria-busy={pending || undefined}
        className={cn("transition-opacity", pending && "pointer-events-none opacity-60")}
      >
        {body}
      </div>
      <p aria-live="polite" className="sr-only">
        {announcement}
      </p>
    </div>
  );
}
