"use client";

import type { LucideIcon } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";

import { CredentialDialog } from "@/components/admin/users/credential-dialog";
import { RowActionButton } from "@/components/admin/users/row-action-button";
import { useReauthAction } from "@/components/auth/confirm-password-dialog";
import { ConfirmForm } from "@/components/ui/confirm-dialog";
import { toast } from "@/components/ui/toaster";
import type { FormState } from "@/lib/actions/form-state";
import type { CreateUserState, RevealedCredential } from "@/lib/actions/users";

export type CredentialActionButtonProps = {
  userId: string;
  /** The trigger's accessible name, e.g. "Reset password of Vera Viewer". */
  label: string;
  /** The trigger's visible text (on a wide list) and tooltip, e.g. "Reset password". */
  tooltip: string;
  icon: LucideIcon;
  confirm: { title: string; description: string; confirmLabel: string; pendingLabel: string };
  /** A server action that returns the new credential in `created`. */
  action: (previous: CreateUserState, form: FormData) => Promise<CreateUserState>;
  /** The toast once the reveal is closed. */
  doneMessage: string;
};

/**
 * A row action that confirms, runs an action handing out a new credential for a user (a
 * temporary password or an invite link), and reveals it once.
 */
export function CredentialActionButton({ userId, label, tooltip, icon, confirm, action, doneMessage }: CredentialActionButtonProps) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [revealed, setRevealed] = useState<RevealedCredential | null>(null);
  // Resetting a password needs a recent sign-in or the password again (lib/auth/recent-auth.ts).
  const { action: guardedAction, dialog: reauthDialog } = useReauthAction(action, (retried) => {
    if (retried.created) setRevealed(retried.created);
    else toast.error(retried.error ?? "Nothing was changed.");
  });

  function onDismiss() {
    setRevealed(null);
    setOpen(false);
    toast.success(doneMessage);
    router.refresh();
  }

  async function run(previous: FormState, form: FormData): Promise<FormState> {
    const result = await guardedAction(previous, form);
    if (!result.created) return result;
    // The credential goes to the reveal only; the form's state never holds it.
    setRevealed(result.created);
    return { ok: true };
  }

  return (
    <>
      <CredentialDialog
        open={open}
        onOpenChange={setOpen}
        revealed={revealed}
        onDismiss={onDismiss}
        triggerTooltip={tooltip}
        trigger={
          <RowActionButton icon={icon} label={tooltip} aria-label={label} />
        }
      >
        <ConfirmForm kind="dialog" fields={{ userId }} action={run} {...confirm} />
      </CredentialDialog>
      {reauthDialog}
    </>
  );
}
