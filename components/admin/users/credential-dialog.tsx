"use client";

import { Check, Copy, TriangleAlert } from "lucide-react";
import { useRef, useState, useSyncExternalStore, type ReactNode } from "react";

import { Button } from "@/components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "@/components/ui/dialog";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Tooltip, TooltipContent, TooltipTrigger } from "@/components/ui/tooltip";
import { cn } from "@/lib/utils";
import type { RevealedCredential } from "@/lib/actions/users";
import { ROLE_LABELS } from "@/lib/auth/roles";

export type CredentialDialogProps = {
  /** Whether the form phase is open (the reveal phase keeps the dialog open by itself). */
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** The temporary password or invite link to show once; while set, it replaces `children`. */
  revealed: RevealedCredential | null;
  /** Called once the admin has closed the reveal. The caller must drop `revealed` here. */
  onDismiss: () => void;
  trigger?: ReactNode;
  /** A tooltip for an icon-only trigger (which still needs its own aria-label). */
  triggerTooltip?: string;
  /** The form phase: a DialogHeader with a DialogTitle, then the form. */
  children?: ReactNode;
};

type CopyResult = "idle" | "copied" | "failed";

/**
 * A dialog with two phases: the caller's form, then the one-time reveal of a temporary password
 * or invite link. Closing the reveal (Done, Escape, overlay, X) before copying asks first,
 * because neither can be shown again.
 */
export function CredentialDialog({
  open,
  onOpenChange,
  revealed,
  onDismiss,
  trigger,
  triggerTooltip,
  children,
}: CredentialDialogProps) {
  const [copyResult, setCopyResult] = useState<CopyResult>("idle");
  const [confirming, setConfirming] = useState(false);

  function dismiss() {
    setCopyResult("idle");
    setConfirming(false);
    onDismiss();
  }

  function requestClose() {
    if (copyResult === "copied") dismiss();
    else setConfirming(true);
  }

  function handleOpenChange(next: boolean) {
    if (revealed) {
      if (!next) requestClose();
      return;
    }
    onOpenChange(next);
  }

  return (
    <Dialog open={open || revealed !== null} onOpenChange={handleOpenChange}>
      {trigger && triggerTooltip ? (
        <Tooltip>
          <TooltipTrigger asChild>
            <DialogTrigger asChild>{trigger}</DialogTrigger>
          </TooltipTrigger>
          <TooltipContent>{triggerTooltip}</TooltipContent>
        </Tooltip>
      ) : trigger ? (
        <DialogTrigger asChild>{trigger}</DialogTrigger>
      ) : null}
      <DialogContent className={cn(revealed && "max-w-xl")}>
        {revealed ? (
          <CredentialReveal
            revealed={revealed}
            copyResult={copyResult}
            onCopyResult={setCopyResult}
            confirming={confirming}
            onDone={requestClose}
            onCancelClose={() => setConfirming(false)}
            onConfirmClose={dismiss}
          />
        ) : (
          children
        )}
      </DialogContent>
    </Dialog>
  );
}

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

type CredentialRevealProps = {
  revealed: RevealedCredential;
  copyResult: CopyResult;
  onCopyResult: (result: CopyResult) => void;
  confirming: boolean;
  onDone: () => void;
  onCancelClose: () => void;
  onConfirmClose: () => void;
};

