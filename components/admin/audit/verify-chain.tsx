"use client";

import { ShieldAlert, ShieldCheck } from "lucide-react";
import { useActionState } from "react";

import { SubmitButton } from "@/components/ui/submit-button";
import { verifyAuditChainAction, type VerifyChainState } from "@/lib/actions/audit";
import { cn } from "@/lib/utils";

/**
 * "Verify integrity": recomputes the hash chain on the server and shows the verdict in a live
 * region, so screen readers announce it when it arrives.
 */
export function VerifyChain({ className }: { className?: string }) {
  const [state, formAction, pending] = useActionState<VerifyChainState, FormData>(verifyAuditChainAction, {});
  const result = state.result;

  return (
    <section
      aria-labelledby="audit-integrity-heading"
      className={cn("flex flex-col gap-3 rounded-lg border border-border bg-card p-4 sm:flex-row sm:items-center", className)}
    >
      <div className="min-w-0 flex-1 space-y-1">
        <h2 id="audit-integrity-heading" className="text-sm font-semibold">
          Integrity
        </h2>
        <p className="text-sm text-muted-foreground">
          Events cannot be changed or deleted, and each one&apos;s hash covers the one before it. Verifying recomputes the
          whole chain and points at the first event that does not fit.
        </p>
        <div aria-live="polite" aria-atomic="true">
          {state.error ? (
            <p role="alert" className="flex items-start gap-2 text-sm font-medium text-destructive">
              {state.error}
            </p>
          ) : result ? (
            <p
              data-testid="audit-integrity-result"
              data-intact={result.intact}
              className={cn("flex items-start gap-2 pt-1 text-sm font-medium", result.intact ? "text-success" : "text-destructive")}
            >
              {result.intact ? (
                <ShieldCheck className="mt-0.5 size-4 shrink-0" aria-hidden="true" />
              ) : (
                <ShieldAlert className="mt-0.5 size-4 shrink-0" aria-hidden="true" />
              )}
              <span>
                {result.message}
                {result.intact ? null : (
                  <span className="block font-normal text-muted-foreground">
                    {result.verified === 1 ? "1 earlier event" : `${result.verified.toLocaleString("en-US")} earlier events`}{" "}
                    verified. Investigate with whoever has direct
                    database access; the application itself cannot change the log.
                  </span>
                )}
              </span>
            </p>
          ) : null}
        </div>
      </div>
      <form action={formAction} className="shrink-0">
        <SubmitButton pending={pending} pendingLabel="Verifying…" icon={<ShieldCheck aria-hidden="true" />} variant="outline" className="w-full sm:w-auto">
          Verify integrity
        </SubmitButton>
      </form>
    </section>
  );
}
