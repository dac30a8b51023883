import { TriangleAlert } from "lucide-react";

import { formatRequestTime } from "@/components/requests/request-table";
import { countFormat as count } from "@/lib/format";
import type { RequestSummary } from "@/lib/queries/requests";


/**
 * What the table cannot show: events the trail had to drop (its buffer was full while the
 * database was unavailable) and verifications of unknown keys, which are counted, not logged.
 */
export function RequestNotices({ summary, projectFiltered }: { summary: RequestSummary; projectFiltered: boolean }) {
  const unlogged = summary.unlogged.filter((entry) => entry.count > 0);
  return (
    <>
      {summary.gaps.length > 0 ? (
        <div role="status" className="grid gap-1 rounded-lg border border-warning/30 bg-warning/10 px-4 py-3 text-sm">
          {summary.gaps.map((gap) => (
            <p key={`${gap.projectId}-${gap.firstAt}`} className="flex items-start gap-2">
              <TriangleAlert aria-hidden="true" className="mt-0.5 size-4 shrink-0 text-warning" />
              <span>
                {count.format(gap.events)} {gap.events === 1 ? "event" : "events"} not recorded between {formatRequestTime(gap.firstAt)} and{" "}
                {formatRequestTime(gap.lastAt)}
                {projectFiltered ? "" : ` (${gap.projectName})`}: the database could not take them in time.
              </span>
            </p>
          ))}
        </div>
      ) : null}
      {unlogged.length > 0 ? (
        <p className="text-sm text-muted-foreground">
          Also in this period, counted but not listed (no key to attribute them to):{" "}
          {unlogged.map((entry, index) => (
            <span key={entry.outcome}>
              {index > 0 ? " and " : ""}
              <strong className="text-foreground tabular-nums">{count.format(entry.count)}</strong> <code className="font-mono text-xs">{entry.outcome}</code>
            </span>
          ))}
          . A project can log them one by one in its settings.
        </p>
      ) : null}
    </>
  );
}
