import { Clock3, Globe, ShieldAlert } from "lucide-react";

import { Badge } from "@/components/ui/badge";
import { percentFormat as percent } from "@/lib/format";
import type { KeyAnomaly } from "@/lib/trail/anomalies";


function describe(anomaly: KeyAnomaly): { label: string; title: string } {
  switch (anomaly.kind) {
    case "new_ip":
      return {
        label: "New IP",
        title: `Used from ${anomaly.ip ?? "an address"} not seen in the previous 30 days, at ${new Date(anomaly.at).toISOString().slice(0, 16).replace("T", " ")} UTC`,
      };
    case "denied_share":
      return {
        label: `${percent.format(anomaly.share)} denied`,
        title: `${anomaly.denied} of about ${anomaly.total} verifications in the last hour were denied`,
      };
    case "stale":
      return {
        label: "Unused 90+ days",
        title: anomaly.lastUsedAt
          ? `Last used successfully on ${new Date(anomaly.lastUsedAt).toISOString().slice(0, 10)}: consider revoking it`
          : "Never used successfully in 90 days: consider revoking it",
      };
  }
}

const ICONS = { new_ip: Globe, denied_share: ShieldAlert, stale: Clock3 } as const;

/** The key's anomalies as badges; the text says what each is, the tooltip the details. */
export function AnomalyBadges({ anomalies }: { anomalies: KeyAnomaly[] }) {
  if (anomalies.length === 0) return null;
  return (
    <span className="flex flex-wrap items-center gap-1" data-anomalies={anomalies.map((a) => a.kind).join(" ")}>
      {anomalies.map((anomaly) => {
        const { label, title } = describe(anomaly);
        const Icon = ICONS[anomaly.kind];
        return (
          <Badge key={anomaly.kind} variant={anomaly.kind === "stale" ? "neutral" : "warning"} title={title}>
            <Icon aria-hidden="true" />
            {label}
            <span className="sr-only">: {title}</span>
          </Badge>
        );
      })}
    </span>
  );
}
