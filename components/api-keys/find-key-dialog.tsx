"use client";

import { ArrowRight, ScanSearch } from "lucide-react";
import Link from "next/link";
import { startTransition, useActionState, useState, type FormEvent } from "react";

import { KeyStatusBadge } from "@/components/api-keys/key-status-badge";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { FormAlert } from "@/components/ui/form-alert";
import { FormField } from "@/components/ui/form-field";
import { Input } from "@/components/ui/input";
import { SubmitButton } from "@/components/ui/submit-button";
import { findKeyBySecretAction, type FindKeyState } from "@/lib/actions/find-key";

/**
 * "Find by secret": paste a key found in a log, a ticket or a repository and see which key it is,
 * with a link to its page (where it can be revoked). The server hashes what was pasted and looks
 * the hash up; nothing pasted is stored, and the field is a password field, so it is not on screen.
 */
export function FindKeyDialog() {
  const [open, setOpen] = useState(false);
  // Each opening starts empty: no earlier secret or answer survives a close.
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
        <Button variant="outline">
          <ScanSearch aria-hidden="true" />
          Find by secret
        </Button>
      </DialogTrigger>
      <DialogContent>
        <FindKeyForm key={formKey} onNavigate={() => setOpen(false)} />
      </DialogContent>
    </Dialog>
  );
}

function FindKeyForm({ onNavigate }: { onNavigate: () => void }) {
  const [state, formAction, pending] = useActionState(
    (previous: FindKeyState, form: FormData) => findKeyBySecretAction(previous, form),
    {},
  );

  function submit(event: FormEvent<HTMLFormElement>) {
    // By hand, so React does not clear the field when the answer is "not found".
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    startTransition(() => formAction(data));
  }

  const found = state.found;
  return (
    <>
      <DialogHeader>
        <DialogTitle>Find a key by its secret</DialogTitle>
        <DialogDescription>
          Found a key in a log, a ticket or a repository? Paste it to see which key it is, then revoke it. Only its hash is looked up:
          nothing you paste is stored.
        </DialogDescription>
      </DialogHeader>
      <form onSubmit={submit} className="grid gap-4">
        <FormField label="Secret" name="secret" id="find-key-secret" error={state.fieldErrors?.secret} required>
          {(field) => (
            <Input
              {...field}
              type="password"
              autoComplete="off"
              spellCheck={false}
              autoFocus
              className="font-mono"
              // Password managers must not offer to save it.
              data-1p-ignore
              data-lpignore="true"
            />
          )}
        </FormField>
        {state.error && !pending ? <FormAlert>{state.error}</FormAlert> : null}
        <div aria-live="polite">
          {found && !pending ? (
            <div className="grid gap-2 rounded-md border border-border bg-muted/50 p-3 text-sm">
              <p>
                This is <strong className="font-semibold">{found.name}</strong> in {found.project.name}.
              </p>
              <p className="flex flex-wrap items-center gap-2 text-muted-foreground">
                <code className="font-mono text-xs">{found.maskedKey}</code>
                {found.revoked ? <KeyStatusBadge status="revoked" /> : null}
              </p>
              <Link
                href={`/settings/api-keys/${found.publicId}`}
                onClick={onNavigate}
                className="inline-flex items-center gap-1 font-medium text-primary underline underline-offset-4"
              >
                Open {found.name}
                <ArrowRight aria-hidden="true" className="size-4" />
              </Link>
            </div>
          ) : null}
        </div>
        <DialogFooter>
          <SubmitButton pending={pending} pendingLabel="Looking up…">
            Find key
          </SubmitButton>
        </DialogFooter>
      </form>
    </>
  );
}
