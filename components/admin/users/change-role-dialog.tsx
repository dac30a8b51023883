"use client";

import { UserCog } from "lucide-react";
import { useRouter } from "next/navigation";
import { useActionState, useState } from "react";

import { ROLE_DESCRIPTIONS } from "@/components/admin/users/role-descriptions";
import { RowActionButton } from "@/components/admin/users/row-action-button";
import { useReauthAction } from "@/components/auth/confirm-password-dialog";
import type { UserRole } from "@/components/layout/role-badge";
import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogClose,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { FormField } from "@/components/ui/form-field";
import { Select } from "@/components/ui/select";
import { toast } from "@/components/ui/toaster";
import { Tooltip, TooltipContent, TooltipTrigger } from "@/components/ui/tooltip";
import { FormAlert } from "@/components/ui/form-alert";
import { SubmitButton } from "@/components/ui/submit-button";
import type { FormState } from "@/lib/actions/form-state";
import { changeUserRoleAction } from "@/lib/actions/users";
import { ROLE_LABELS } from "@/lib/auth/roles";
import { ROLES } from "@/lib/validations/admin-user";

export type ChangeRoleDialogProps = {
  user: { id: string; name: string; role: UserRole; isLastAdmin: boolean };
  /** The row is the signed-in admin: stepping down takes this page away from them. */
  isSelf: boolean;
};

/** The "Change role" icon button of a row and its dialog. */
export function ChangeRoleDialog({ user, isSelf }: ChangeRoleDialogProps) {
  const router = useRouter();
  const [open, setOpen] = useState(false);

  function onChanged(message: string | undefined) {
    setOpen(false);
    toast.success(message ?? "Role changed.");
    router.refresh();
  }

  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <Tooltip>
        <TooltipTrigger asChild>
          <DialogTrigger asChild>
            <RowActionButton icon={UserCog} label="Change role" aria-label={`Change role of ${user.name}`} />
          </DialogTrigger>
        </TooltipTrigger>
        <TooltipContent>Change role</TooltipContent>
      </Tooltip>
      <DialogContent>
        <ChangeRoleForm user={user} isSelf={isSelf} onChanged={onChanged} />
      </DialogContent>
    </Dialog>
  );
}

type ChangeRoleFormProps = ChangeRoleDialogProps & { onChanged: (message: string | undefined) => void };

/** Lives inside the dialog content, so an error from a previous attempt is gone on reopen. */
function ChangeRoleForm({ user, isSelf, onChanged }: ChangeRoleFormProps) {
  const [role, setRole] = useState<UserRole>(user.role);
  // Role changes need a recent sign-in or the password again (lib/auth/recent-auth.ts).
  const { action: guardedAction, dialog: reauthDialog } = useReauthAction(changeUserRoleAction, (retried) => {
    if (retried.ok) onChanged(retried.message);
    else toast.error(retried.error ?? "The role was not changed.");
  });
  const [state, formAction, pending] = useActionState(async (previous: FormState, form: FormData) => {
    const result = await guardedAction(previous, form);
    if (result.ok) onChanged(result.message);
    return result;
  }, {});
  const steppingDown = user.role === "admin" && role !== "admin";

  return (
    <>
      <form action={formAction} className="grid gap-5">
        <input type="hidden" name="userId" value={user.id} />
        <DialogHeader>
          <DialogTitle className="break-words">Change role of {user.name}</DialogTitle>
          <DialogDescription>
            Currently {ROLE_LABELS[user.role]}. The new role applies from {isSelf ? "your" : "their"} next page load.
          </DialogDescription>
        </DialogHeader>

        <FormField label="Role" name="role" id="change-role" required error={state.fieldErrors?.role} hint={ROLE_DESCRIPTIONS[role]}>
          {(field) => (
            <Select {...field} value={role} onChange={(event) => setRole(event.target.value as UserRole)}>
              {ROLES.map((value) => (
                <option key={value} value={value}>
                  {ROLE_LABELS[value]}
                  {value === user.role ? " (current)" : ""}
                </option>
              ))}
            </Select>
          )}
        </FormField>

        {steppingDown && user.isLastAdmin ? (
          <p className="rounded-md border border-warning/40 bg-warning/10 px-3 py-2 text-sm">
            {isSelf ? "You are" : `${user.name} is`} the last active administrator. Make someone else an administrator
            first, so Keydesk always has someone who can manage it.
          </p>
        ) : steppingDown && isSelf ? (
          <p className="rounded-md border border-warning/40 bg-warning/10 px-3 py-2 text-sm">
            You will lose access to the admin pages, including this one. Only another administrator can give it back.
          </p>
        ) : null}

        {state.error && !pending ? (
          <FormAlert>{state.error}</FormAlert>
        ) : null}

        <DialogFooter>
          <DialogClose asChild>
            <Button variant="outline" disabled={pending}>
              Cancel
            </Button>
          </DialogClose>
          <SubmitButton pending={pending} pendingLabel="Saving…" disabled={role === user.role || (steppingDown && user.isLastAdmin)}>
            Change role
          </SubmitButton>
        </DialogFooter>
      </form>
      {reauthDialog}
    </>
  );
}
