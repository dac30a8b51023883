"use client";

import { Trash2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { useActionState, useRef, useState } from "react";

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
import { revokeApiKeyAction } from "@/lib/actions/api-keys";
import type { FormState } from "@/lib/actions/form-state";

export type RevokeKeyButtonProps = {
  /** The key's Sid (publicId). */
  keyId: string;
  name: string;
  /** `icon`: the trash button of a table row; `button`: a labelled "Revoke key" button. */
  variant?: "icon" | "button";
};

/**
 * The trash icon (or a "Revoke key" button) and its confirmation. Revoking is irreversible,
 * so it always goes through an AlertDialog whose initial focus is on Cancel.
 */
export function RevokeKeyButton({ keyId, name, variant = "icon" }: RevokeKeyButtonProps) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  // Once the key is revoked this trigger disappears, so focus cannot return to it.
  const revoked = useRef(false);

  function onRevoked(message: string | undefined) {
    revoked.current = true;
    setOpen(false);
    toast.success(message ?? "Key revoked.");
    router.refresh();
  }

  return (
    <AlertDialog open={open} onOpenChange={setOpen}>
      <AlertDialogTrigger asChild>
        {variant === "icon" ? (
          <Button
            variant="ghost"
            size="icon"
            aria-label={`Revoke ${name}`}
            className="text-muted-foreground hover:text-destructive"
          >
            <Trash2 aria-hidden="true" />
          </Button>
        ) : (
          <Button variant="destructive">
            <Trash2 aria-hidden="true" />
            Revoke key
          </Button>
        )}
      </AlertDialogTrigger>
      <AlertDialogContent
        onCloseAutoFocus={(event) => {
          if (!revoked.current) return;
          event.preventDefault();
          document.getElementById("main")?.focus();
        }}
      >
        <RevokeKeyForm keyId={keyId} name={name} onRevoked={onRevoked} />
      </AlertDialogContent>
    </AlertDialog>
  );
}

type RevokeKeyFormProps = {
  keyId: string;
  name: string;
  onRevoked: (message: string | undefined) => void;
};

/** Lives inside the dialog content, so an error from a previous attempt is gone on reopen. */
function RevokeKeyForm({ keyId, name, onRevoked }: RevokeKeyFormProps) {
  const [state, formAction, pending] = useActionState(async (previous: FormState, form: FormData) => {
    const result = await revokeApiKeyAction(previous, form);
    if (result.ok) onRevoked(result.message);
    return result;
  }, {});

  return (
    <form action={formAction} className="grid gap-4">
      <input type="hidden" name="keyId" value={keyId} />
      <AlertDialogHeader>
        <AlertDialogTitle className="break-words">Revoke “{name}”?</AlertDialogTitle>
        <AlertDialogDescription>
          This cannot be undone. Every app using this key loses access immediately.
        </AlertDialogDescription>
      </AlertDialogHeader>
      {state.error && !pending ? (
        <p
          role="alert"
          className="rounded-md border border-destructive/30 bg-destructive/10 px-3 py-2 text-sm text-destructive"
        >
          {state.error}
        </p>
      ) : null}
      <AlertDialogFooter>
        <AlertDialogCancel disabled={pending}>Cancel</AlertDialogCancel>
        <Button type="submit" variant="destructive" disabled={pending}>
          {pending ? <Spinner label={null} /> : null}
          {pending ? "Revoking…" : "Revoke key"}
        </Button>
      </AlertDialogFooter>
    </form>
  );
}
