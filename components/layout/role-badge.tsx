import { Badge, type BadgeProps, type BadgeVariant } from "@/components/ui/badge";
import { ROLE_LABELS } from "@/lib/auth/roles";
import type { Role } from "@/lib/generated/prisma/enums";

export type UserRole = Role;

const ROLE_VARIANTS: Record<UserRole, BadgeVariant> = {
  admin: "info",
  manager: "neutral",
  viewer: "neutral",
};

export type RoleBadgeProps = Omit<BadgeProps, "variant" | "children"> & {
  role: UserRole;
};

/** Badge with the role's label ("Administrator", "Manager", "Viewer"). */
export function RoleBadge({ role, ...props }: RoleBadgeProps) {
  return (
    <Badge data-role={role} variant={ROLE_VARIANTS[role]} {...props}>
      {ROLE_LABELS[role]}
    </Badge>
  );
}
