import { ArrowLeft } from "lucide-react";
import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";

import { DeliveryLog } from "@/components/admin/webhooks/delivery-log";
import { DeleteEndpointButton, SendTestEventButton, ToggleEndpointButton } from "@/components/admin/webhooks/endpoint-buttons";
import { EditWebhookDialog, RotateSecretDialog } from "@/components/admin/webhooks/webhook-dialogs";
import { Badge } from "@/components/ui/badge";
import { Card, CardContent, CardHeader, CardTitle } from "@/components/ui/card";
import { PageHeader } from "@/components/ui/page-header";
import { DateText } from "@/components/ui/time";
import { serializeDelivery } from "@/lib/api/serialize-webhooks";
import { requirePermission } from "@/lib/auth/session";
import { listProjectOptions } from "@/lib/queries/projects";
import { findWebhookEndpoint, listDeliveries } from "@/lib/queries/webhooks";
import { deliveryListParamsSchema } from "@/lib/validations/webhook";

export const metadata: Metadata = { title: "Webhook endpoint" };

interface EndpointPageProps {
  params: Promise<{ endpointId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

export default async function EndpointPage({ params, searchParams }: EndpointPageProps) {
  await requirePermission("webhooks.manage");
  const endpoint = await findWebhookEndpoint((await params).endpointId);
  if (!endpoint) notFound();
  const query = await searchParams;
  const list = deliveryListParamsSchema.parse({ status: first(query.status), page: first(query.page) });
  const [deliveries, projects] = await Promise.all([listDeliveries(endpoint.id, list), listProjectOptions()]);
  const choices = projects.filter((project) => !project.archived).map(({ id, name }) => ({ id, name }));
  const now = new Date();
  const overlapEnds = endpoint.previousSecretExpiresAt && endpoint.previousSecretExpiresAt > now ? endpoint.previousSecretExpiresAt : null;

  return (
    <div className="grid gap-6">
      <Link href="/admin/webhooks" className="inline-flex w-fit items-center gap-1.5 text-sm text-muted-foreground hover:text-foreground">
        <ArrowLeft aria-hidden="true" className="size-4" />
        Webhooks
      </Link>
      <PageHeader
        title={<span className="font-mono text-xl break-all">{endpoint.url}</span>}
        description={endpoint.description || undefined}
        actions={
          <>
            <SendTestEventButton endpointId={endpoint.id} disabled={!endpoint.enabled} />
            <EditWebhookDialog projects={choices} endpoint={endpoint} />
            <RotateSecretDialog endpointId={endpoint.id} />
            <ToggleEndpointButton endpointId={endpoint.id} enabled={endpoint.enabled} />
            <DeleteEndpointButton endpointId={endpoint.id} url={endpoint.url} />
          </>
        }
      >
        <div className="flex flex-wrap gap-2 pt-1">
          {endpoint.enabled ? <Badge variant="success">Enabled</Badge> : <Badge variant="neutral">Disabled</Badge>}
          {endpoint.project ? <Badge variant="neutral">{endpoint.project.name}</Badge> : <Badge variant="info">All projects</Badge>}
        </div>
      </PageHeader>

      <Card>
        <CardHeader>
          <CardTitle>Settings</CardTitle>
        </CardHeader>
        <CardContent>
          <dl className="grid gap-x-6 gap-y-3 text-sm sm:grid-cols-[max-content_1fr]">
            <dt className="text-muted-foreground">Events</dt>
            <dd className="flex flex-wrap gap-1.5">
              {endpoint.eventTypes.map((type) => (
                <code key={type} className="rounded bg-muted px-1.5 py-0.5 font-mono text-[13px]">
                  {type}
                </code>
              ))}
            </dd>
            <dt className="text-muted-foreground">Signing secret</dt>
            <dd>
              {endpoint.secretRotatedAt ? (
                <>
                  Rotated <DateText value={endpoint.secretRotatedAt} withTime />
                </>
              ) : (
                <>
                  Created <DateText value={endpoint.createdAt} withTime />
                </>
              )}
              {overlapEnds ? (
                <span className="block text-muted-foreground">
                  The previous secret also signs until <DateText value={overlapEnds} withTime />.
                </span>
              ) : null}
            </dd>
            <dt className="text-muted-foreground">Headers</dt>
            <dd className="text-muted-foreground">
              <code className="font-mono text-[13px]">webhook-id</code>, <code className="font-mono text-[13px]">webhook-timestamp</code>,{" "}
              <code className="font-mono text-[13px]">webhook-signature</code> (Standard Webhooks)
            </dd>
          </dl>
        </CardContent>
      </Card>

      <DeliveryLog
        endpointId={endpoint.id}
        deliveries={deliveries.rows.map(serializeDelivery)}
        status={list.status}
        page={list.page}
        pageSize={deliveries.pageSize}
        total={deliveries.total}
        canRedeliver={endpoint.enabled}
      />
    </div>
  );
}
