import { Bird, ShieldAlert } from "lucide-react";

import { DateText } from "@/components/ui/time";

export type KeyNoticesProps = {
  canary: boolean;
  leakedAt: Date | null;
  revoked: boolean;
  leakReports: { id: string; receivedAt: Date; url: string | null; action: string | null; reporterIp: string | null }[];
};

const ACTIONS: Record<string, string> = {
  revoked: "revoked at once",
  reported: "marked for an administrator",
  already_revoked: "already revoked",
};

/** A canary's explanation and a leaked key's reports, at the top of the key's page. */
export function KeyNotices({ canary, leakedAt, revoked, leakReports }: KeyNoticesProps) {
  return (
    <>
      {leakedAt ? (
        <section aria-labelledby="leak-heading" className="grid gap-3 rounded-lg border border-destructive/30 bg-destructive/10 px-4 py-3 text-sm">
          <h2 id="leak-heading" className="flex items-center gap-2 font-semibold text-destructive">
            <ShieldAlert aria-hidden="true" className="size-4" />
            Reported leaked <DateText value={leakedAt} withTime className="font-normal" />
          </h2>
          <p>
            {revoked
              ? "Its secret was reported found in the wild, and the key no longer works. Give whoever used it a new key."
              : "Its secret was reported found in the wild, and the project's policy leaves the decision to you: revoke or roll this key now unless you are sure the report is wrong."}
          </p>
          <ul className="grid gap-1.5">
            {leakReports.map((report) => (
              <li key={report.id} className="grid gap-0.5">
                <span className="text-muted-foreground">
                  <DateText value={report.receivedAt} withTime /> · {ACTIONS[report.action ?? ""] ?? "reported"}
                  {report.reporterIp ? ` · reported from ${report.reporterIp}` : ""}
                </span>
                {/* As reported: shown, never linked. */}
                <span className="font-mono text-[13px] break-all">{report.url ?? "No location given"}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {canary ? (
        <section aria-labelledby="canary-heading" className="grid gap-1 rounded-lg border border-warning/40 bg-warning/10 px-4 py-3 text-sm">
          <h2 id="canary-heading" className="flex items-center gap-2 font-semibold">
            <Bird aria-hidden="true" className="size-4 text-warning" />
            Canary key
          </h2>
          <p>
            A honeytoken: plant it where no legitimate caller should ever find it. Every verification answers <code className="font-mono">NOT_FOUND</code>, exactly
            like an unknown key, and alerts the administrators at once (webhook <code className="font-mono">key.canary_used</code> and email) with the
            request&apos;s method, path and IP. It does not count towards the project&apos;s active-key limit.
          </p>
        </section>
      ) : null}
    </>
  );
}
