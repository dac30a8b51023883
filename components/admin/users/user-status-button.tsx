"use client";

import { UserCheck, UserX } from "lucide-react";
import { useRouter } from "next/navigation";
import { useActionState, useState } from "react";

import type { UserRole } from "@/components/layout/role-badge";
import {
  AlertDialog,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import { Spinner } from "@/components/ui/spinner";
import { toast } from "@/components/ui/toaster";
import { Tooltip, TooltipContent, TooltipTrigger } from "@/components/ui/tooltip";
import type { FormState } from "@/lib/actions/form-state";
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

/** The deactivate / reactivate icon button of a row, always behind a confirmation. */
export function UserStatusButton({ user, mode }: UserStatusButtonProps) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const { icon: Icon, verb } = COPY[mode];

  function onDone(message: string | undefined) {
    setOpen(false);
    toast.success(message ?? `${verb}d ${user.name}.`);
    router.refresh();
  }

  return (
    <AlertDialog open={open} onOpenChange={setOpen}>
      <Tooltip>
        <TooltipTrigger asChild>
          <AlertDialogTrigger asChild>
            <Button
              variant="ghost"
              size="icon-sm"
              aria-label={`${verb} ${user.name}`}
              className={mode === "deactivate" ? "text-muted-foreground hover:text-destructive" : "text-muted-foreground"}
            >
              <Icon aria-hidden="true" />
            </Button>
          </AlertDialogTrigger>
        </TooltipTrigger>
        <TooltipContent>{verb}</TooltipContent>
      </Tooltip>
      <AlertDialogContent>
        <UserStatusForm user={user} mode={mode} onDone={onDone} />
      </AlertDialogContent>
    </AlertDialog>
  );
}

type UserStatusFormProps = UserStatusButtonProps & { onDone: (message: string | undefined) => void };

/** Lives inside the dialog content, so an error from a previous attempt is gone on reopen. */
function UserStatusForm({ user, mode, onDone }: UserStatusFormProps) {
  const { verb, pending: pendingLabel, action } = COPY[mode];
  const [state, formAction, pending] = useActionState(async (previous: FormState, form: FormData) => {
    const result = await action(previous, form);
    if (result.ok) onDone(result.message);
    return result;
  }, {});
  const blocked = mode === "deactivate" && user.isLastAdmin;

  return (
    <form action={formAction} className="grid gap-4">
      <input type="hidden" name="userId" value={user.id} />
      <AlertDialogHeader>
        <AlertDialogTitle className="break-words">
          {verb} {user.name}?
        </AlertDialogTitle>
        <AlertDialogDescription>
          {mode === "deactivate"
            ? "They lose access on their next request and can no longer sign in. API keys they created keep working, because keys belong to projects. You can reactivate them later."
            : `They can sign in again with their existing password, as ${ROLE_LABELS[user.role]}.`}
        </AlertDialogDescription>
      </AlertDialogHeader>
      {blocked ? (
        <p className="rounded-md border border-warning/40 bg-warning/10 px-3 py-2 text-sm">
          {user.name} is the last active administrator and cannot be deactivated. Make someone else an administrator first.
        </p>
      ) : null}
      {state.error && !pending ? (
        <p role="alert" className="rounded-md border border-destructive/30 bg-destructive/10 px-3 py-2 text-sm text-destructive">
          {state.error}
        </p>
      ) : null}
      <AlertDialogFooter>
        <AlertDialogCancel disabled={pending}>Cancel</AlertDialogCancel>
        <Button type="submit" variant={mode === "deactivate" ? "destructive" : "default"} disabled={pending || blocked}>
          {pending ? <Spinner label={null} /> : null}
          {pending ? pendingLabel : verb}
        </Button>
      </AlertDialogFooter>
    </form>
  );
}
