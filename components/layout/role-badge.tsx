import { Badge, type BadgeProps, type BadgeVariant } from "@/components/ui/badge";

export type UserRole = "admin" | "manager" | "viewer";

/** Human-readable role names, as shown in the UI. */
export const ROLE_LABELS: Record<UserRole, string> = {
  admin: "Administrator",
  manager: "Manager",
  viewer: "Viewer",
};

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
