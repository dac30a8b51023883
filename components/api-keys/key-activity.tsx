import { History } from "lucide-react";

import { DateText } from "@/components/ui/time";
import { EmptyState } from "@/components/ui/empty-state";
import { Table, TableBody, TableCaption, TableCell, TableHead, TableHeader, TableRow } from "@/components/ui/table";

export type KeyActivityEvent = {
  id: string;
  /** ISO date-time. */
  createdAt: string;
  action: string;
  summary: string;
  actorLabel: string;
  ip: string | null;
  /** Addresses left out (lib/queries/key-activity.ts): the viewer may not read the audit log. */
  redacted?: boolean;
};

const ACTION_LABELS: Partial<Record<string, string>> = {
  "key.created": "Created",
  "key.updated": "Edited",
  "key.disabled": "Disabled",
  "key.enabled": "Enabled",
  "key.revoked": "Revoked",
  "key.rolled": "Rolled",
  "key.limits_updated": "Limits changed",
  "key.credits_added": "Credits added",
};

/**
 * The key's audit trail: who did what, when, and — for those who may read the audit log — from
 * where. Others get the events without IP addresses or emails, and no IP column at all.
 */
export function KeyActivity({ events }: { events: KeyActivityEvent[] }) {
  if (events.length === 0) {
    return (
      <EmptyState
        icon={History}
        headingLevel="h3"
        title="No activity yet"
        description="Changes to this key, such as edits, disabling, rolls and revocation, will appear here."
        className="py-8"
      />
    );
  }
  const showIp = events.some((event) => !event.redacted);
  return (
    <Table>
      <TableCaption className={showIp ? "sr-only" : "caption-bottom pt-3 text-left text-[13px] text-muted-foreground"}>
        {showIp ? (
          "Recent activity on this key"
        ) : (
          <>
            <span className="sr-only">Recent activity on this key. </span>IP addresses and emails are shown to administrators only.
          </>
        )}
      </TableCaption>
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead>Time</TableHead>
          <TableHead>Action</TableHead>
          <TableHead>Summary</TableHead>
          <TableHead>Actor</TableHead>
          {showIp ? <TableHead>IP</TableHead> : null}
        </TableRow>
      </TableHeader>
      <TableBody>
        {events.map((event) => (
          <TableRow key={event.id}>
            <TableCell className="text-muted-foreground">
              <DateText value={event.createdAt} withTime />
            </TableCell>
            <TableCell className="font-medium">{ACTION_LABELS[event.action] ?? event.action}</TableCell>
            <TableCell className="min-w-[18rem] whitespace-normal">{event.summary}</TableCell>
            <TableCell>{event.actorLabel}</TableCell>
            {showIp ? <TableCell className="font-mono text-xs text-muted-foreground">{event.ip ?? "—"}</TableCell> : null}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
