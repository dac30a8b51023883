"use client";

import { Link2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";

import { CredentialDialog } from "@/components/admin/users/credential-dialog";
import { Button } from "@/components/ui/button";
import { ConfirmForm } from "@/components/ui/confirm-dialog";
import { toast } from "@/components/ui/toaster";
import type { FormState } from "@/lib/actions/form-state";
import { reissueInviteAction, type RevealedCredential } from "@/lib/actions/users";

export type ReissueInviteButtonProps = {
  user: { id: string; name: string; inviteExpired: boolean };
};

/** For invited users: a new one-time link (the old one stops working), shown once. */
export function ReissueInviteButton({ user }: ReissueInviteButtonProps) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [revealed, setRevealed] = useState<RevealedCredential | null>(null);

  function onDismiss() {
    setRevealed(null);
    setOpen(false);
    toast.success(`New invite link for ${user.name} issued.`);
    router.refresh();
  }

  async function reissue(previous: FormState, form: FormData): Promise<FormState> {
    const result = await reissueInviteAction(previous, form);
    if (!result.created) return result;
    // The link goes to the reveal only; the form's state never holds it.
    setRevealed(result.created);
    return { ok: true };
  }

  return (
    <CredentialDialog
      open={open}
      onOpenChange={setOpen}
      revealed={revealed}
      onDismiss={onDismiss}
      triggerTooltip="New invite link"
      trigger={
        <Button variant="ghost" size="icon-sm" aria-label={`New invite link for ${user.name}`} className="text-muted-foreground">
          <Link2 aria-hidden="true" />
        </Button>
      }
    >
      <ConfirmForm
        kind="dialog"
        title={`New invite link for ${user.name}?`}
        description={`${user.inviteExpired ? "Their last link has expired. " : "Their current link stops working. "}The new link is valid for 7 days and is shown once.`}
        fields={{ userId: user.id }}
        action={reissue}
        confirmLabel="Create new link"
        pendingLabel="Creating…"
      />
    </CredentialDialog>
  );
}
