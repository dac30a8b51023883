"use client";

import { Plus } from "lucide-react";
import { useRouter } from "next/navigation";
import { createContext, useContext, useState, type ReactNode } from "react";

import type { CreateKeyConfig } from "@/components/api-keys/create-key-config";
import { CreateKeyForm } from "@/components/api-keys/create-key-form";
import { KeyRevealDialog } from "@/components/api-keys/key-reveal-dialog";
import { Button } from "@/components/ui/button";
import { toast } from "@/components/ui/toaster";
import type { RevealedKey } from "@/lib/actions/api-keys";

export type CreateKeyDialogProps = {
  /** Built on the server by `createKeyConfig(project, now)`. */
  config: CreateKeyConfig;
};

type CreateKeyControls = { open: boolean; setOpen: (open: boolean) => void };

const CreateKeyContext = createContext<CreateKeyControls | null>(null);

/**
 * Shares the open state of the page's one CreateKeyDialog with CreateKeyButtons elsewhere on
 * the page. There must be one dialog only: a dialog inside the empty state would unmount when
 * the new key's row replaces the empty state, taking the one-time secret with it.
 */
export function CreateKeyProvider({ children }: { children: ReactNode }) {
  const [open, setOpen] = useState(false);
  return <CreateKeyContext value={{ open, setOpen }}>{children}</CreateKeyContext>;
}

/** Another "Create API key" button (e.g. in an empty state) that opens the page's CreateKeyDialog. */
export function CreateKeyButton() {
  const controls = useContext(CreateKeyContext);
  if (!controls) return null;
  return (
    <Button onClick={() => controls.setOpen(true)}>
      <Plus aria-hidden="true" />
      Create API key
    </Button>
  );
}

/**
 * "+ Create API key": the create form in a dialog, then the one-time reveal of the new key.
 * Render it only for users with `keys.create` (the action checks again on the server), in a
 * place that stays mounted when the list changes, such as the page header.
 */
export function CreateKeyDialog({ config }: CreateKeyDialogProps) {
  const router = useRouter();
  const shared = useContext(CreateKeyContext);
  const [localOpen, setLocalOpen] = useState(false);
  const open = shared ? shared.open : localOpen;
  const setOpen = shared ? shared.setOpen : setLocalOpen;
  const [revealed, setRevealed] = useState<RevealedKey | null>(null);
  // A new key remounts the form, so nothing from the last key (values, server state) survives.
  const [formKey, setFormKey] = useState(0);
  // Something typed into the form: closing it (Escape, Cancel, the overlay, X) asks first.
  const [dirty, setDirty] = useState(false);
  const [confirmingDiscard, setConfirmingDiscard] = useState(false);

  function resetForm() {
    setFormKey((key) => key + 1);
    setDirty(false);
    setConfirmingDiscard(false);
  }

  function onOpenChange(next: boolean) {
    if (!next && dirty) setConfirmingDiscard(true);
    else setOpen(next);
  }

  function keepEditing() {
    setConfirmingDiscard(false);
    // The question unmounts with its buttons; focus goes back to the form's first field.
    requestAnimationFrame(() => document.getElementById("name")?.focus());
  }

  function discard() {
    setOpen(false);
    resetForm();
  }

  function onDismiss() {
    setRevealed(null);
    setOpen(false);
    resetForm();
    toast.success("API key created");
    router.refresh();
  }

  return (
    <KeyRevealDialog
      open={open}
      onOpenChange={onOpenChange}
      revealed={revealed}
      onDismiss={onDismiss}
      revealDescription={revealed ? `“${revealed.name}” is ready to use in ${config.project.name}.` : null}
      trigger={
        <Button>
          <Plus aria-hidden="true" />
          Create API key
        </Button>
      }
      contentClassName="max-w-2xl"
    >
      <CreateKeyForm
        key={formKey}
        config={config}
        onCreated={setRevealed}
        onEdit={() => setDirty(true)}
        discard={confirmingDiscard ? { onKeepEditing: keepEditing, onDiscard: discard } : null}
      />
    </KeyRevealDialog>
  );
}
