import { Mail, MailX } from "lucide-react";

import { cn } from "@/lib/utils";

export type MailStatusProps = {
  enabled: boolean;
  /** Host and port of the SMTP server; never its credentials. */
  server: string | null;
  from: string | null;
  className?: string;
};

/** Whether Keydesk sends email, and if not, how to turn it on. */
export function MailStatus({ enabled, server, from, className }: MailStatusProps) {
  const Icon = enabled ? Mail : MailX;
  return (
    <div
      role="status"
      className={cn(
        "flex gap-3 rounded-lg border px-4 py-3 text-sm",
        enabled ? "border-border bg-card" : "border-warning/40 bg-warning/10",
        className,
      )}
    >
      <Icon aria-hidden="true" className={cn("mt-0.5 size-4 shrink-0", enabled ? "text-success" : "text-warning")} />
      {enabled ? (
        <p>
          <strong className="font-medium">Email is on.</strong> Expiry reminders, the weekly stale-key digest and leak and canary alerts are sent
          as <span className="font-mono text-[13px]">{from}</span> through <span className="font-mono text-[13px]">{server}</span>.
        </p>
      ) : (
        <p>
          <strong className="font-medium">Email is off.</strong> Keydesk sends no reminders, digests or alerts by email until{" "}
          <code className="font-mono text-[13px]">SMTP_URL</code> and <code className="font-mono text-[13px]">KEYDESK_MAIL_FROM</code> are set. Webhooks
          work without it.
        </p>
      )}
    </div>
  );
}
