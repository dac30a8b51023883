"use client";

import { Check, Copy } from "lucide-react";
import { useState } from "react";

import { Button } from "@/components/ui/button";
import { toast } from "@/components/ui/toaster";

export type CopyButtonProps = {
  /** Text to copy. */
  value: string;
  /** Accessible name, e.g. "Copy Sid". */
  label: string;
  /**
   * The value holds a secret (the reveal's "how to verify" command): if copying fails, the toast
   * asks the user to select it by hand instead of repeating it.
   */
  secret?: boolean;
  className?: string;
};

/** Icon button that copies a value (a Sid, a prefix, a command) and confirms with a check mark. */
export function CopyButton({ value, label, secret = false, className }: CopyButtonProps) {
  const [copied, setCopied] = useState(false);

  async function copy() {
    try {
      if (!navigator.clipboard) throw new Error("Clipboard API unavailable");
      await navigator.clipboard.writeText(value);
      setCopied(true);
      setTimeout(() => setCopied(false), 2000);
    } catch {
      toast.error(secret ? "Could not copy. Select the text and press Ctrl+C (⌘C on a Mac)." : `Could not copy. Select ${value} and press Ctrl+C (⌘C on a Mac).`);
    }
  }

  return (
    <Button variant="ghost" size="icon-sm" aria-label={label} onClick={copy} className={className}>
      {copied ? <Check aria-hidden="true" className="text-success" /> : <Copy aria-hidden="true" />}
      <span aria-live="polite" className="sr-only">
        {copied ? "Copied" : ""}
      </span>
    </Button>
  );
}
