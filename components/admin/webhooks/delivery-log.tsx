"use client";

import Link from "next/link";
import { useRouter } from "next/navigation";
import { useTransition } from "react";

import { DeliveryStatusBadge } from "@/components/admin/webhooks/delivery-status-badge";
import { RedeliverButton } from "@/components/admin/webhooks/endpoint-buttons";
import { CodeBlock } from "@/components/ui/code-block";
import { EmptyState } from "@/components/ui/empty-state";
import { ListPagination } from "@/components/ui/list-pagination";
import { DateText } from "@/components/ui/time";
import { cn } from "@/lib/utils";
import { Send } from "lucide-react";

export type DeliveryView = {
  id: string;
  eventId: string;
  eventType: string;
  status: "pending" | "succeeded" | "failed";
  attempts: number;
  nextAttemptAt: string | null;
  createdAt: string;
  responseStatus: number | null;
  durationMs: number | null;
  error: string | null;
  body: string;
  attemptLog: { attempt: number; startedAt: string; durationMs: number; responseStatus: number | null; error: string | null; responseBody: string | null }[];
};

const FILTERS = [
  { value: "all", label: "All" },
  { value: "succeeded", label: "Delivered" },
  { value: "pending", label: "Retrying" },
  { value: "failed", label: "Failed" },
] as const;

export type DeliveryLogProps = {
  endpointId: string;
  deliveries: DeliveryView[];
  status: string;
  page: number;
  pageSize: number;
  total: number;
  /** Redeliver needs an enabled endpoint. */
  canRedeliver: boolean;
};

function pretty(body: string): string {
  try {
    return JSON.stringify(JSON.parse(body), null, 2);
  } catch {
    return body;
  }
}

function Outcome({ delivery }: { delivery: DeliveryView }) {
  return (
    <span className="text-[13px] text-muted-foreground tabular-nums">
      {delivery.responseStatus !== null ? `HTTP ${delivery.responseStatus}` : delivery.attempts === 0 ? "not sent yet" : "no response"}
      {delivery.durationMs !== null && delivery.attempts > 0 ? ` · ${delivery.durationMs} ms` : ""}
      {` · ${delivery.attempts === 1 ? "1 attempt" : `${delivery.attempts} attempts`}`}
    </span>
  );
}

/** An endpoint's deliveries, newest first; each opens to the body sent and its attempts. */
export function DeliveryLog({ endpointId, deliveries, status, page, pageSize, total, canRedeliver }: DeliveryLogProps) {
  const router = useRouter();
  const [navigating, startNavigation] = useTransition();
  const base = `/admin/webhooks/${endpointId}`;
  const href = (next: { status?: string; page?: number }) => {
    const params = new URLSearchParams();
    const s = next.status ?? status;
    if (s !== "all") params.set("status", s);
    if ((next.page ?? 1) > 1) params.set("page", String(next.page));
    const query = params.toString();
    return query ? `${base}?${query}` : base;
  };

  return (
    <section aria-labelledby="delivery-log-heading" className="grid gap-4" aria-busy={navigating || undefined}>
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h2 id="delivery-log-heading" className="text-lg font-semibold">
          Delivery log
        </h2>
        <nav aria-label="Filter deliveries" className="flex flex-wrap gap-1">
          {FILTERS.map((filter) => (
            <Link
              key={filter.value}
              href={href({ status: filter.value, page: 1 })}
              aria-current={status === filter.value ? "page" : undefined}
              className={cn(
                "rounded-md px-2.5 py-1 text-sm font-medium",
                status === filter.value ? "bg-foreground/[0.07] text-foreground" : "text-muted-foreground hover:bg-foreground/[0.04] hover:text-foreground",
              )}
            >
              {filter.label}
            </Link>
          ))}
        </nav>
      </div>

      {deliveries.length === 0 ? (
        <EmptyState
          icon={Send}
          title={status === "all" ? "No deliveries yet" : "No deliveries with this status"}
          description={status === "all" ? "Events this endpoint subscribes to appear here as they are sent. Send a test event to try it." : "Choose another filter to see the rest."}
        />
      ) : (
        <ul className={cn("grid gap-2", navigating && "opacity-60")}>
          {deliveries.map((delivery) => (
            <li key={delivery.id} className="rounded-lg border border-border bg-card">
              <details className="group">
                <summary className="flex cursor-pointer list-none flex-wrap items-center gap-x-3 gap-y-1 rounded-lg px-4 py-3 hover:bg-foreground/[0.03] focus-visible:outline-2 focus-visible:outline-ring">
                  <DeliveryStatusBadge status={delivery.status} attempts={delivery.attempts} />
                  <span className="font-mono text-[13px] font-medium">{delivery.eventType}</span>
                  <Outcome delivery={delivery} />
                  <DateText value={delivery.createdAt} withTime className="ml-auto text-[13px] text-muted-foreground" />
                </summary>
                <div className="grid gap-4 border-t border-border px-4 py-3 text-sm">
                  <div className="flex flex-wrap items-start justify-between gap-3">
                    <dl className="grid gap-x-4 gap-y-1 sm:grid-cols-[max-content_1fr]">
                      <dt className="text-muted-foreground">webhook-id</dt>
                      <dd className="font-mono text-[13px] break-all">{delivery.eventId}</dd>
                      {delivery.error ? (
                        <>
                          <dt className="text-muted-foreground">Last error</dt>
                          <dd className="break-words text-destructive">{delivery.error}</dd>
                        </>
                      ) : null}
                      {delivery.nextAttemptAt && delivery.attempts > 0 ? (
                        <>
                          <dt className="text-muted-foreground">Next attempt</dt>
                          <dd>
                            <DateText value={delivery.nextAttemptAt} withTime />
                          </dd>
                        </>
                      ) : null}
                    </dl>
                    {canRedeliver ? <RedeliverButton endpointId={endpointId} deliveryId={delivery.id} eventType={delivery.eventType} /> : null}
                  </div>
                  <div className="grid gap-1.5">
                    <h3 className="text-xs font-medium text-muted-foreground">Body sent</h3>
                    <CodeBlock label="Body sent" className="max-h-80 leading-5">
                      {pretty(delivery.body)}
                    </CodeBlock>
                  </div>
                  {delivery.attemptLog.length > 0 ? (
                    <div className="grid gap-1.5">
                      <h3 className="text-xs font-medium text-muted-foreground">Attempts</h3>
                      <ol className="grid gap-1 text-[13px]">
                        {delivery.attemptLog.map((attempt) => (
                          <li key={attempt.attempt} className="flex flex-wrap gap-x-3">
                            <span className="tabular-nums">#{attempt.attempt}</span>
                            <DateText value={attempt.startedAt} withTime className="text-muted-foreground" />
                            <span className="tabular-nums">{attempt.responseStatus !== null ? `HTTP ${attempt.responseStatus}` : "no response"}</span>
                            <span className="text-muted-foreground tabular-nums">{attempt.durationMs} ms</span>
                            {attempt.error ? <span className="break-words text-destructive">{attempt.error}</span> : null}
                          </li>
                        ))}
                      </ol>
                    </div>
                  ) : null}
                </div>
              </details>
            </li>
          ))}
        </ul>
      )}

      <ListPagination
        page={page}
        pageSize={pageSize}
        total={total}
        noun="deliveries"
        hrefForPage={(next) => href({ page: next })}
        onNavigate={(target) => startNavigation(() => router.push(target, { scroll: false }))}
      />
    </section>
  );
}
