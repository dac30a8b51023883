"use client";

import { ShieldAlert, ShieldCheck } from "lucide-react";
import { useActionState } from "react";

import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { SubmitButton } from "@/components/ui/submit-button";
import { verifyAuditChainAction, type VerifyChainState } from "@/lib/actions/audit";
import { formatCount } from "@/lib/format";
import { cn } from "@/lib/utils";

const shortHash = (hash: string) => `${hash.slice(0, 12)}…`;

/** Findings only the evidence outside the database shows: the chain itself still links up. */
const OUTSIDE_FINDINGS = new Set(["dropped", "rechained", "replaced", "unreadable"]);

function count(n: number, one: string, many: string): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

/**
 * "Verify integrity": recomputes the keyed hash chain on the server, checks that the log still
 * holds the head recorded outside the database (and, optionally, one from an earlier export),
 * and shows the verdict in a live region, so screen readers announce it when it arrives.
 */
export function VerifyChain({ className }: { className?: string }) {
  const [state, formAction, pending] = useActionState<VerifyChainState, FormData>(verifyAuditChainAction, {});
  const result = state.result;
  const errors = state.fieldErrors ?? {};
  const compareOpen = Boolean(state.values?.headId || state.values?.headHash || errors.headId || errors.headHash);

  return (
    <section aria-labelledby="audit-integrity-heading" className={cn("grid gap-3 rounded-lg border border-border bg-card p-4", className)}>
      <form action={formAction} className="grid gap-3">
        <div className="flex flex-col gap-3 sm:flex-row sm:items-start">
          <div className="min-w-0 flex-1 space-y-1">
            <h2 id="audit-integrity-heading" className="text-sm font-semibold">
              Integrity
            </h2>
            <p className="text-sm text-muted-foreground">
              Events cannot be changed or deleted; each one&apos;s hash is keyed with a secret kept outside the database and
              covers the one before it, and the newest is recorded outside the database too. Verifying recomputes the whole
              chain, points at the first event that does not fit, and says when the newest events were dropped or re-chained.
            </p>
          </div>
          <SubmitButton
            pending={pending}
            pendingLabel="Verifying…"
            icon={<ShieldCheck aria-hidden="true" />}
            variant="outline"
            className="w-full shrink-0 sm:w-auto"
          >
            Verify integrity
          </SubmitButton>
        </div>

        <details className="group text-sm" open={compareOpen || undefined}>
          <summary className="cursor-pointer text-muted-foreground underline-offset-4 hover:underline">
            Also compare with an export&apos;s chain head
          </summary>
          <p className="pt-2 text-muted-foreground">An export&apos;s last line names the newest event when it was made.</p>
          <div className="grid gap-3 pt-3 sm:grid-cols-[12rem_minmax(0,1fr)]">
            <FormField label="Event number" name="headId" error={errors.headId} hint="Its target_id column">
              {(field) => <Input {...field} inputMode="numeric" autoComplete="off" defaultValue={state.values?.headId ?? ""} />}
            </FormField>
            <FormField label="Hash" name="headHash" error={errors.headHash} hint="Its hash column">
              {(field) => <Input {...field} autoComplete="off" spellCheck={false} className="font-mono" defaultValue={state.values?.headHash ?? ""} />}
            </FormField>
          </div>
        </details>
      </form>

      <div aria-live="polite" aria-atomic="true">
        {state.error ? (
          <p role="alert" className="flex items-start gap-2 text-sm font-medium text-destructive">
            {state.error}
          </p>
        ) : result ? (
          <div
            className={cn("flex items-start gap-2 pt-1 text-sm font-medium", result.intact ? "text-success" : "text-destructive")}
          >
            {result.intact ? (
              <ShieldCheck className="mt-0.5 size-4 shrink-0" aria-hidden="true" />
            ) : (
              <ShieldAlert className="mt-0.5 size-4 shrink-0" aria-hidden="true" />
            )}
            <div className="min-w-0 space-y-1">
              <p data-testid="audit-integrity-result" data-intact={result.intact} data-problem={result.intact ? undefined : result.problem} className="break-words">
                {result.message}
              </p>
              {result.intact ? null : (
                <p className="font-normal text-muted-foreground">
                  {OUTSIDE_FINDINGS.has(result.problem)
                    ? `The ${count(result.verified, "event", "events")} in the log still link up: what is missing shows only against the record kept outside the database.`
                    : `${count(result.verified, "earlier event", "earlier events")} verified.`}{" "}
                  Investigate with whoever has direct database access; the application itself cannot change the log.
                </p>
              )}
              <dl className="grid gap-x-3 font-normal text-muted-foreground sm:grid-cols-[auto_minmax(0,1fr)]">
                <dt>Newest event</dt>
                <dd className="font-mono text-xs leading-5">{result.head ? `#${result.head.id} ${shortHash(result.head.hash)}` : "none"}</dd>
                <dt>Head recorded outside the database</dt>
                <dd className="font-mono text-xs leading-5">
                  {result.recordedHead ? `#${result.recordedHead.id} ${shortHash(result.recordedHead.hash)}` : "none yet"}
                </dd>
              </dl>
            </div>
          </div>
        ) : null}
      </div>
    </section>
  );
}
