"use client";

import { KeyRound } from "lucide-react";

import { CredentialActionButton } from "@/components/admin/users/credential-action-button";
import { resetUserPasswordAction } from "@/lib/actions/users";

export type ResetPasswordButtonProps = {
  user: { id: string; name: string };
};

/**
 * For someone who forgot their password, or whose password may have leaked: a new temporary
 * password, shown once; their sessions end at once. Not offered for your own account, which
 * changes its password on the profile page.
 */
export function ResetPasswordButton({ user }: ResetPasswordButtonProps) {
  return (
    <CredentialActionButton
      userId={user.id}
      label={`Reset password of ${user.name}`}
      tooltip="Reset password"
      icon={KeyRound}
      confirm={{
        title: `Reset the password of ${user.name}?`,
        description:
          "Their current password stops working and they are signed out everywhere. You get a new temporary password, shown once, to hand to them.",
        confirmLabel: "Reset password",
        pendingLabel: "Resetting…",
      }}
      action={resetUserPasswordAction}
      doneMessage={`New temporary password for ${user.name}. They have been signed out everywhere.`}
    />
  );
}
