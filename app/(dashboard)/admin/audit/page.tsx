import { Download, ScrollText } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";

import { AuditFiltersForm } from "@/components/admin/audit/audit-filters";
import { AuditTable } from "@/components/admin/audit/audit-table";
import { VerifyChain } from "@/components/admin/audit/verify-chain";
import { Button } from "@/components/ui/button";
import { EmptyState } from "@/components/ui/empty-state";
import { PageHeader } from "@/components/ui/page-header";
import { QueryPagination } from "@/components/ui/query-pagination";
import { requirePermission } from "@/lib/auth/session";
import { listAuditActions, listAuditEvents } from "@/lib/queries/audit";
import { listProjectOptions } from "@/lib/queries/projects";
import { AUDIT_FILTER_KEYS, auditFilterQuery, auditListParamsSchema, hasAuditFilters } from "@/lib/validations/audit";
import { firstValues } from "@/lib/validations/list-params";

export const metadata: Metadata = { title: "Audit log" };

interface AuditPageProps {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

export default async function AuditPage({ searchParams }: AuditPageProps) {
  await requirePermission("audit.read");
  const params = auditListParamsSchema.parse(firstValues(await searchParams));
  const [events, projects, actions] = await Promise.all([listAuditEvents(params), listProjectOptions(), listAuditActions()]);

  const filtered = hasAuditFilters(params);
  const query = auditFilterQuery(params);
  const keyMissing = Boolean(params.key) && events.key === null;

  return (
    <div className="grid gap-6">
      <PageHeader
        title="Audit log"
        description="Every sign-in, key and project change, newest first. Times are in UTC."
        actions={
          // A form POST, never a link: exporting writes an audit event, which no other site may
          // trigger. The answer is a file download, so the page stays where it is.
          <form method="post" action="/api/admin/audit/export">
            {AUDIT_FILTER_KEYS.map((name) => (params[name] ? <input key={name} type="hidden" name={name} value={params[name]} /> : null))}
            <Button type="submit" variant="outline">
              <Download aria-hidden="true" />
              Export CSV
            </Button>
          </form>
        }
      />

      <VerifyChain />

      <AuditFiltersForm key={query} filters={params} actions={actions} projects={projects} />

      {events.key ? (
        <p className="text-sm">
          Showing events for key <span className="font-medium">{events.key.name}</span>{" "}
          <span className="font-mono text-muted-foreground">({events.key.publicId})</span>:{" "}
          <Link href={`/settings/api-keys/${events.key.publicId}`} className="text-primary underline-offset-4 hover:underline">
            open the key
          </Link>
        </p>
      ) : null}

      {events.rows.length === 0 ? (
        <EmptyState
          icon={ScrollText}
          title={keyMissing ? "No such key" : filtered ? "No events match these filters" : "No events yet"}
          description={
            keyMissing
              ? `No key has the Sid or id "${params.key}". Check it against the key's page.`
              : filtered
                ? "Widen the date range or clear a filter."
                : "Sign-ins and changes to keys and projects will appear here."
          }
          action={
            filtered ? (
              <Button asChild variant="outline">
                <Link href="/admin/audit">Clear filters</Link>
              </Button>
            ) : null
          }
        />
      ) : (
        <div className="grid gap-4">
          <AuditTable rows={events.rows} caption={filtered ? "Audit events matching the filters" : "Audit events"} />
          <QueryPagination pathname="/admin/audit" query={query} page={events.page} pageSize={events.pageSize} total={events.total} noun="events" />
        </div>
      )}
    </div>
  );
}
