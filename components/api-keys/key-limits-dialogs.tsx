"use client";

import { Coins, SlidersHorizontal } from "lucide-react";
import { startTransition, useActionState, useId, useState, type FormEvent } from "react";

import { LimitsEditor } from "@/components/limits/limits-editor";
import { Button } from "@/components/ui/button";
import { Dialog, DialogClose, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { FormAlert } from "@/components/ui/form-alert";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { SubmitButton } from "@/components/ui/submit-button";
import { toast } from "@/components/ui/toaster";
import type { FormState } from "@/lib/actions/form-state";
import { addCreditsAction, updateKeyLimitsAction } from "@/lib/actions/key-limits";
import type { KeyLimitsView } from "@/lib/queries/key-limits";

type DialogProps = {
  /** The key's Sid. */
  keyId: string;
  name: string;
  onSaved: () => void;
};

/** Submits without React's reset after the action, which would desync controlled fields. */
function submitWith(action: (data: FormData) => void) {
  return (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    startTransition(() => action(data));
  };
}

/** Only what the form reports as its own, not a field's message repeated. */
function formOnly(state: FormState): string | null {
  const fieldMessages = Object.values(state.fieldErrors ?? {}).flat();
  return state.error && !fieldMessages.includes(state.error) ? state.error : null;
}

/** "Edit limits": the key's rate limits and credits in the shared editor. */
export function EditLimitsDialog({ keyId, name, view, onSaved }: DialogProps & { view: KeyLimitsView }) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button variant="outline" size="sm">
          <SlidersHorizontal aria-hidden="true" />
          Edit limits
        </Button>
      </DialogTrigger>
      <DialogContent className="max-w-2xl">
        <DialogHeader>
          <DialogTitle>Usage limits of {name}</DialogTitle>
          <DialogDescription>
            Every Keydesk instance applies changes within a second. Setting the credits sets the balance; to add to it, use Add credits.
          </DialogDescription>
        </DialogHeader>
        {/* Inside the content, so every opening starts from the current limits and no stale error. */}
        <EditLimitsForm
          keyId={keyId}
          view={view}
          onSaved={() => {
            setOpen(false);
            onSaved();
          }}
        />
      </DialogContent>
    </Dialog>
  );
}

function EditLimitsForm({ keyId, view, onSaved }: { keyId: string; view: KeyLimitsView; onSaved: () => void }) {
  const [state, action, pending] = useActionState<FormState, FormData>(async (previous, form) => {
    const result = await updateKeyLimitsAction(previous, form);
    if (result.ok) {
      toast.success(result.message ?? "Saved.");
      onSaved();
    }
    return result;
  }, {});
  const errors = state.fieldErrors ?? {};
  return (
    <form onSubmit={submitWith(action)} className="grid gap-5" noValidate>
      <input type="hidden" name="keyId" value={keyId} />
      <LimitsEditor
        initialRatelimits={view.ratelimits.map(({ name, limit, durationMs }) => ({ name, limit, durationMs }))}
        initialCredits={view.credits && { remaining: view.credits.remaining, refill: view.credits.refill }}
        names={{ ratelimits: "ratelimits", credits: "credits" }}
        errors={{ ratelimits: errors.ratelimits, credits: errors.credits }}
        sendOnlyChanges
      />
      {formOnly(state) ? <FormAlert>{formOnly(state)}</FormAlert> : null}
      <DialogFooter>
        <DialogClose asChild>
          <Button variant="outline">Cancel</Button>
        </DialogClose>
        <SubmitButton pending={pending} pendingLabel="Saving…">
          Save limits
        </SubmitButton>
      </DialogFooter>
    </form>
  );
}

/** "Add credits": a top-up, added to what is left. */
export function AddCreditsDialog({ keyId, name, remaining, onSaved }: DialogProps & { remaining: number }) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button variant="outline" size="sm">
          <Coins aria-hidden="true" />
          Add credits
        </Button>
      </DialogTrigger>
      <DialogContent className="max-w-md">
        <DialogHeader>
          <DialogTitle>Add credits to {name}</DialogTitle>
          <DialogDescription>
            {remaining.toLocaleString("en")} left now. What you add is added to the balance, also after a refill that is due.
          </DialogDescription>
        </DialogHeader>
        <AddCreditsForm
          keyId={keyId}
          onSaved={() => {
            setOpen(false);
            onSaved();
          }}
        />
      </DialogContent>
    </Dialog>
  );
}

function AddCreditsForm({ keyId, onSaved }: { keyId: string; onSaved: () => void }) {
  const id = useId();
  const [state, action, pending] = useActionState<FormState, FormData>(async (previous, form) => {
    const result = await addCreditsAction(previous, form);
    if (result.ok) {
      toast.success(result.message ?? "Added.");
      onSaved();
    }
    return result;
  }, {});
  return (
    <form onSubmit={submitWith(action)} className="grid gap-5" noValidate>
      <input type="hidden" name="keyId" value={keyId} />
      <FormField label="Credits to add" name="amount" id={`${id}-amount`} error={state.fieldErrors?.amount} required>
        {(field) => <Input {...field} type="number" inputMode="numeric" min={1} step={1} defaultValue={state.values?.amount ?? ""} placeholder="e.g. 1000" autoFocus />}
      </FormField>
      {formOnly(state) ? <FormAlert>{formOnly(state)}</FormAlert> : null}
      <DialogFooter>
        <DialogClose asChild>
          <Button variant="outline">Cancel</Button>
        </DialogClose>
        <SubmitButton pending={pending} pendingLabel="Adding…">
          Add credits
        </SubmitButton>
      </DialogFooter>
    </form>
  );
}
