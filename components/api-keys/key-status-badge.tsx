import { Badge, type BadgeVariant } from "@/components/ui/badge";
import type { KeyStatus } from "@/lib/keys/status";

const STATUS: Record<KeyStatus, { label: string; variant: BadgeVariant }> = {
  active: { label: "Active", variant: "success" },
  disabled: { label: "Disabled", variant: "neutral" },
  expired: { label: "Expired", variant: "warning" },
  revoked: { label: "Revoked", variant: "destructive" },
};

export type KeyStatusBadgeProps = { status: KeyStatus; className?: string };

export function KeyStatusBadge({ status, className }: KeyStatusBadgeProps) {
  const { label, variant } = STATUS[status];
  return (
    <Badge variant={variant} className={className}>
      {label}
    </Badge>
  );
}
