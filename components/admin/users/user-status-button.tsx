"use client";

import { UserCheck, UserX } from "lucide-react";
import { useRouter } from "next/navigation";

import { RowActionButton } from "@/components/admin/users/row-action-button";
import type { UserRole } from "@/components/layout/role-badge";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { toast } from "@/components/ui/toaster";
import { deactivateUserAction, reactivateUserAction } from "@/lib/actions/users";
import { ROLE_LABELS } from "@/lib/auth/roles";

export type UserStatusButtonProps = {
  user: { id: string; name: string; role: UserRole; isLastAdmin: boolean };
  /** `deactivate` for active (and invited) users, `reactivate` for deactivated ones. */
  mode: "deactivate" | "reactivate";
};

const COPY = {
  deactivate: {
    icon: UserX,
    verb: "Deactivate",
    pending: "Deactivating…",
    action: deactivateUserAction,
  },
  reactivate: {
    icon: UserCheck,
    verb: "Reactivate",
    pending: "Reactivating…",
    action: reactivateUserAction,
  },
} as const;

/** The deactivate / reactivate button of a row, always behind a confirmation. */
export function UserStatusButton({ user, mode }: UserStatusButtonProps) {
  const router = useRouter();
  const { icon, verb, pending, action } = COPY[mode];
  const blocked = mode === "deactivate" && user.isLastAdmin;

  return (
    <ConfirmButton
      trigger={
        <RowActionButton
          icon={icon}
          label={verb}
          aria-label={`${verb} ${user.name}`}
          className={mode === "deactivate" ? "hover:text-destructive" : undefined}
        />
      }
      triggerTooltip={verb}
      title={`${verb} ${user.name}?`}
      description={
        mode === "deactivate"
          ? "They lose access on their next request and can no longer sign in. API keys they created keep working, because keys belong to projects. You can reactivate them later."
          : `They can sign in again with their existing password, as ${ROLE_LABELS[user.role]}.`
      }
      fields={{ userId: user.id }}
      action={action}
      confirmLabel={verb}
      pendingLabel={pending}
      confirmVariant={mode === "deactivate" ? "destructive" : "default"}
      disabled={blocked}
      onDone={(result) => {
        toast.success(result.message ?? `${verb}d ${user.name}.`);
        router.refresh();
      }}
    >
      {blocked ? (
        <p className="rounded-md border border-warning/40 bg-warning/10 px-3 py-2 text-sm">
          {user.name} is the last active administrator and cannot be deactivated. Make someone else an administrator first.
        </p>
      ) : null}
    </ConfirmButton>
  );
}
