import { Activity } from "lucide-react";
import Link from "next/link";

import { OutcomeChart, OutcomeLegend } from "@/components/requests/outcome-chart";
import { OutcomeBadge } from "@/components/requests/outcome-badge";
import { formatRequestTime } from "@/components/requests/request-table";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";
import { countFormat as count } from "@/lib/format";
import type { KeyClientIpRow, KeyRequestChart, TopPath } from "@/lib/queries/key-requests";
import type { RequestRow } from "@/lib/queries/requests";

const dayLabel = new Intl.DateTimeFormat("en", { month: "short", day: "numeric", timeZone: "UTC" });
const hourLabel = (iso: string) => `${dayLabel.format(new Date(iso))} ${iso.slice(11, 16)}`;

export type KeyRequestTrailProps = {
  keyPublicId: string;
  chart: KeyRequestChart;
  latest: RequestRow[];
  topPaths: { paths: TopPath[]; sampled: number };
  /** Null when the reader may not see client addresses. */
  ips: KeyClientIpRow[] | null;
};

/** The request trail's sections on a key's page: chart by outcome, latest requests, paths, clients. */
export function KeyRequestTrail({ keyPublicId, chart, latest, topPaths, ips }: KeyRequestTrailProps) {
  const first = (buckets: { start: string }[]) => buckets[0]?.start ?? "";
  const last = (buckets: { start: string }[]) => buckets.at(-1)?.start ?? "";
  return (
    <>
      <Card>
        <CardHeader>
          <CardTitle>Requests by outcome</CardTitle>
          <CardDescription>From the request trail, in UTC: the last 30 days by day and the last 48 hours by hour.</CardDescription>
        </CardHeader>
        <CardContent className="grid gap-6">
          {chart.outcomes.length === 0 ? (
            <p className="text-sm text-muted-foreground">No requests in the last 30 days.</p>
          ) : (
            <>
              <OutcomeLegend outcomes={chart.outcomes} />
              <div className="grid gap-6 lg:grid-cols-2">
                <OutcomeChart
                  title="Last 30 days"
                  buckets={chart.days}
                  outcomes={chart.outcomes}
                  label={(start) => dayLabel.format(new Date(start))}
                  axis={[dayLabel.format(new Date(first(chart.days))), dayLabel.format(new Date(last(chart.days)))]}
                />
                <OutcomeChart title="Last 48 hours" buckets={chart.hours} outcomes={chart.outcomes} label={hourLabel} axis={[hourLabel(first(chart.hours)), hourLabel(last(chart.hours))]} />
              </div>
            </>
          )}
        </CardContent>
      </Card>

      <Card>
        <CardHeader>
          <CardTitle>Latest requests</CardTitle>
          <CardDescription>
            The newest first.{" "}
            <Link className="font-medium text-primary underline-offset-4 hover:underline" href={`/requests?key=${keyPublicId}`}>
              All requests of this key
            </Link>
          </CardDescription>
        </CardHeader>
        <CardContent>
          {latest.length === 0 ? (
            <EmptyState icon={Activity} headingLevel="h3" title="No requests yet" description="Verifications of this key appear here within a few seconds." className="py-8" />
          ) : (
            <Table className="text-[13px]">
              <TableCaption className="sr-only">Latest requests of this key</TableCaption>
              <TableHeader>
                <TableRow className="hover:bg-transparent">
                  <TableHead>Time (UTC)</TableHead>
                  <TableHead>Request</TableHead>
                  <TableHead>Outcome</TableHead>
                  <TableHead>Client</TableHead>
                </TableRow>
              </TableHeader>
              <TableBody>
                {latest.map((row) => (
                  <TableRow key={row.id}>
                    <TableCell className="tabular-nums text-muted-foreground">
                      <time dateTime={row.at}>{formatRequestTime(row.at)}</time>
                    </TableCell>
                    <TableCell className="max-w-md font-mono text-xs break-all whitespace-normal">
                      <span className="font-semibold">{row.method ?? "—"}</span> {row.path ?? ""}
                    </TableCell>
                    <TableCell>
                      <OutcomeBadge outcome={row.outcome} />
                    </TableCell>
                    <TableCell className="font-mono text-xs text-muted-foreground">{ips === null ? "hidden" : (row.ip ?? "—")}</TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </CardContent>
      </Card>

      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2 lg:items-start">
        <Card>
          <CardHeader>
            <CardTitle>Top paths</CardTitle>
            <CardDescription>
              Over the key&apos;s latest {count.format(topPaths.sampled)} {topPaths.sampled === 1 ? "request" : "requests"}.
            </CardDescription>
          </CardHeader>
          <CardContent>
            {topPaths.paths.length === 0 ? (
              <p className="text-sm text-muted-foreground">No requests yet.</p>
            ) : (
              <ol className="grid gap-2 text-sm">
                {topPaths.paths.map((entry) => (
                  <li key={entry.path ?? ""} className="flex items-baseline justify-between gap-3">
                    <span className="min-w-0 font-mono text-xs break-all">
                      <span className="text-muted-foreground">{entry.methods.join(", ")}</span> {entry.path ?? "(no path)"}
                    </span>
                    <span className="shrink-0 tabular-nums">
                      {count.format(entry.requests)}
                      {entry.denied > 0 ? <span className="ml-1 text-xs text-destructive">({count.format(entry.denied)} denied)</span> : null}
                    </span>
                  </li>
                ))}
              </ol>
            )}
          </CardContent>
        </Card>

        <Card>
          <CardHeader>
            <CardTitle>Client IPs</CardTitle>
            <CardDescription>Addresses this key was used from, with when each was first and last seen.</CardDescription>
          </CardHeader>
          <CardContent>
            {ips === null ? (
              <p className="text-sm text-muted-foreground">Client addresses are shown to administrators and managers only.</p>
            ) : ips.length === 0 ? (
              <p className="text-sm text-muted-foreground">No client address has been reported with this key&apos;s verifications.</p>
            ) : (
              <Table className="text-[13px]">
                <TableCaption className="sr-only">Client IPs of this key</TableCaption>
                <TableHeader>
                  <TableRow className="hover:bg-transparent">
                    <TableHead>IP</TableHead>
                    <TableHead>First seen (UTC)</TableHead>
                    <TableHead>Last seen (UTC)</TableHead>
                    <TableHead className="text-right">Requests</TableHead>
                  </TableRow>
                </TableHeader>
                <TableBody>
                  {ips.map((ip) => (
                    <TableRow key={ip.ip}>
                      <TableCell className="font-mono text-xs">{ip.ip}</TableCell>
                      <TableCell className="tabular-nums">{formatRequestTime(ip.firstSeenAt).slice(0, 16)}</TableCell>
                      <TableCell className="tabular-nums">{formatRequestTime(ip.lastSeenAt).slice(0, 16)}</TableCell>
                      <TableCell className="text-right tabular-nums">{count.format(ip.requests)}</TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
          </CardContent>
        </Card>
      </div>
    </>
  );
}
