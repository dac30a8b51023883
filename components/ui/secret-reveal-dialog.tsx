"use client";

import { Check, Copy, TriangleAlert } from "lucide-react";
import { useRef, useState, type FocusEvent, type ReactNode } from "react";

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
import { Textarea } from "@/components/ui/textarea";
import { Tooltip, TooltipContent, TooltipTrigger } from "@/components/ui/tooltip";
import { cn } from "@/lib/utils";

/** What the reveal phase shows: one secret and the words around it. */
export type SecretReveal = {
  title: ReactNode;
  description: ReactNode;
  /** The secret's name in sentences, e.g. "key" in "This key will not be shown again." */
  what: string;
  /** The rest of the warning, e.g. "Store it in a secret manager now." */
  advice: ReactNode;
  /** The field's visible label (and so its accessible name). */
  label: string;
  value: string;
  /** Id of the field; its status line gets `${fieldId}-status`. */
  fieldId: string;
  /** A wrapping textarea, so a long secret is in view whole even on a phone; else an input. */
  multiline?: boolean;
  /** A line under the field, e.g. the new key's Sid. */
  details?: ReactNode;
  /** Said after "You have not copied the … Close anyway?", e.g. what closing costs. */
  closeHint?: ReactNode;
};

export type SecretRevealDialogProps = {
  /** Whether the form phase is open (the reveal phase keeps the dialog open by itself). */
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** The secret to show once. While set, the dialog shows it instead of `children`. */
  reveal: SecretReveal | null;
  /**
   * Called when the user has closed the reveal (after confirming if they never copied).
   * The caller must drop the secret from its state here: nothing else keeps it.
   */
  onDismiss: () => void;
  trigger?: ReactNode;
  /** A tooltip for an icon-only trigger (which still needs its own aria-label). */
  triggerTooltip?: string;
  /** Classes of the form phase's panel, e.g. a wider `max-w-2xl`. */
  contentClassName?: string;
  /** The form phase: a DialogHeader with a DialogTitle, then the form. */
  children?: ReactNode;
};

type CopyResult = "idle" | "copied" | "failed";

/**
 * A dialog with two phases: the caller's form (create a key or a user, roll, re-invite), then
 * the one-time reveal of the secret it produced, with Copy. Closing the reveal by any route
 * (Done, Escape, overlay, X) before the secret was copied asks first, because it cannot be
 * shown again.
 */
