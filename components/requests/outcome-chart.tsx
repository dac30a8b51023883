import type { OutcomeBucket } from "@/lib/queries/key-requests";
import { cn } from "@/lib/utils";

/** One colour per outcome, the same in the bars and the legend; later codes share the last. */
const COLOURS: Record<string, string> = {
  VALID: "bg-primary",
  FORBIDDEN: "bg-destructive",
  REVOKED: "bg-destructive/60",
  EXPIRED: "bg-warning",
  DISABLED: "bg-warning/60",
  RATE_LIMITED: "bg-info",
  USAGE_EXCEEDED: "bg-info/60",
};
const OTHER = "bg-muted-foreground/50";

export function outcomeColour(outcome: string): string {
  return COLOURS[outcome] ?? OTHER;
}

export type OutcomeChartProps = {
  title: string;
  buckets: OutcomeBucket[];
  outcomes: string[];
  /** Label of a bucket for tooltips and the screen-reader table, e.g. "Dec 2" or "14:00". */
  label: (start: string) => string;
  /** Labels under the first and last bar. */
  axis: [string, string];
};

/**
 * Requests per bucket as bars stacked by outcome. Plain HTML and CSS like the usage chart: no
 * chart library for a few dozen bars, and a table carries the numbers for screen readers.
 */
export function OutcomeChart({ title, buckets, outcomes, label, axis }: OutcomeChartProps) {
  const total = (b: OutcomeBucket) => outcomes.reduce((sum, o) => sum + (b.counts[o] ?? 0), 0);
  const max = Math.max(1, ...buckets.map(total));
  return (
    <figure className="grid gap-2">
      <figcaption className="text-sm font-medium">{title}</figcaption>
      <div aria-hidden className="flex h-28 items-end gap-[2px] border-b border-border">
        {buckets.map((bucket) => {
          const sum = total(bucket);
          const tip = `${label(bucket.start)}: ${sum === 0 ? "no requests" : outcomes.filter((o) => bucket.counts[o]).map((o) => `${bucket.counts[o]} ${o}`).join(", ")}`;
          return (
            <div key={bucket.start} title={tip} className="flex h-full flex-1 flex-col-reverse">
              {sum === 0 ? <div className="h-px w-full bg-border" /> : null}
              {outcomes.map((outcome) =>
                bucket.counts[outcome] ? (
                  <div key={outcome} className={cn("w-full first:rounded-b-none last:rounded-t-sm", outcomeColour(outcome))} style={{ height: `${((bucket.counts[outcome] ?? 0) / max) * 100}%` }} />
                ) : null,
              )}
            </div>
          );
        })}
      </div>
      <div aria-hidden className="flex justify-between text-xs text-muted-foreground">
        <span>{axis[0]}</span>
        <span>{axis[1]}</span>
      </div>
      <table className="sr-only">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">Period</th>
            {outcomes.map((outcome) => (
              <th key={outcome} scope="col">
                {outcome}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {buckets
            .filter((bucket) => total(bucket) > 0)
            .map((bucket) => (
              <tr key={bucket.start}>
                <td>{label(bucket.start)}</td>
                {outcomes.map((outcome) => (
                  <td key={outcome}>{bucket.counts[outcome] ?? 0}</td>
                ))}
              </tr>
            ))}
        </tbody>
      </table>
    </figure>
  );
}

export function OutcomeLegend({ outcomes }: { outcomes: string[] }) {
  return (
    <ul className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-muted-foreground" aria-label="Outcomes">
      {outcomes.map((outcome) => (
        <li key={outcome} className="flex items-center gap-1.5">
          <span aria-hidden className={cn("size-2.5 rounded-sm", outcomeColour(outcome))} />
          <span className="font-mono">{outcome}</span>
        </li>
      ))}
    </ul>
  );
}
