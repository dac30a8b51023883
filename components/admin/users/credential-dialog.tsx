"use client";

import { useSyncExternalStore } from "react";

import { SecretRevealDialog, type SecretRevealDialogProps } from "@/components/ui/secret-reveal-dialog";
import type { RevealedCredential } from "@/lib/actions/users";
import { ROLE_LABELS } from "@/lib/auth/roles";

export type CredentialDialogProps = Omit<SecretRevealDialogProps, "reveal"> & {
  /** The temporary password or invite link to show once; while set, it replaces `children`. */
  revealed: RevealedCredential | null;
};

const noSubscription = () => () => {};

/** The browser's origin, so the link works wherever the admin reached Keydesk from. */
function useOrigin(): string {
  return useSyncExternalStore(
    noSubscription,
    () => window.location.origin,
    () => "",
  );
}

const dateFormat = new Intl.DateTimeFormat("en-US", { dateStyle: "medium", timeStyle: "short" });

/**
 * A SecretRevealDialog for a temporary password (new user or reset) or invite link: the caller's form,
 * then the one-time reveal, which asks before closing if it was never copied.
 */
export function CredentialDialog({ revealed, ...props }: CredentialDialogProps) {
  const origin = useOrigin();
  if (!revealed) return <SecretRevealDialog reveal={null} {...props} />;

  const isInvite = revealed.method === "invite";
  const who = `${revealed.name} (${revealed.email}, ${ROLE_LABELS[revealed.role]})`;
  return (
    <SecretRevealDialog
      reveal={{
        title: isInvite
          ? `Send ${revealed.name} their invite link`
          : revealed.reset
            ? `New password for ${revealed.name}`
            : `Give ${revealed.name} their password`,
        description: isInvite
          ? `${who} opens this link to choose a password. It works once and expires ${
              revealed.inviteExpiresAt ? dateFormat.format(new Date(revealed.inviteExpiresAt)) : "in 7 days"
            }.`
          : `${who} signs in with this password, then can change it on their Profile page.`,
        what: isInvite ? "invite link" : "temporary password",
        advice: `Send it over a channel only ${revealed.name} can read, such as a direct message.`,
        label: isInvite ? "Invite link" : "Temporary password",
        value: isInvite ? `${origin}${revealed.invitePath ?? ""}` : (revealed.temporaryPassword ?? ""),
        fieldId: "revealed-credential",
        // Wrapped whole: in a one-line field, selecting it scrolled the host out of view.
        multiline: isInvite,
        closeHint: isInvite ? "You can issue a new link later." : revealed.reset ? "You can reset it again later." : "Without it, they cannot sign in.",
      }}
      {...props}
    />
  );
}
