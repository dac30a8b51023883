"use client";

import { KeyRound } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";

import { CredentialDialog } from "@/components/admin/users/credential-dialog";
import { Button } from "@/components/ui/button";
import { ConfirmForm } from "@/components/ui/confirm-dialog";
import { toast } from "@/components/ui/toaster";
import type { FormState } from "@/lib/actions/form-state";
import { resetUserPasswordAction, type RevealedCredential } from "@/lib/actions/users";

export type ResetPasswordButtonProps = {
  user: { id: string; name: string };
};

/**
 * For someone who forgot their password, or whose password may have leaked: a new temporary
 * password, shown once; their sessions end at once. Not offered for your own account, which
 * changes its password on the profile page.
 */
export function ResetPasswordButton({ user }: ResetPasswordButtonProps) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [revealed, setRevealed] = useState<RevealedCredential | null>(null);

  function onDismiss() {
    setRevealed(null);
    setOpen(false);
    toast.success(`New temporary password for ${user.name}. They have been signed out everywhere.`);
    router.refresh();
  }

  async function reset(previous: FormState, form: FormData): Promise<FormState> {
    const result = await resetUserPasswordAction(previous, form);
    if (!result.created) return result;
    // The password goes to the reveal only; the form's state never holds it.
    setRevealed(result.created);
    return { ok: true };
  }

  return (
    <CredentialDialog
      open={open}
      onOpenChange={setOpen}
      revealed={revealed}
      onDismiss={onDismiss}
      triggerTooltip="Reset password"
      trigger={
        <Button variant="ghost" size="icon-sm" aria-label={`Reset password of ${user.name}`} className="text-muted-foreground">
          <KeyRound aria-hidden="true" />
        </Button>
      }
    >
      <ConfirmForm
        kind="dialog"
        title={`Reset the password of ${user.name}?`}
        description={`Their current password stops working and they are signed out everywhere. You get a new temporary password, shown once, to hand to them.`}
        fields={{ userId: user.id }}
        action={reset}
        confirmLabel="Reset password"
        pendingLabel="Resetting…"
      />
    </CredentialDialog>
  );
}