function CredentialReveal({
  revealed,
  copyResult,
  onCopyResult,
  confirming,
  onDone,
  onCancelClose,
  onConfirmClose,
}: CredentialRevealProps) {
  const inputRef = useRef<HTMLInputElement>(null);
  const doneRef = useRef<HTMLButtonElement>(null);
  const origin = useOrigin();
  const isInvite = revealed.method === "invite";
  const value = isInvite ? `${origin}${revealed.invitePath ?? ""}` : (revealed.temporaryPassword ?? "");
  const what = isInvite ? "invite link" : "temporary password";

  function cancelClose() {
    onCancelClose();
    // "Go back" unmounts itself; put focus on Done, which takes its place.
    requestAnimationFrame(() => doneRef.current?.focus());
  }

  function selectValue() {
    inputRef.current?.focus();
    inputRef.current?.select();
  }

  async function copy() {
    try {
      // Missing outside secure contexts (plain http on a non-localhost host).
      if (!navigator.clipboard) throw new Error("Clipboard API unavailable");
      await navigator.clipboard.writeText(value);
      onCopyResult("copied");
    } catch {
      selectValue();
      onCopyResult("failed");
    }
  }

  return (
    <>
      <DialogHeader>
        <DialogTitle>{isInvite ? `Send ${revealed.name} their invite link` : `Give ${revealed.name} their password`}</DialogTitle>
        <DialogDescription>
          {isInvite ? (
            <>
              {revealed.name} ({revealed.email}, {ROLE_LABELS[revealed.role]}) opens this link to choose a password. It works
              once and expires {revealed.inviteExpiresAt ? dateFormat.format(new Date(revealed.inviteExpiresAt)) : "in 7 days"}.
            </>
          ) : (
            <>
              {revealed.name} ({revealed.email}, {ROLE_LABELS[revealed.role]}) signs in with this password, then can change it
              on their Profile page.
            </>
          )}
        </DialogDescription>
      </DialogHeader>

      <div className="flex gap-3 rounded-md border border-warning/40 bg-warning/10 px-3 py-2.5 text-sm text-foreground">
        <TriangleAlert className="mt-0.5 size-4 shrink-0 text-warning" aria-hidden="true" />
        <p>
          <strong className="font-semibold">This {what} will not be shown again.</strong> Send it over a channel only{" "}
          {revealed.name} can read, such as a direct message.
        </p>
      </div>

      <div className="grid gap-2">
        <Label htmlFor="revealed-credential">{isInvite ? "Invite link" : "Temporary password"}</Label>
        <div className="flex gap-2">
          <Input
            ref={inputRef}
            id="revealed-credential"
            aria-describedby="revealed-credential-status"
            readOnly
            autoFocus
            value={value}
            onFocus={(event) => event.currentTarget.select()}
            // Copying by hand (Ctrl/Cmd+C) counts as copied too.
            onCopy={() => onCopyResult("copied")}
            autoComplete="off"
            spellCheck={false}
            className="font-mono text-[13px]"
          />
          <Button variant={copyResult === "copied" ? "secondary" : "default"} onClick={copy} className="w-24">
            {copyResult === "copied" ? <Check aria-hidden="true" /> : <Copy aria-hidden="true" />}
            {copyResult === "copied" ? "Copied" : "Copy"}
          </Button>
        </div>
        <p
          id="revealed-credential-status"
          aria-live="polite"
          className={cn(
            "min-h-5 text-[13px]",
            copyResult === "failed" ? "font-medium text-destructive" : "text-muted-foreground",
          )}
        >
          {copyResult === "copied"
            ? "Copied to the clipboard."
            : copyResult === "failed"
              ? `Your browser did not allow copying. The ${what} is selected: press Ctrl+C (⌘C on a Mac) to copy it.`
              : null}
        </p>
      </div>

      {confirming ? (
        <div role="alert" className="grid gap-3 rounded-md border border-destructive/30 bg-destructive/10 p-3">
          <p className="text-sm font-medium">
            You have not copied the {what}. Close anyway?{" "}
            <span className="font-normal text-muted-foreground">
              {isInvite ? "You can issue a new link later." : "Without it, they cannot sign in."}
            </span>
          </p>
          <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
            <Button variant="outline" onClick={cancelClose} autoFocus>
              Go back
            </Button>
            <Button variant="destructive" onClick={onConfirmClose}>
              Close without copying
            </Button>
          </div>
        </div>
      ) : (
        <DialogFooter>
          <Button ref={doneRef} onClick={onDone}>
            Done
          </Button>
        </DialogFooter>
      )}
    </>
  );
}
