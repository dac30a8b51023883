import Link from "next/link";

import { DeliveryStatusBadge } from "@/components/admin/webhooks/delivery-status-badge";
import { Badge } from "@/components/ui/badge";
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { DateText } from "@/components/ui/time";
import type { WebhookEndpointRow } from "@/lib/queries/webhooks";
import { cn } from "@/lib/utils";

function Scope({ endpoint }: { endpoint: WebhookEndpointRow }) {
  return endpoint.project ? <span>{endpoint.project.name}</span> : <Badge variant="info">All projects</Badge>;
}

function State({ endpoint }: { endpoint: WebhookEndpointRow }) {
  return endpoint.enabled ? <Badge variant="success">Enabled</Badge> : <Badge variant="neutral">Disabled</Badge>;
}

function LastDelivery({ endpoint }: { endpoint: WebhookEndpointRow }) {
  const last = endpoint.lastDelivery;
  if (!last) return <span className="text-muted-foreground">None yet</span>;
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <DeliveryStatusBadge status={last.status} attempts={last.attempts} />
      <DateText value={last.createdAt} withTime className="text-muted-foreground" />
    </span>
  );
}

function UrlLink({ endpoint }: { endpoint: WebhookEndpointRow }) {
  return (
    <Link href={`/admin/webhooks/${endpoint.id}`} className="font-mono text-[13px] font-medium break-all text-foreground underline-offset-4 hover:underline">
      {endpoint.url}
    </Link>
  );
}

const eventCount = (endpoint: WebhookEndpointRow) => (endpoint.eventTypes.length === 1 ? endpoint.eventTypes[0] : `${endpoint.eventTypes.length} event types`);

/** Every endpoint: a table on wide screens, cards on narrow ones. */
export function EndpointsTable({ endpoints }: { endpoints: WebhookEndpointRow[] }) {
  return (
    <>
      <Table containerClassName="hidden lg:block">
        <TableCaption className="sr-only">Webhook endpoints</TableCaption>
        <TableHeader>
          <TableRow className="hover:bg-transparent">
            <TableHead>URL</TableHead>
            <TableHead>Project</TableHead>
            <TableHead>Events</TableHead>
            <TableHead>Status</TableHead>
            <TableHead>Last delivery</TableHead>
          </TableRow>
        </TableHeader>
        <TableBody>
          {endpoints.map((endpoint) => (
            <TableRow key={endpoint.id} className={cn(!endpoint.enabled && "text-muted-foreground")}>
              <TableCell className="max-w-md py-2.5 whitespace-normal">
                <UrlLink endpoint={endpoint} />
                {endpoint.description ? <span className="block text-xs text-muted-foreground">{endpoint.description}</span> : null}
              </TableCell>
              <TableCell>
                <Scope endpoint={endpoint} />
              </TableCell>
              <TableCell className="font-mono text-[13px]">{eventCount(endpoint)}</TableCell>
              <TableCell>
                <State endpoint={endpoint} />
              </TableCell>
              <TableCell>
                <LastDelivery endpoint={endpoint} />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>

      <ul aria-label="Webhook endpoints" className="grid gap-3 lg:hidden">
        {endpoints.map((endpoint) => (
          <li key={endpoint.id} className="grid gap-3 rounded-lg border border-border bg-card p-4 text-sm">
            <div className="flex items-start justify-between gap-3">
              <div className="min-w-0">
                <UrlLink endpoint={endpoint} />
                {endpoint.description ? <p className="text-xs text-muted-foreground">{endpoint.description}</p> : null}
              </div>
              <State endpoint={endpoint} />
            </div>
            <dl className="grid grid-cols-2 gap-x-4 gap-y-2">
              <div>
                <dt className="text-xs text-muted-foreground">Project</dt>
                <dd>
                  <Scope endpoint={endpoint} />
                </dd>
              </div>
              <div>
                <dt className="text-xs text-muted-foreground">Events</dt>
                <dd className="font-mono text-[13px] break-all">{eventCount(endpoint)}</dd>
              </div>
              <div className="col-span-2">
                <dt className="text-xs text-muted-foreground">Last delivery</dt>
                <dd>
                  <LastDelivery endpoint={endpoint} />
                </dd>
              </div>
            </dl>
          </li>
        ))}
      </ul>
    </>
  );
}
