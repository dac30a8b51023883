"use client";

import { Check, Copy, TriangleAlert } from "lucide-react";
import { useRef, useState, type ReactNode } from "react";

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
import { Textarea } from "@/components/ui/textarea";
import { Label } from "@/components/ui/label";
import { cn } from "@/lib/utils";
import type { RevealedKey } from "@/lib/actions/api-keys";

export type KeyRevealDialogProps = {
  /** Whether the form phase is open (the reveal phase keeps the dialog open by itself). */
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** The key to show once. While set, the dialog shows it instead of `children`. */
  revealed: RevealedKey | null;
  /**
   * Called when the user has closed the reveal (after confirming if they never copied).
   * The caller must drop `revealed` from its state here: nothing else keeps the secret.
   */
  onDismiss: () => void;
  /** Sentence under the reveal title, e.g. which key was created or replaced. */
  revealDescription: ReactNode;
  trigger?: ReactNode;
  contentClassName?: string;
  /** The form phase: a DialogHeader with a DialogTitle, then the form. */
  children: ReactNode;
};

type CopyResult = "idle" | "copied" | "failed";

/**
 * A dialog with two phases: the caller's form (create, roll), then the one-time reveal of the
 * new secret. Closing the reveal by any route (Done, Escape, overlay, X) before the key was
 * copied asks for confirmation first, because the secret cannot be shown again.
 */
export function KeyRevealDialog({
  open,
  onOpenChange,
  revealed,
  onDismiss,
  revealDescription,
  trigger,
  contentClassName,
  children,
}: KeyRevealDialogProps) {
  const [copyResult, setCopyResult] = useState<CopyResult>("idle");
  const [confirming, setConfirming] = useState(false);
  const triggerRef = useRef<HTMLButtonElement>(null);

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
      {trigger ? (
        <DialogTrigger asChild ref={triggerRef}>
          {trigger}
        </DialogTrigger>
      ) : null}
      <DialogContent
        className={cn(revealed ? "max-w-xl" : contentClassName)}
        onCloseAutoFocus={(event) => {
          // The trigger may be gone by now (a rolled key cannot be rolled again).
          if (triggerRef.current?.isConnected) return;
          event.preventDefault();
          document.getElementById("main")?.focus();
        }}
      >
        {revealed ? (
          <SecretReveal
            revealed={revealed}
            description={revealDescription}
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

type SecretRevealProps = {
  revealed: RevealedKey;
  description: ReactNode;
  copyResult: CopyResult;
  onCopyResult: (result: CopyResult) => void;
  confirming: boolean;
  onDone: () => void;
  onCancelClose: () => void;
  onConfirmClose: () => void;
};

function SecretReveal({
  revealed,
  description,
  copyResult,
  onCopyResult,
  confirming,
  onDone,
  onCancelClose,
  onConfirmClose,
}: SecretRevealProps) {
  const inputRef = useRef<HTMLTextAreaElement>(null);
  const doneRef = useRef<HTMLButtonElement>(null);

  function cancelClose() {
    onCancelClose();
    // "Go back" unmounts itself; put focus on Done, which takes its place.
    requestAnimationFrame(() => doneRef.current?.focus());
  }

  function selectSecret() {
    inputRef.current?.focus();
    inputRef.current?.select();
  }

  async function copy() {
    try {
      // Missing outside secure contexts (plain http on a non-localhost host).
      if (!navigator.clipboard) throw new Error("Clipboard API unavailable");
      await navigator.clipboard.writeText(revealed.secret);
      onCopyResult("copied");
    } catch {
      selectSecret();
      onCopyResult("failed");
    }
  }

  return (
    <>
      <DialogHeader>
        <DialogTitle>Copy your new API key</DialogTitle>
        <DialogDescription>{description}</DialogDescription>
      </DialogHeader>

      <div className="flex gap-3 rounded-md border border-warning/40 bg-warning/10 px-3 py-2.5 text-sm text-foreground">
        <TriangleAlert className="mt-0.5 size-4 shrink-0 text-warning" aria-hidden="true" />
        <p>
          <strong className="font-semibold">This key will not be shown again.</strong> Store it in a secret manager
          now.
        </p>
      </div>

      <div className="grid gap-2">
        <Label htmlFor="revealed-secret">New API key</Label>
        <div className="flex flex-col gap-2 sm:flex-row sm:items-start">
          {/* A textarea rather than an input, so the whole key wraps into view even on a phone. */}
          <Textarea
            ref={inputRef}
            id="revealed-secret"
            aria-label="New API key"
            aria-describedby="revealed-secret-status"
            readOnly
            autoFocus
            rows={2}
            value={revealed.secret}
            onFocus={(event) => event.currentTarget.select()}
            // Copying by hand (Ctrl/Cmd+C) counts as copied too.
            onCopy={() => onCopyResult("copied")}
            autoComplete="off"
            spellCheck={false}
            className="field-sizing-content min-h-0 resize-none font-mono text-[13px] leading-5 break-all"
          />
          <Button variant={copyResult === "copied" ? "secondary" : "default"} onClick={copy} className="sm:w-24">
            {copyResult === "copied" ? <Check aria-hidden="true" /> : <Copy aria-hidden="true" />}
            {copyResult === "copied" ? "Copied" : "Copy"}
          </Button>
        </div>
        <p
          id="revealed-secret-status"
          aria-live="polite"
          className={cn(
            "text-[13px]",
            copyResult === "failed" ? "font-medium text-destructive" : "text-muted-foreground",
          )}
        >
          {copyResult === "copied"
            ? "Copied to the clipboard."
            : copyResult === "failed"
              ? "Your browser did not allow copying. The key is selected: press Ctrl+C (⌘C on a Mac) to copy it."
              : null}
        </p>
        <p className="text-[13px] text-muted-foreground">
          Sid <code className="font-mono">{revealed.publicId}</code> · shown in lists as{" "}
          <code className="font-mono">{revealed.maskedKey}</code>
        </p>
      </div>

      {confirming ? (
        <div role="alert" className="grid gap-3 rounded-md border border-destructive/30 bg-destructive/10 p-3">
          <p className="text-sm font-medium">You have not copied the key. Close anyway?</p>
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
