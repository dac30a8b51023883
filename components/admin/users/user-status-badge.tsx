import { Badge, type BadgeVariant } from "@/components/ui/badge";
import type { UserStatus } from "@/lib/queries/admin-users";

const STATUS: Record<UserStatus, { label: string; variant: BadgeVariant }> = {
  active: { label: "Active", variant: "success" },
  invited: { label: "Invited", variant: "info" },
  deactivated: { label: "Deactivated", variant: "neutral" },
};

export type UserStatusBadgeProps = { status: UserStatus; className?: string };

/** "Active", "Invited" (has not set a password yet) or "Deactivated". */
export function UserStatusBadge({ status, className }: UserStatusBadgeProps) {
  const { label, variant } = STATUS[status];
  return (
    <Badge variant={variant} className={className}>
      {label}
    </Badge>
  );
}
