"use client";

import { Link2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { useActionState, useState } from "react";

import { CredentialDialog } from "@/components/admin/users/credential-dialog";
import { Button } from "@/components/ui/button";
import { DialogClose, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "@/components/ui/dialog";
import { Spinner } from "@/components/ui/spinner";
import { toast } from "@/components/ui/toaster";
import { reissueInviteAction, type CreateUserState, type RevealedCredential } from "@/lib/actions/users";

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
      <ReissueForm user={user} onIssued={setRevealed} />
    </CredentialDialog>
  );
}

function ReissueForm({ user, onIssued }: ReissueInviteButtonProps & { onIssued: (revealed: RevealedCredential) => void }) {
  const [state, formAction, pending] = useActionState(async (previous: CreateUserState, form: FormData) => {
    const result = await reissueInviteAction(previous, form);
    if (result.created) {
      onIssued(result.created);
      return { ok: true };
    }
    return result;
  }, {});

  return (
    <form action={formAction} className="grid gap-4">
      <input type="hidden" name="userId" value={user.id} />
      <DialogHeader>
        <DialogTitle className="break-words">New invite link for {user.name}?</DialogTitle>
        <DialogDescription>
          {user.inviteExpired ? "Their last link has expired. " : "Their current link stops working. "}
          The new link is valid for 7 days and is shown once.
        </DialogDescription>
      </DialogHeader>
      {state.error && !pending ? (
        <p role="alert" className="rounded-md border border-destructive/30 bg-destructive/10 px-3 py-2 text-sm text-destructive">
          {state.error}
        </p>
      ) : null}
      <DialogFooter>
        <DialogClose asChild>
          <Button variant="outline" disabled={pending}>
            Cancel
          </Button>
        </DialogClose>
        <Button type="submit" disabled={pending}>
          {pending ? <Spinner label={null} /> : null}
          {pending ? "Creating…" : "Create new link"}
        </Button>
      </DialogFooter>
    </form>
  );
}