export function SecretRevealDialog({
  open,
  onOpenChange,
  reveal,
  onDismiss,
  trigger,
  triggerTooltip,
  contentClassName,
  children,
}: SecretRevealDialogProps) {
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
    if (reveal) {
      if (!next) requestClose();
      return;
    }
    onOpenChange(next);
  }

  const dialogTrigger = trigger ? (
    <DialogTrigger asChild ref={triggerRef}>
      {trigger}
    </DialogTrigger>
  ) : null;

  return (
    <Dialog open={open || reveal !== null} onOpenChange={handleOpenChange}>
      {dialogTrigger && triggerTooltip ? (
        <Tooltip>
          <TooltipTrigger asChild>{dialogTrigger}</TooltipTrigger>
          <TooltipContent>{triggerTooltip}</TooltipContent>
        </Tooltip>
      ) : (
        dialogTrigger
      )}
      <DialogContent
        className={cn(reveal ? "max-w-xl" : contentClassName)}
        onCloseAutoFocus={(event) => {
          // The trigger may be gone by now (a rolled key cannot be rolled again).
          if (!trigger || triggerRef.current?.isConnected) return;
          event.preventDefault();
          document.getElementById("main")?.focus();
        }}
      >
        {reveal ? (
          <Reveal
            reveal={reveal}
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

type RevealProps = {
  reveal: SecretReveal;
  copyResult: CopyResult;
  onCopyResult: (result: CopyResult) => void;
  confirming: boolean;
  onDone: () => void;
  onCancelClose: () => void;
  onConfirmClose: () => void;
};

function Reveal({ reveal, copyResult, onCopyResult, confirming, onDone, onCancelClose, onConfirmClose }: RevealProps) {
  const fieldRef = useRef<HTMLInputElement & HTMLTextAreaElement>(null);
  const doneRef = useRef<HTMLButtonElement>(null);
  const { what, value, fieldId, multiline = false } = reveal;
  const statusId = `${fieldId}-status`;

  function cancelClose() {
    onCancelClose();
    // "Go back" unmounts itself; put focus on Done, which takes its place.
    requestAnimationFrame(() => doneRef.current?.focus());
  }

  function selectValue() {
    fieldRef.current?.focus();
    fieldRef.current?.select();
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

  // The same field either way; only the element and its layout differ.
  const fieldProps = {
    ref: fieldRef,
    id: fieldId,
    "aria-describedby": statusId,
    readOnly: true,
    autoFocus: true,
    value,
    onFocus: (event: FocusEvent<HTMLInputElement | HTMLTextAreaElement>) => event.currentTarget.select(),
    // Copying by hand (Ctrl/Cmd+C) counts as copied too.
    onCopy: () => onCopyResult("copied"),
    autoComplete: "off",
    spellCheck: false,
  };

  return (
    <>
      <DialogHeader>
        <DialogTitle>{reveal.title}</DialogTitle>
        <DialogDescription>{reveal.description}</DialogDescription>
      </DialogHeader>

      <div className="flex gap-3 rounded-md border border-warning/40 bg-warning/10 px-3 py-2.5 text-sm text-foreground">
        <TriangleAlert className="mt-0.5 size-4 shrink-0 text-warning" aria-hidden="true" />
        <p>
          <strong className="font-semibold">This {what} will not be shown again.</strong> {reveal.advice}
        </p>
      </div>

      <div className="grid gap-2">
        <Label htmlFor={fieldId}>{reveal.label}</Label>
        {/* A long secret gets the dialog's full width, so it stays on one line wherever it fits
            (it only wraps on a phone); Copy goes below it there. */}
        <div className={multiline ? "flex flex-col items-start gap-2" : "flex gap-2"}>
          {multiline ? (
            <Textarea
              {...fieldProps}
              rows={1}
              className="field-sizing-content min-h-0 resize-none font-mono text-[13px] leading-5 break-all"
            />
          ) : (
            <Input {...fieldProps} className="font-mono text-[13px]" />
          )}
          <Button
            variant={copyResult === "copied" ? "secondary" : "default"}
            onClick={copy}
            className="w-24"
          >
            {copyResult === "copied" ? <Check aria-hidden="true" /> : <Copy aria-hidden="true" />}
            {copyResult === "copied" ? "Copied" : "Copy"}
          </Button>
        </div>
        <p
          id={statusId}
          aria-live="polite"
          className={cn(
            "text-[13px]",
            // A single-line field keeps the status line's room, so the dialog does not grow when it appears.
            !multiline && "min-h-5",
            copyResult === "failed" ? "font-medium text-destructive" : "text-muted-foreground",
          )}
        >
          {copyResult === "copied"
            ? "Copied to the clipboard."
            : copyResult === "failed"
              ? `Your browser did not allow copying. The ${what} is selected: press Ctrl+C (⌘C on a Mac) to copy it.`
              : null}
        </p>
        {reveal.details}
      </div>

      {confirming ? (
        <div role="alert" className="grid gap-3 rounded-md border border-destructive/30 bg-destructive/10 p-3">
          <p className="text-sm font-medium">
            You have not copied the {what}. Close anyway?
            {reveal.closeHint ? (
              <>
                {" "}
                <span className="font-normal text-muted-foreground">{reveal.closeHint}</span>
              </>
            ) : null}
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
          {/* One primary action at a time: Copy until the secret is copied, then Done. */}
          <Button ref={doneRef} variant={copyResult === "copied" ? "default" : "outline"} onClick={onDone}>
            Done
          </Button>
        </DialogFooter>
      )}
    </>
  );
}
