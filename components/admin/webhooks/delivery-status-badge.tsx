import { Badge } from "@/components/ui/badge";

const LABELS = {
  pending: { label: "Retrying", variant: "warning" },
  succeeded: { label: "Delivered", variant: "success" },
  failed: { label: "Failed", variant: "destructive" },
} as const;

/** A delivery's state; a pending delivery that was never tried yet says "Queued". */
export function DeliveryStatusBadge({ status, attempts }: { status: keyof typeof LABELS; attempts: number }) {
  const { label, variant } = LABELS[status];
  return <Badge variant={status === "pending" && attempts === 0 ? "neutral" : variant}>{status === "pending" && attempts === 0 ? "Queued" : label}</Badge>;
}
