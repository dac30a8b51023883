"use client";

import { Power, PowerOff } from "lucide-react";
import { useRouter } from "next/navigation";

import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { toast } from "@/components/ui/toaster";
import { setApiKeyEnabledAction } from "@/lib/actions/api-keys";

export type KeyEnabledButtonProps = {
  /** The key's Sid (publicId). */
  keyId: string;
  name: string;
  /** Whether the key is enabled now: the button offers the opposite. */
  enabled: boolean;
  /** `icon`: a table row's action; `button`: a labelled button on the key's page. */
  variant?: "icon" | "button";
};

/**
 * Disable or enable a key, after a confirmation. Disabling is reversible, unlike revoking, but it
 * cuts off every app using the key at once, and enabling restores access: both deserve a second
 * look.
 */
export function KeyEnabledButton({ keyId, name, enabled, variant = "icon" }: KeyEnabledButtonProps) {
  const router = useRouter();
  const verb = enabled ? "Disable" : "Enable";
  const Icon = enabled ? PowerOff : Power;

  return (
    <ConfirmButton
      trigger={
        variant === "icon" ? (
          <Button variant="ghost" size="icon" aria-label={`${verb} ${name}`} className="text-muted-foreground hover:text-foreground">
            <Icon aria-hidden="true" />
          </Button>
        ) : (
          <Button variant="outline">
            <Icon aria-hidden="true" />
            {verb} key
          </Button>
        )
      }
      triggerTooltip={variant === "icon" ? `${verb} key` : undefined}
      title={
        <>
          {verb} “{name}”?
        </>
      }
      description={
        enabled
          ? "Apps using this key are refused at once (verification answers DISABLED) until you enable it again. Nothing else about the key changes."
          : "Apps using this key are accepted again at once, within its expiry and constraints."
      }
      fields={{ keyId, enabled: enabled ? "false" : "true" }}
      action={setApiKeyEnabledAction}
      confirmLabel={`${verb} key`}
      pendingLabel={enabled ? "Disabling…" : "Enabling…"}
      confirmVariant={enabled ? "destructive" : "default"}
      // The button turns into its opposite, so focus returns to a fresh trigger.
      removesTrigger
      onDone={(result) => {
        toast.success(result.message ?? `Key ${enabled ? "disabled" : "enabled"}.`);
        router.refresh();
      }}
    />
  );
}
