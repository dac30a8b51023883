"use client";

import { CalendarClock } from "lucide-react";
import { useRouter } from "next/navigation";
import { startTransition, useActionState, useState, type FormEvent } from "react";

import type { CreateKeyConfig } from "@/components/api-keys/create-key-config";
import { ExpiryField } from "@/components/api-keys/expiry-field";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { FormAlert } from "@/components/ui/form-alert";
import { SubmitButton } from "@/components/ui/submit-button";
import { toast } from "@/components/ui/toaster";
import { changeKeyExpiryAction } from "@/lib/actions/key-expiry";
import type { FormState } from "@/lib/actions/form-state";
import type { ExpiryPreset } from "@/lib/validations/api-key";

export type ChangeExpiryDialogProps = {
  keyId: string;
  name: string;
  /** The key's project's expiry choices, measured from now (createKeyConfig on the server). */
  config: CreateKeyConfig;
};

/** "Change expiry" on a key's page: a new expiry, from now, within the project's policy. */
export function ChangeExpiryDialog({ keyId, name, config }: ChangeExpiryDialogProps) {
  const [open, setOpen] = useState(false);
  const [formKey, setFormKey] = useState(0);
  return (
    <Dialog
      open={open}
      onOpenChange={(next) => {
        setOpen(next);
        if (!next) setFormKey((key) => key + 1);
      }}
    >
      <DialogTrigger asChild>
        <Button variant="outline" size="sm">
          <CalendarClock aria-hidden="true" />
          Change expiry
        </Button>
      </DialogTrigger>
      <DialogContent className="max-w-xl">
        <ChangeExpiryForm key={formKey} keyId={keyId} name={name} config={config} onDone={() => setOpen(false)} />
      </DialogContent>
    </Dialog>
  );
}

function ChangeExpiryForm({ keyId, name, config, onDone }: ChangeExpiryDialogProps & { onDone: () => void }) {
  const router = useRouter();
  const [expiry, setExpiry] = useState<ExpiryPreset>(config.defaultExpiry);
  const [customDate, setCustomDate] = useState("");
  const [state, formAction, pending] = useActionState(async (previous: FormState, form: FormData) => {
    const result = await changeKeyExpiryAction(previous, form);
    if (result.ok) {
      toast.success(result.message ?? "Expiry changed.");
      onDone();
      router.refresh();
    }
    return result;
  }, {});

  function submit(event: FormEvent<HTMLFormElement>) {
    // By hand, so React keeps the choice on screen when the server refuses it.
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    startTransition(() => formAction(data));
  }

  return (
    <>
      <DialogHeader>
        <DialogTitle>Change the expiry of {name}</DialogTitle>
        <DialogDescription>
          The new expiry counts from now. Verification applies it at once, on every instance.
        </DialogDescription>
      </DialogHeader>
      <form onSubmit={submit} className="grid gap-5">
        <input type="hidden" name="keyId" value={keyId} />
        <ExpiryField
          config={config}
          value={expiry}
          onChange={setExpiry}
          customDate={customDate}
          onCustomDateChange={setCustomDate}
          errors={{ expiry: state.fieldErrors?.expiry, customDate: state.fieldErrors?.customDate }}
        />
        {state.error && !state.fieldErrors && !pending ? <FormAlert>{state.error}</FormAlert> : null}
        <DialogFooter>
          <DialogClose asChild>
            <Button variant="outline" disabled={pending}>
              Cancel
            </Button>
          </DialogClose>
          <SubmitButton pending={pending} pendingLabel="Saving…">
            Save expiry
          </SubmitButton>
        </DialogFooter>
      </form>
    </>
  );
}
