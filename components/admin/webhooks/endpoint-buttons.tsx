"use client";

import { Power, PowerOff, RotateCw, Send, Trash2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { startTransition, useActionState } from "react";

import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { Spinner } from "@/components/ui/spinner";
import { toast } from "@/components/ui/toaster";
import type { FormState } from "@/lib/actions/form-state";
import { deleteWebhookAction, redeliverAction, sendTestEventAction, setWebhookEnabledAction } from "@/lib/actions/webhooks";

type ActionButtonProps = {
  fields: Record<string, string>;
  action: (previous: FormState, form: FormData) => Promise<FormState>;
  label: string;
  pendingLabel: string;
  icon: React.ReactNode;
  variant?: "outline" | "ghost";
  /** An accessible name when the visible label is not enough (rows of a table). */
  ariaLabel?: string;
};

/** A one-click action (no confirmation: it is harmless or easily undone) with a toast. */
function ActionButton({ fields, action, label, pendingLabel, icon, variant = "outline", ariaLabel }: ActionButtonProps) {
  const router = useRouter();
  const [, run, pending] = useActionState(async (previous: FormState, form: FormData) => {
    const result = await action(previous, form);
    if (result.ok) {
      toast.success(result.message ?? "Done.");
      router.refresh();
    } else {
      toast.error(result.error ?? "That did not work.");
    }
    return result;
  }, {});
  return (
    <form
      onSubmit={(event) => {
        event.preventDefault();
        const data = new FormData(event.currentTarget);
        startTransition(() => run(data));
      }}
    >
      {Object.entries(fields).map(([name, value]) => (
        <input key={name} type="hidden" name={name} value={value} />
      ))}
      <Button type="submit" variant={variant} size="sm" disabled={pending} aria-label={ariaLabel}>
        {pending ? <Spinner label={null} /> : icon}
        {pending ? pendingLabel : label}
      </Button>
    </form>
  );
}

export function SendTestEventButton({ endpointId, disabled }: { endpointId: string; disabled: boolean }) {
  if (disabled) {
    return (
      <Button variant="outline" size="sm" disabled title="Enable the endpoint to send a test event">
        <Send aria-hidden="true" />
        Send test event
      </Button>
    );
  }
  return <ActionButton fields={{ endpointId }} action={sendTestEventAction} label="Send test event" pendingLabel="Sending…" icon={<Send aria-hidden="true" />} />;
}

export function ToggleEndpointButton({ endpointId, enabled }: { endpointId: string; enabled: boolean }) {
  return (
    <ActionButton
      fields={{ endpointId, enabled: enabled ? "false" : "true" }}
      action={setWebhookEnabledAction}
      label={enabled ? "Disable" : "Enable"}
      pendingLabel={enabled ? "Disabling…" : "Enabling…"}
      icon={enabled ? <PowerOff aria-hidden="true" /> : <Power aria-hidden="true" />}
    />
  );
}

export function RedeliverButton({ endpointId, deliveryId, eventType }: { endpointId: string; deliveryId: string; eventType: string }) {
  return (
    <ActionButton
      fields={{ endpointId, deliveryId }}
      action={redeliverAction}
      label="Redeliver"
      pendingLabel="Queuing…"
      icon={<RotateCw aria-hidden="true" />}
      variant="ghost"
      ariaLabel={`Redeliver ${eventType}`}
    />
  );
}

export function DeleteEndpointButton({ endpointId, url }: { endpointId: string; url: string }) {
  const router = useRouter();
  return (
    <ConfirmButton
      trigger={
        <Button variant="outline" size="sm" className="text-destructive">
          <Trash2 aria-hidden="true" />
          Delete
        </Button>
      }
      title="Delete this endpoint?"
      description={`Nothing more is sent to ${url}, and its delivery log is deleted with it. This cannot be undone.`}
      fields={{ endpointId }}
      action={deleteWebhookAction}
      confirmLabel="Delete endpoint"
      pendingLabel="Deleting…"
      confirmVariant="destructive"
      removesTrigger
      onDone={(result) => {
        toast.success(result.message ?? "Deleted.");
        router.push("/admin/webhooks");
      }}
    />
  );
}
