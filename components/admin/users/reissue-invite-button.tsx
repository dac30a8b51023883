"use client";

import { Link2 } from "lucide-react";

import { CredentialActionButton } from "@/components/admin/users/credential-action-button";
import { reissueInviteAction } from "@/lib/actions/users";

export type ReissueInviteButtonProps = {
  user: { id: string; name: string; inviteExpired: boolean };
};

/** For invited users: a new one-time link (the old one stops working), shown once. */
export function ReissueInviteButton({ user }: ReissueInviteButtonProps) {
  return (
    <CredentialActionButton
      userId={user.id}
      label={`New invite link for ${user.name}`}
      tooltip="New invite link"
      icon={Link2}
      confirm={{
        title: `New invite link for ${user.name}?`,
        description: `${user.inviteExpired ? "Their last link has expired. " : "Their current link stops working. "}The new link is valid for 7 days and is shown once.`,
        confirmLabel: "Create new link",
        pendingLabel: "Creating…",
      }}
      action={reissueInviteAction}
      doneMessage={`New invite link for ${user.name} issued.`}
    />
  );
}
