"use client";

import { Coins, SlidersHorizontal, type LucideIcon } from "lucide-react";
import { startTransition, useActionState, useId, useState, type FormEvent, type ReactNode } from "react";

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
import { formatCount } from "@/lib/format";

type DialogProps = {
  /** The key's Sid. */
  keyId: string;
  name: string;
  onSaved: () => void;
};

type LimitsDialogProps = {
  icon: LucideIcon;
  /** The trigger's text. */
  label: string;
  title: string;
  description: ReactNode;
  contentClassName: string;
  /** The form, rendered inside the content so every opening starts afresh (current values, no stale error). */
  children: (saved: () => void) => ReactNode;
  onSaved: () => void;
};

/** A small outline button that opens a dialog holding one of the key's limits forms. */
function LimitsDialog({ icon: Icon, label, title, description, contentClassName, children, onSaved }: LimitsDialogProps) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button variant="outline" size="sm">
          <Icon aria-hidden="true" />
          {label}
        </Button>
      </DialogTrigger>
      <DialogContent className={contentClassName}>
        <DialogHeader>
          <DialogTitle>{title}</DialogTitle>
          <DialogDescription>{description}</DialogDescription>
        </DialogHeader>
        {children(() => {
          setOpen(false);
          onSaved();
        })}
      </DialogContent>
    </Dialog>
  );
}

type LimitsAction = (previous: FormState, form: FormData) => Promise<FormState>;

/**
 * The form's action state: a success toasts and closes the dialog. `submit` posts without
 * React's reset after the action, which would desync controlled fields.
 */
function useLimitsForm(serverAction: LimitsAction, done: string, onSaved: () => void) {
  const [state, action, pending] = useActionState<FormState, FormData>(async (previous, form) => {
    const result = await serverAction(previous, form);
    if (result.ok) {
      toast.success(result.message ?? done);
      onSaved();
    }
    return result;
  }, {});
  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    startTransition(() => action(data));
  }
  return { state, pending, submit };
}

/** Only what the form reports as its own, not a field's message repeated. */
function formOnly(state: FormState): string | null {
  const fieldMessages = Object.values(state.fieldErrors ?? {}).flat();
  return state.error && !fieldMessages.includes(state.error) ? state.error : null;
}

/** The form's own error, Cancel and the submit button. */
function LimitsFormFooter({ state, pending, submitLabel, pendingLabel }: { state: FormState; pending: boolean; submitLabel: string; pendingLabel: string }) {
  const error = formOnly(state);
  return (
    <>
      {error ? <FormAlert>{error}</FormAlert> : null}
      <DialogFooter>
        <DialogClose asChild>
          <Button variant="outline">Cancel</Button>
        </DialogClose>
        <SubmitButton pending={pending} pendingLabel={pendingLabel}>
          {submitLabel}
        </SubmitButton>
      </DialogFooter>
    </>
  );
}

/** "Edit limits": the key's rate limits and credits in the shared editor. */
export function EditLimitsDialog({ keyId, name, view, onSaved }: DialogProps & { view: KeyLimitsView }) {
  return (
    <LimitsDialog
      icon={SlidersHorizontal}
      label="Edit limits"
      title={`Usage limits of ${name}`}
      description="Every Keydesk instance applies changes within a second. Setting the credits sets the balance; to add to it, use Add credits."
      contentClassName="max-w-2xl"
      onSaved={onSaved}
    >
      {(saved) => <EditLimitsForm keyId={keyId} view={view} onSaved={saved} />}
    </LimitsDialog>
  );
}

function EditLimitsForm({ keyId, view, onSaved }: { keyId: string; view: KeyLimitsView; onSaved: () => void }) {
  const { state, pending, submit } = useLimitsForm(updateKeyLimitsAction, "Saved.", onSaved);
  const errors = state.fieldErrors ?? {};
  return (
    <form onSubmit={submit} className="grid gap-5" noValidate>
      <input type="hidden" name="keyId" value={keyId} />
      <LimitsEditor
        initialRatelimits={view.ratelimits.map(({ name, limit, durationMs }) => ({ name, limit, durationMs }))}
        initialCredits={view.credits && { remaining: view.credits.remaining, refill: view.credits.refill }}
        names={{ ratelimits: "ratelimits", credits: "credits" }}
        errors={{ ratelimits: errors.ratelimits, credits: errors.credits }}
        sendOnlyChanges
      />
      <LimitsFormFooter state={state} pending={pending} submitLabel="Save limits" pendingLabel="Saving…" />
    </form>
  );
}

/** "Add credits": a top-up, added to what is left. */
export function AddCreditsDialog({ keyId, name, remaining, onSaved }: DialogProps & { remaining: number }) {
  return (
    <LimitsDialog
      icon={Coins}
      label="Add credits"
      title={`Add credits to ${name}`}
      description={`${formatCount(remaining)} left now. What you add is added to the balance, also after a refill that is due.`}
      contentClassName="max-w-md"
      onSaved={onSaved}
    >
      {(saved) => <AddCreditsForm keyId={keyId} onSaved={saved} />}
    </LimitsDialog>
  );
}

function AddCreditsForm({ keyId, onSaved }: { keyId: string; onSaved: () => void }) {
  const id = useId();
  const { state, pending, submit } = useLimitsForm(addCreditsAction, "Added.", onSaved);
  return (
    <form onSubmit={submit} className="grid gap-5" noValidate>
      <input type="hidden" name="keyId" value={keyId} />
      <FormField label="Credits to add" name="amount" id={`${id}-amount`} error={state.fieldErrors?.amount} required>
        {(field) => <Input {...field} type="number" inputMode="numeric" min={1} step={1} defaultValue={state.values?.amount ?? ""} placeholder="e.g. 1000" autoFocus />}
      </FormField>
      <LimitsFormFooter state={state} pending={pending} submitLabel="Add credits" pendingLabel="Adding…" />
    </form>
  );
}
