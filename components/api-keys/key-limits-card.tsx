"use client";

import { Gauge } from "lucide-react";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";

import { AddCreditsDialog, EditLimitsDialog } from "@/components/api-keys/key-limits-dialogs";
import { Card, CardContent, CardDescription, CardHeader, CardTitle } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { DateText, RelativeTimeText } from "@/components/ui/time";
import { readKeyLimitsAction } from "@/lib/actions/key-limits";
import { formatCount } from "@/lib/format";
import type { KeyLimitsView } from "@/lib/queries/key-limits";
import { cn } from "@/lib/utils";
import { describeDuration, describeRateLimit } from "@/lib/validations/limits";

/** How often the card asks for the current state while the page is visible. */
const REFRESH_MS = 3_000;

export type KeyLimitsCardProps = {
  keyId: string;
  name: string;
  initial: KeyLimitsView;
  /** keys.update and not revoked. */
  canEdit: boolean;
  /** The server's "now" (ISO), for rendering before hydration. */
  serverNow: string;
};

/** Ticks every second while mounted, for the window countdowns. */
function useSecondTicker(serverNow: string): number {
  const [now, setNow] = useState(() => Date.parse(serverNow));
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

/**
 * A key's usage limits and their live state: per rate limit the current window's use and when it
 * resets, the credits left and the next refill. Refreshes itself every few seconds while visible.
 */
export function KeyLimitsCard({ keyId, name, initial, canEdit, serverNow }: KeyLimitsCardProps) {
  const router = useRouter();
  // The page's own render (after a save) replaces what the refresh fetched.
  const [shown, setShown] = useState({ source: initial, view: initial });
  if (shown.source !== initial) setShown({ source: initial, view: initial });
  const view = shown.source === initial ? shown.view : initial;
  const setView = (fresh: KeyLimitsView) => setShown((current) => ({ source: current.source, view: fresh }));
  const now = useSecondTicker(serverNow);

  useEffect(() => {
    let stopped = false;
    const timer = setInterval(() => {
      if (document.visibilityState !== "visible") return;
      readKeyLimitsAction(keyId).then(
        (fresh) => {
          if (!stopped && fresh) setView(fresh);
        },
        () => undefined,
      );
    }, REFRESH_MS);
    return () => {
      stopped = true;
      clearInterval(timer);
    };
  }, [keyId]);

  const saved = () => router.refresh();
  const none = view.ratelimits.length === 0 && view.credits === null;

  return (
    <Card>
      <CardHeader className="flex flex-row flex-wrap items-start justify-between gap-3 space-y-0">
        <div className="grid gap-1.5">
          <CardTitle>Usage limits</CardTitle>
          <CardDescription>Rate limits count in fixed windows (UTC); credits go down by each valid request&apos;s cost.</CardDescription>
        </div>
        {canEdit ? (
          <div className="flex flex-wrap gap-2">
            {view.credits ? <AddCreditsDialog keyId={keyId} name={name} remaining={view.credits.remaining} onSaved={saved} /> : null}
            <EditLimitsDialog keyId={keyId} name={name} view={view} onSaved={saved} />
          </div>
        ) : null}
      </CardHeader>
      <CardContent className="grid gap-5">
        {none ? (
          <EmptyState
            icon={Gauge}
            headingLevel="h3"
            title="No usage limits"
            description="This key may make any number of requests."
            className="py-6"
          />
        ) : null}
        {view.ratelimits.length > 0 ? (
          <ul aria-label="Rate limits" className="grid gap-4">
            {view.ratelimits.map((r) => {
              const inNewWindow = now >= r.reset;
              const used = inNewWindow ? 0 : r.used;
              const share = Math.min(1, used / r.limit);
              const seconds = Math.max(0, Math.ceil((r.reset - now) / 1_000));
              return (
                <li key={`${r.name}-${r.durationMs}`} className="grid gap-1.5" data-testid={`ratelimit-${r.name}`}>
                  <div className="flex flex-wrap items-baseline justify-between gap-x-3 gap-y-1 text-sm">
                    <span>
                      <code className="font-mono text-[13px]">{r.name}</code>{" "}
                      <span className="text-muted-foreground">{describeRateLimit(r)}</span>
                    </span>
                    <span className="tabular-nums">
                      <strong className="font-semibold">{formatCount(used)}</strong> of {formatCount(r.limit)} used ·{" "}
                      <strong className="font-semibold">{formatCount(r.limit - used)}</strong> left
                    </span>
                  </div>
                  <div aria-hidden="true" className="h-2 overflow-hidden rounded-full bg-muted">
                    <div className={cn("h-full rounded-full bg-primary transition-[width]", share >= 1 && "bg-destructive")} style={{ width: `${share * 100}%` }} />
                  </div>
                  <p className="text-[13px] text-muted-foreground">
                    {inNewWindow
                      ? "A new window has begun."
                      : `Window of ${describeDuration(r.durationMs)}; resets in ${formatCount(seconds)} s`}
                    {share >= 1 && !inNewWindow ? " — requests are answered RATE_LIMITED until then." : "."}
                  </p>
                </li>
              );
            })}
          </ul>
        ) : null}
        {view.credits ? (
          <div className="grid gap-1 text-sm" data-testid="credits">
            <p>
              <strong className="text-lg font-semibold tabular-nums">{formatCount(view.credits.remaining)}</strong> credits left
              {view.credits.remaining === 0 ? <span className="text-destructive"> — requests are answered USAGE_EXCEEDED</span> : null}
            </p>
            <p className="text-[13px] text-muted-foreground">
              {view.credits.refill && view.credits.nextRefillAt !== null ? (
                <>
                  Refills to {formatCount(view.credits.refill.amount)}{" "}
                  {view.credits.refill.interval === "daily" ? "every day at 00:00 UTC" : `monthly on day ${view.credits.refill.refillDay ?? 1} (UTC)`}; next{" "}
                  <DateText value={view.credits.nextRefillAt} withTime /> (<RelativeTimeText value={view.credits.nextRefillAt} serverNow={serverNow} />).
                </>
              ) : (
                "Does not refill; add credits to extend it."
              )}
            </p>
          </div>
        ) : null}
      </CardContent>
    </Card>
  );
}
