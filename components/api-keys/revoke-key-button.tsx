"use client";

import { Trash2 } from "lucide-react";
import { useRouter } from "next/navigation";

import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { toast } from "@/components/ui/toaster";
import { revokeApiKeyAction } from "@/lib/actions/api-keys";

export type RevokeKeyButtonProps = {
  /** The key's Sid (publicId). */
  keyId: string;
  name: string;
  /** `icon`: the trash button of a table row; `button`: a labelled "Revoke key" button. */
  variant?: "icon" | "button";
};

/**
 * The trash icon (or a "Revoke key" button) and its confirmation. Revoking is irreversible,
 * so it always goes through an AlertDialog whose initial focus is on Cancel.
 */
export function RevokeKeyButton({ keyId, name, variant = "icon" }: RevokeKeyButtonProps) {
  const router = useRouter();

  return (
    <ConfirmButton
      trigger={
        variant === "icon" ? (
          <Button
            variant="ghost"
            size="icon"
            aria-label={`Revoke ${name}`}
            className="text-muted-foreground hover:text-destructive"
          >
            <Trash2 aria-hidden="true" />
          </Button>
        ) : (
          <Button variant="destructive">
            <Trash2 aria-hidden="true" />
            Revoke key
          </Button>
        )
      }
      title={<>Revoke “{name}”?</>}
      description="This cannot be undone. Every app using this key loses access immediately."
      fields={{ keyId }}
      action={revokeApiKeyAction}
      confirmLabel="Revoke key"
      pendingLabel="Revoking…"
      confirmVariant="destructive"
      // Once the key is revoked this trigger disappears, so focus cannot return to it.
      removesTrigger
      onDone={(result) => {
        toast.success(result.message ?? "Key revoked.");
        router.refresh();
      }}
    />
  );
}
