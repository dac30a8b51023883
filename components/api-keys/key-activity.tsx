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
};

const ACTION_LABELS: Partial<Record<string, string>> = {
  "key.created": "Created",
  "key.updated": "Edited",
  "key.disabled": "Disabled",
  "key.enabled": "Enabled",
  "key.revoked": "Revoked",
  "key.rolled": "Rolled",
};

/** The key's audit trail: who did what, when, and from where. */
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
  return (
    <Table>
      <TableCaption className="sr-only">Recent activity on this key</TableCaption>
      <TableHeader>
        <TableRow className="hover:bg-transparent">
          <TableHead>Time</TableHead>
          <TableHead>Action</TableHead>
          <TableHead>Summary</TableHead>
          <TableHead>Actor</TableHead>
          <TableHead>IP</TableHead>
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
            <TableCell className="font-mono text-xs text-muted-foreground">{event.ip ?? "—"}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
