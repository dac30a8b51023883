import { formatCount } from "@/lib/format";
import type { UsageDay } from "@/lib/queries/api-keys";
import { cn } from "@/lib/utils";

interface UsageChartProps {
  days: UsageDay[];
}

const dayLabel = new Intl.DateTimeFormat("en", { month: "short", day: "numeric", timeZone: "UTC" });

const limitedOf = (d: UsageDay) => d.rateLimited + d.usageExceeded;
const totalOf = (d: UsageDay) => d.valid + limitedOf(d) + d.denied;

/**
 * 30 days of verifications as stacked bars (valid at the bottom, then refused by a usage limit,
 * then denied access). Plain HTML and CSS: no chart library for thirty bars, and the numbers stay
 * readable to screen readers as a table.
 */
export function UsageChart({ days }: UsageChartProps) {
  const max = Math.max(1, ...days.map(totalOf));
  // Reading the clock during render is impure; with no days there is simply no axis to label.
  const firstDay = days[0];
  const lastDay = days.at(-1);
  const totals = days.reduce(
    (t, d) => ({ valid: t.valid + d.valid, rateLimited: t.rateLimited + d.rateLimited, usageExceeded: t.usageExceeded + d.usageExceeded, denied: t.denied + d.denied }),
    { valid: 0, rateLimited: 0, usageExceeded: 0, denied: 0 },
  );
  const count = (n: number) => <strong className="text-foreground tabular-nums">{formatCount(n)}</strong>;
  return (
    <figure className="grid gap-3">
      <figcaption className="flex flex-wrap items-center gap-x-4 gap-y-1 text-sm text-muted-foreground">
        <span>
          Last 30 days: {count(totals.valid)} valid, {count(totals.rateLimited)} rate limited, {count(totals.usageExceeded)} over quota,{" "}
          {count(totals.denied)} denied
        </span>
        <span className="flex items-center gap-1.5">
          <span aria-hidden className="size-2.5 rounded-sm bg-primary" /> Valid
        </span>
        <span className="flex items-center gap-1.5">
          <span aria-hidden className="size-2.5 rounded-sm bg-warning" /> Over a limit (rate limited, usage exceeded)
        </span>
        <span className="flex items-center gap-1.5">
          <span aria-hidden className="size-2.5 rounded-sm bg-destructive" /> Denied (revoked, expired, disabled, forbidden)
        </span>
      </figcaption>
      <div aria-hidden className="flex h-32 items-end gap-[3px] border-b border-border">
        {days.map((d) => {
          const total = totalOf(d);
          const limited = limitedOf(d);
          return (
            <div
              key={d.day}
              title={`${dayLabel.format(new Date(d.day))}: ${d.valid} valid, ${d.rateLimited} rate limited, ${d.usageExceeded} over quota, ${d.denied} denied`}
              className="flex h-full flex-1 flex-col justify-end"
            >
              <div className={cn("w-full rounded-t-sm bg-destructive", d.denied === 0 && "hidden")} style={{ height: `${(d.denied / max) * 100}%` }} />
              <div className={cn("w-full bg-warning", limited === 0 && "hidden", d.denied === 0 && "rounded-t-sm")} style={{ height: `${(limited / max) * 100}%` }} />
              <div className={cn("w-full bg-primary", total === 0 && "h-px bg-border")} style={total ? { height: `${(d.valid / max) * 100}%` } : undefined} />
            </div>
          );
        })}
      </div>
      {firstDay && lastDay ? (
        <div aria-hidden className="flex justify-between text-xs text-muted-foreground">
          <span>{dayLabel.format(new Date(firstDay.day))}</span>
          <span>{dayLabel.format(new Date(lastDay.day))}</span>
        </div>
      ) : null}
      <table className="sr-only">
        <caption>Verifications per day</caption>
        <thead>
          <tr>
            <th scope="col">Day</th>
            <th scope="col">Valid</th>
            <th scope="col">Rate limited</th>
            <th scope="col">Usage exceeded</th>
            <th scope="col">Denied</th>
          </tr>
        </thead>
        <tbody>
          {days
            .filter((d) => totalOf(d) > 0)
            .map((d) => (
              <tr key={d.day}>
                <td>{d.day}</td>
                <td>{d.valid}</td>
                <td>{d.rateLimited}</td>
                <td>{d.usageExceeded}</td>
                <td>{d.denied}</td>
              </tr>
            ))}
        </tbody>
      </table>
    </figure>
  );
}
