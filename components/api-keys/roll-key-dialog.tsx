"use client";

import { RefreshCw } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";

import { KeyRevealDialog } from "@/components/api-keys/key-reveal-dialog";
import { useReauthAction } from "@/components/auth/confirm-password-dialog";
import { Button } from "@/components/ui/button";
import { ConfirmForm } from "@/components/ui/confirm-dialog";
import { toast } from "@/components/ui/toaster";
import { rollApiKeyAction, type RevealedKey } from "@/lib/actions/api-keys";
import type { FormState } from "@/lib/actions/form-state";
import type { GracePeriod } from "@/lib/validations/api-key";

const GRACE_CHOICES: { value: GracePeriod; label: string; hint: string }[] = [
  { value: "now", label: "Immediately", hint: "The old key stops working now." },
  { value: "1h", label: "1 hour", hint: "Enough to redeploy one app." },
  { value: "24h", label: "24 hours", hint: "Time to update every app." },
  { value: "7d", label: "7 days", hint: "For partners who deploy slowly." },
];

type KeyIdentity = {
  /** The key's Sid (publicId). */
  keyId: string;
  name: string;
};

export type RollKeyDialogProps = KeyIdentity & {
  /**
   * Whether the key can be rolled now (active, not rolled yet). Render this component for
   * every user with `keys.roll` and pass availability here instead of not rendering it: the
   * roll itself makes the key unavailable, and the reveal must survive that re-render.
   */
  available: boolean;
  /** Opens at once: the expiry reminder's "Roll the key" link lands on the key page with ?roll=1. */
  initiallyOpen?: boolean;
};

/**
 * "Roll key": creates a replacement with the same settings, shows its secret once, and lets
 * the old key live on for a grace period so apps can switch without an outage.
 */
export function RollKeyDialog({ keyId, name, available, initiallyOpen = false }: RollKeyDialogProps) {
  const router = useRouter();
  const [open, setOpen] = useState(initiallyOpen && available);
  const [revealed, setRevealed] = useState<{ key: RevealedKey; message: string | undefined } | null>(null);
  const [formKey, setFormKey] = useState(0);

  function onDismiss() {
    const message = revealed?.message;
    setRevealed(null);
    setOpen(false);
    setFormKey((key) => key + 1);
    toast.success(message ?? "API key rolled");
    router.refresh();
  }

  if (!available && !open && revealed === null) return null;

  return (
    <KeyRevealDialog
      open={open}
      onOpenChange={setOpen}
      revealed={revealed?.key ?? null}
      onDismiss={onDismiss}
      revealDescription={`This replaces “${name}”. Update your apps with the new key before the old one stops working.`}
      trigger={
        available ? (
          <Button variant="outline">
            <RefreshCw aria-hidden="true" />
            Roll key
          </Button>
        ) : null
      }
    >
      <RollKeyForm
        key={formKey}
        keyId={keyId}
        name={name}
        onRolled={(key, message) => setRevealed({ key, message })}
      />
    </KeyRevealDialog>
  );
}

type RollKeyFormProps = KeyIdentity & {
  onRolled: (key: RevealedKey, message: string | undefined) => void;
};

function RollKeyForm({ keyId, name, onRolled }: RollKeyFormProps) {
  const [grace, setGrace] = useState<GracePeriod>("24h");

  // Rolling a management key needs a recent sign-in or the password again (lib/auth/recent-auth.ts).
  const { action: guardedAction, dialog: reauthDialog } = useReauthAction(rollApiKeyAction, (retried) => {
    if (retried.created) onRolled(retried.created, retried.message);
    else toast.error(retried.error ?? "The key was not rolled.");
  });

  async function roll(previous: FormState, form: FormData): Promise<FormState> {
    const result = await guardedAction(previous, form);
    if (!result.created) return result;
    // The secret goes to the reveal only; the form's state never holds it.
    onRolled(result.created, result.message);
    return { ok: true };
  }

  return (
    <>
    <ConfirmForm
      kind="dialog"
      title={<>Roll “{name}”?</>}
      description="Keydesk creates a replacement key with the same name, description, project and constraints, and shows it once. The old key keeps working for the grace period you choose, so you can switch your apps over first."
      fields={{ keyId }}
      action={roll}
      confirmLabel="Roll key"
      pendingLabel="Rolling…"
      className="gap-5"
    >
      {(state) => {
        const graceError = state.fieldErrors?.grace?.join(" ");
        return (
          <fieldset className="grid gap-2" aria-describedby={graceError ? "grace-error" : undefined}>
            <legend className="mb-2 text-sm font-medium">The old key keeps working</legend>
            {GRACE_CHOICES.map((choice) => (
              <label
                key={choice.value}
                htmlFor={`grace-${choice.value}`}
                className="flex cursor-pointer items-start gap-2.5 rounded-md border border-border px-3 py-2 text-sm transition-colors hover:bg-accent has-[:checked]:border-primary has-[:checked]:bg-primary/5 has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-ring"
              >
                <input
                  id={`grace-${choice.value}`}
                  type="radio"
                  name="grace"
                  value={choice.value}
                  checked={grace === choice.value}
                  onChange={() => setGrace(choice.value)}
                  className="mt-0.5 size-4 shrink-0 accent-primary focus-visible:outline-none"
                />
                <span className="grid gap-0.5">
                  <span className="font-medium">{choice.label}</span>
                  <span className="text-xs text-muted-foreground">{choice.hint}</span>
                </span>
              </label>
            ))}
            {graceError ? (
              <p id="grace-error" role="alert" className="text-[13px] font-medium text-destructive">
                {graceError}
              </p>
            ) : null}
          </fieldset>
        );
      }}
    </ConfirmForm>
    {reauthDialog}
    </>
  );
}
