"use client";

import { Button } from "@/components/ui/button";
import { DialogClose, DialogFooter } from "@/components/ui/dialog";
import { Spinner } from "@/components/ui/spinner";

/** The dialog's "discard what was typed?" question, shown in place of the buttons. */
export type DiscardPrompt = { onKeepEditing: () => void; onDiscard: () => void };

export type CreateKeyFooterProps = {
  pending: boolean;
  discard: DiscardPrompt | null;
};

/** Cancel and Create key, or, while closing a filled form, the question whether to discard it. */
export function CreateKeyFooter({ pending, discard }: CreateKeyFooterProps) {
  // Sticky, so "Create key" stays in reach however many constraints the form grows.
  return (
    <DialogFooter className="sticky -bottom-6 z-10 -mx-6 -mb-6 border-t border-border bg-popover px-6 py-4">
      {discard ? (
        <div role="alert" className="grid w-full gap-3 rounded-md border border-destructive/30 bg-destructive/10 p-3">
          <p className="text-sm font-medium">Discard this key? What you entered will be lost.</p>
          <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
            <Button variant="outline" onClick={discard.onKeepEditing} autoFocus>
              Keep editing
            </Button>
            <Button variant="destructive" onClick={discard.onDiscard}>
              Discard
            </Button>
          </div>
        </div>
      ) : null}
      <DialogClose asChild className={discard ? "hidden" : undefined}>
        <Button variant="outline" disabled={pending}>
          Cancel
        </Button>
      </DialogClose>
      <Button type="submit" disabled={pending} className={discard ? "hidden" : undefined}>
        {pending ? <Spinner label={null} /> : null}
        {pending ? "Creating…" : "Create key"}
      </Button>
    </DialogFooter>
  );
}
