"use client";

import { Archive } from "lucide-react";

import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { toast } from "@/components/ui/toaster";
import { archiveProjectAction } from "@/lib/actions/projects";

export type ArchiveProjectButtonProps = {
  projectId: string;
  name: string;
  /** Keys that verify right now and would stop. */
  workingKeys: number;
  /** An icon-only button (table rows); its name and tooltip still say what it archives. */
  compact?: boolean;
};

/**
 * A row's "Archive" button and its confirmation. Archiving cannot be undone from the dashboard,
 * so it always goes through an AlertDialog whose initial focus is on Cancel.
 */
export function ArchiveProjectButton({ projectId, name, workingKeys, compact = false }: ArchiveProjectButtonProps) {
  return (
    <ConfirmButton
      trigger={
        <Button
          variant="ghost"
          size={compact ? "icon-sm" : "sm"}
          aria-label={`Archive ${name}`}
          title={compact ? "Archive" : undefined}
          className="text-muted-foreground hover:text-destructive"
        >
          <Archive aria-hidden="true" />
          {compact ? null : "Archive"}
        </Button>
      }
      title={`Archive ${name}?`}
      description={`Its ${workingKeys === 1 ? "1 active key stops" : `${workingKeys} active keys stop`} working immediately. This cannot be undone from the dashboard.`}
      fields={{ projectId }}
      action={archiveProjectAction}
      confirmLabel="Archive project"
      confirmIcon={<Archive aria-hidden="true" />}
      confirmVariant="destructive"
      // Once archived, the row loses this button, so focus cannot return to it.
      removesTrigger
      onDone={(result) => toast.success(result.message ?? `Archived "${name}".`)}
    />
  );
}
