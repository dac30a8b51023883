"use client";

import type { ReactNode } from "react";

import { VerifySnippet } from "@/components/api-keys/verify-snippet";
import { SecretRevealDialog, type SecretRevealDialogProps } from "@/components/ui/secret-reveal-dialog";
import type { RevealedKey } from "@/lib/actions/api-keys";

export type KeyRevealDialogProps = Omit<SecretRevealDialogProps, "reveal"> & {
  /** The key to show once. While set, the dialog shows it instead of `children`. */
  revealed: RevealedKey | null;
  /** Sentence under the reveal title, e.g. which key was created or replaced. */
  revealDescription: ReactNode;
};

/**
 * A SecretRevealDialog for a new key (create, roll): the caller's form, then the one-time
 * reveal of the secret, which asks before closing if it was never copied.
 */
export function KeyRevealDialog({ revealed, revealDescription, ...props }: KeyRevealDialogProps) {
  return (
    <SecretRevealDialog
      reveal={
        revealed
          ? {
              title: "Copy your new API key",
              description: revealDescription,
              what: "key",
              advice: "Store it in a secret manager now.",
              label: "New API key",
              value: revealed.secret,
              fieldId: "revealed-secret",
              multiline: true,
              details: (
                <>
                  <p className="text-[13px] text-muted-foreground">
                    Sid <code className="font-mono">{revealed.publicId}</code> · shown in lists as{" "}
                    <code className="font-mono">{revealed.maskedKey}</code>
                  </p>
                  {/* The real secret, like the field above: this dialog is the one place it is shown. */}
                  <VerifySnippet projectSlug={revealed.projectSlug} secret={revealed.secret} collapsed />
                </>
              ),
            }
          : null
      }
      {...props}
    />
  );
}
