"use client";

import { Trash2 } from "lucide-react";
import { useRouter } from "next/navigation";

import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { toast } from "@/components/ui/toaster";
import { revokeApiKeysAction } from "@/lib/actions/api-keys";

export type BulkRevokeButtonProps = {
  keys: { publicId: string; name: string }[];
  /** After the keys were revoked: the caller clears its selection. */
  onRevoked: () => void;
};

/** "Revoke selected": one confirmation, one transaction for all the selected keys. */
export function BulkRevokeButton({ keys, onRevoked }: BulkRevokeButtonProps) {
  const router = useRouter();
  const count = keys.length;
  const noun = count === 1 ? "key" : "keys";
  const shown = keys.slice(0, 5);

  return (
    <ConfirmButton
      trigger={
        <Button variant="destructive" size="sm">
          <Trash2 aria-hidden="true" />
          Revoke {count} {noun}
        </Button>
      }
      title={`Revoke ${count} ${noun}?`}
      description={
        <>
          This cannot be undone. Every app using {count === 1 ? "this key" : "these keys"} loses access immediately.
          <span className="mt-2 block text-foreground">
            {shown.map((key) => `“${key.name}”`).join(", ")}
            {count > shown.length ? ` and ${count - shown.length} more` : ""}
          </span>
        </>
      }
      fields={{ keyIds: keys.map((key) => key.publicId).join(",") }}
      action={revokeApiKeysAction}
      confirmLabel={`Revoke ${count} ${noun}`}
      pendingLabel="Revoking…"
      confirmVariant="destructive"
      removesTrigger
      onDone={(result) => {
        onRevoked();
        toast.success(result.message ?? `Revoked ${count} ${noun}.`);
        router.refresh();
      }}
    />
  );
}
