import { Activity, Download } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";

import { RequestFiltersForm } from "@/components/requests/request-filters";
import { RequestNotices } from "@/components/requests/request-notices";
import { RequestPager } from "@/components/requests/request-pager";
import { RequestTable } from "@/components/requests/request-table";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { can } from "@/lib/auth/permissions";
import { requirePermission } from "@/lib/auth/session";
import { listProjectOptions } from "@/lib/queries/projects";
import { listRequests, requestSummary } from "@/lib/queries/requests";
import { firstValues } from "@/lib/validations/list-params";
import { hasRequestFilters, requestFilterQuery, requestListParamsSchema, requestWindow } from "@/lib/validations/requests";

export const metadata: Metadata = { title: "Requests" };

interface RequestsPageProps {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export default async function RequestsPage({ searchParams }: RequestsPageProps) {
  const user = await requirePermission("requests.read");
  const params = requestListParamsSchema.parse(firstValues(await searchParams));
  const canSeeIps = can(user, "requests.ips");
  const now = new Date();
  const [page, projects, summary] = await Promise.all([
    listRequests(params, { canSeeIps }, now),
    listProjectOptions(),
    requestSummary(params, requestWindow(params, now)),
  ]);

  const query = requestFilterQuery(params);
  const href = (extra: Record<string, string | undefined>) => {
    const search = requestFilterQuery(params, extra);
    return search ? `/requests?${search}` : "/requests";
  };
  const filtered = hasRequestFilters(params);
  const keyMissing = Boolean(params.key) && page.key === null;
  const paged = Boolean(params.before || params.after);

  return (
    <div className="grid gap-6">
      <PageHeader
        title="Requests"
        description="Every verification of a known key and every call to the management API, newest first. Times are in UTC."
        actions={
          <Button asChild variant="outline">
            {/* A plain link: the route handler answers with a file download, not a page. */}
            <a href={`/api/requests/export${query ? `?${query}` : ""}`} download>
              <Download aria-hidden="true" />
              Export CSV
            </a>
          </Button>
        }
      />

      <RequestFiltersForm key={query} filters={params} projects={projects} canFilterByIp={canSeeIps} />

      {page.ipError ? (
        <p role="alert" className="text-sm text-destructive">
          {page.ipError}
        </p>
      ) : null}
      {page.ipIgnored ? (
        <p className="text-sm text-muted-foreground">The IP filter was ignored: client addresses are shown to administrators and managers only.</p>
      ) : null}
      {page.key ? (
        <p className="text-sm">
          Showing requests of key <span className="font-medium">{page.key.name}</span>{" "}
          <span className="font-mono text-muted-foreground">({page.key.publicId})</span>:{" "}
          <Link href={`/settings/api-keys/${page.key.publicId}`} className="text-primary underline-offset-4 hover:underline">
            open the key
          </Link>
        </p>
      ) : null}

      <RequestNotices summary={summary} projectFiltered={Boolean(params.project)} />

      {page.rows.length === 0 ? (
        <EmptyState
          icon={Activity}
          title={keyMissing ? "No such key" : filtered || paged ? "No requests match these filters" : "No requests in this period"}
          description={
            keyMissing
              ? `No key has the Sid or id "${params.key}". Check it against the key's page.`
              : filtered || paged
                ? "Widen the time range or clear a filter."
                : "Verifications of your keys and management API calls appear here within a few seconds."
          }
          action={
            filtered || paged ? (
              <Button asChild variant="outline">
                <Link href="/requests">Clear filters</Link>
              </Button>
            ) : null
          }
        />
      ) : (
        <div className="grid gap-4">
          <RequestTable rows={page.rows} caption={filtered ? "Requests matching the filters" : "Requests"} canSeeIps={canSeeIps} />
          <RequestPager
            newestHref={paged ? href({}) : null}
            newerHref={page.newer ? href({ after: page.newer }) : null}
            olderHref={page.older ? href({ before: page.older }) : null}
          />
        </div>
      )}
    </div>
  );
}
