"use client";

import { Pencil, Plus, RefreshCw } from "lucide-react";
import { useRouter } from "next/navigation";
import { useState } from "react";

import { WebhookForm, type EditableEndpoint, type ProjectOption } from "@/components/admin/webhooks/webhook-form";
import { Button } from "@/components/ui/button";
import { ConfirmForm } from "@/components/ui/confirm-dialog";
import { Dialog, DialogContent, DialogDescription, DialogHeader, DialogTitle, DialogTrigger } from "@/components/ui/dialog";
import { Label } from "@/components/ui/label";
import { SecretRevealDialog, type SecretReveal } from "@/components/ui/secret-reveal-dialog";
import { Select } from "@/components/ui/select";
import { toast } from "@/components/ui/toaster";
import type { FormState } from "@/lib/actions/form-state";
import { createWebhookAction, rotateWebhookSecretAction, updateWebhookAction } from "@/lib/actions/webhooks";

function secretReveal(secret: string, rotated: boolean): SecretReveal {
  return {
    title: rotated ? "New signing secret" : "Endpoint added: its signing secret",
    description: rotated
      ? "Give this secret to the receiver. Deliveries carry a signature made with it (and, during the overlap, one with the old secret too)."
      : "Your receiver verifies each delivery's webhook-signature header with this secret, e.g. with the standardwebhooks library.",
    what: "signing secret",
    advice: "Store it with the receiver's configuration now.",
    label: "Signing secret",
    value: secret,
    fieldId: "webhook-signing-secret",
    closeHint: "You can rotate it later to get a new one.",
  };
}

/** "Add endpoint": the form, then the one-time reveal of the new endpoint's signing secret. */
export function AddWebhookDialog({ projects }: { projects: ProjectOption[] }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);
  const [formKey, setFormKey] = useState(0);

  async function create(previous: FormState, form: FormData): Promise<FormState> {
    const result = await createWebhookAction(previous, form);
    if (!result.secret) return result;
    // The secret goes to the reveal only; the form's state never holds it.
    setSecret(result.secret);
    return { ok: true };
  }

  return (
    <SecretRevealDialog
      open={open}
      onOpenChange={setOpen}
      reveal={secret ? secretReveal(secret, false) : null}
      onDismiss={() => {
        setSecret(null);
        setOpen(false);
        setFormKey((key) => key + 1);
        toast.success("Webhook endpoint added.");
        router.refresh();
      }}
      contentClassName="max-w-2xl"
      trigger={
        <Button>
          <Plus aria-hidden="true" />
          Add endpoint
        </Button>
      }
    >
      <DialogHeader>
        <DialogTitle>Add webhook endpoint</DialogTitle>
        <DialogDescription>Keydesk sends the events you choose to this URL, signed as Standard Webhooks, and retries for 24 hours.</DialogDescription>
      </DialogHeader>
      <WebhookForm key={formKey} projects={projects} action={create} submitLabel="Add endpoint" pendingLabel="Adding…" onSaved={() => undefined} />
    </SecretRevealDialog>
  );
}

export function EditWebhookDialog({ projects, endpoint }: { projects: ProjectOption[]; endpoint: EditableEndpoint }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  return (
    <Dialog open={open} onOpenChange={setOpen}>
      <DialogTrigger asChild>
        <Button variant="outline" size="sm">
          <Pencil aria-hidden="true" />
          Edit
        </Button>
      </DialogTrigger>
      <DialogContent className="max-w-2xl">
        <DialogHeader>
          <DialogTitle>Edit endpoint</DialogTitle>
          <DialogDescription>Changes apply to events raised from now on.</DialogDescription>
        </DialogHeader>
        <WebhookForm
          projects={projects}
          endpoint={endpoint}
          action={updateWebhookAction}
          submitLabel="Save"
          pendingLabel="Saving…"
          onSaved={(result) => {
            setOpen(false);
            toast.success(result.message ?? "Saved.");
            router.refresh();
          }}
        />
      </DialogContent>
    </Dialog>
  );
}

const OVERLAPS = [
  { value: "24h", label: "24 hours (recommended)" },
  { value: "1h", label: "1 hour" },
  { value: "7d", label: "7 days" },
  { value: "none", label: "No overlap: the old secret stops at once" },
];

/** Rotate the signing secret: choose the overlap, confirm, see the new secret once. */
export function RotateSecretDialog({ endpointId }: { endpointId: string }) {
  const router = useRouter();
  const [open, setOpen] = useState(false);
  const [secret, setSecret] = useState<string | null>(null);

  async function rotate(previous: FormState, form: FormData): Promise<FormState> {
    const result = await rotateWebhookSecretAction(previous, form);
    if (!result.secret) return result;
    setSecret(result.secret);
    return { ok: true };
  }

  return (
    <SecretRevealDialog
      open={open}
      onOpenChange={setOpen}
      reveal={secret ? secretReveal(secret, true) : null}
      onDismiss={() => {
        setSecret(null);
        setOpen(false);
        toast.success("Signing secret rotated.");
        router.refresh();
      }}
      trigger={
        <Button variant="outline" size="sm">
          <RefreshCw aria-hidden="true" />
          Rotate secret
        </Button>
      }
    >
      <ConfirmForm
        kind="dialog"
        title="Rotate the signing secret?"
        description="Keydesk makes a new secret. During the overlap every delivery carries two signatures, one per secret, so the receiver can switch without missing a message."
        fields={{ endpointId }}
        action={rotate}
        confirmLabel="Rotate secret"
        pendingLabel="Rotating…"
      >
        <div className="grid gap-2">
          <Label htmlFor="rotate-overlap">The old secret keeps signing for</Label>
          <Select id="rotate-overlap" name="overlap" defaultValue="24h">
            {OVERLAPS.map((overlap) => (
              <option key={overlap.value} value={overlap.value}>
                {overlap.label}
              </option>
            ))}
          </Select>
        </div>
      </ConfirmForm>
    </SecretRevealDialog>
  );
}
