"use client";

import { Trash2 } from "lucide-react";
import { useRouter } from "next/navigation";
import { useId } from "react";

import { Button } from "@/components/ui/button";
import { Checkbox } from "@/components/ui/checkbox";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { toast } from "@/components/ui/toaster";
import { revokeApiKeyAction } from "@/lib/actions/api-keys";

export type RevokeKeyButtonProps = {
  /** The key's Sid (publicId). */
  keyId: string;
  name: string;
  /** `icon`: the trash button of a table row; `button`: a labelled "Revoke key" button. */
  variant?: "icon" | "button";
  /** Still-active keys this key created (transitively): offered for revoking with it. */
  createdActiveCount?: number;
};

/**
 * The trash icon (or a "Revoke key" button) and its confirmation. Revoking is irreversible,
 * so it always goes through an AlertDialog whose initial focus is on Cancel. When the key
 * created keys that are still active (a management key), the dialog offers to revoke them too:
 * after a leak they are as suspect as the key itself.
 */
export function RevokeKeyButton({ keyId, name, variant = "icon", createdActiveCount = 0 }: RevokeKeyButtonProps) {
  const router = useRouter();
  const cascadeId = useId();
  const plural = createdActiveCount === 1 ? "key" : "keys";

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
      description={
        createdActiveCount > 0
          ? `This cannot be undone. Every app using this key loses access immediately. It created ${createdActiveCount} ${plural} that ${createdActiveCount === 1 ? "is" : "are"} still active.`
          : "This cannot be undone. Every app using this key loses access immediately."
      }
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
    >
      {createdActiveCount > 0 ? (
        <div className="flex items-start gap-2.5 rounded-md border border-border p-3">
          <Checkbox id={cascadeId} name="cascade" className="mt-0.5" aria-describedby={`${cascadeId}-hint`} />
          <div className="grid gap-1">
            <label htmlFor={cascadeId} className="text-sm font-medium leading-snug">
              Also revoke the {createdActiveCount} {plural} it created
            </label>
            <p id={`${cascadeId}-hint`} className="text-[13px] text-muted-foreground">
              Includes keys created by those keys. Do this if this key may have leaked.
            </p>
          </div>
        </div>
      ) : null}
    </ConfirmButton>
  );
}
