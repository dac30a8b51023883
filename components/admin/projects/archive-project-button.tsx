"use client";

import { Archive } from "lucide-react";
import { useActionState, useRef, useState } from "react";

import {
  AlertDialog,
  AlertDialogCancel,
  AlertDialogContent,
  AlertDialogDescription,
  AlertDialogFooter,
  AlertDialogHeader,
  AlertDialogTitle,
  AlertDialogTrigger,
} from "@/components/ui/alert-dialog";
import { Button } from "@/components/ui/button";
import { Spinner } from "@/components/ui/spinner";
import { toast } from "@/components/ui/toaster";
import { archiveProjectAction } from "@/lib/actions/projects";
import type { FormState } from "@/lib/actions/form-state";

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
  const [open, setOpen] = useState(false);
  // Once archived, the row loses this button, so focus cannot return to it.
  const archived = useRef(false);

  return (
    <AlertDialog open={open} onOpenChange={setOpen}>
      <AlertDialogTrigger asChild>
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
      </AlertDialogTrigger>
      <AlertDialogContent
        onCloseAutoFocus={(event) => {
          if (!archived.current) return;
          event.preventDefault();
          document.getElementById("main")?.focus();
        }}
      >
        <ArchiveProjectForm
          projectId={projectId}
          name={name}
          workingKeys={workingKeys}
          onArchived={(message) => {
            archived.current = true;
            setOpen(false);
            toast.success(message ?? `Archived "${name}".`);
          }}
        />
      </AlertDialogContent>
    </AlertDialog>
  );
}

type ArchiveProjectFormProps = Omit<ArchiveProjectButtonProps, "compact"> & {
  onArchived: (message: string | undefined) => void;
};

function ArchiveProjectForm({ projectId, name, workingKeys, onArchived }: ArchiveProjectFormProps) {
  const [state, formAction, pending] = useActionState(async (previous: FormState, form: FormData) => {
    const result = await archiveProjectAction(previous, form);
    if (result.ok) onArchived(result.message);
    return result;
  }, {});

  return (
    <form action={formAction} className="grid gap-4">
      <input type="hidden" name="projectId" value={projectId} />
      <AlertDialogHeader>
        <AlertDialogTitle>Archive {name}?</AlertDialogTitle>
        <AlertDialogDescription>
          Its {workingKeys === 1 ? "1 active key stops" : `${workingKeys} active keys stop`} working immediately. This cannot
          be undone from the dashboard.
        </AlertDialogDescription>
      </AlertDialogHeader>
      <p role="alert" aria-live="polite" className="text-sm font-medium text-destructive empty:hidden">
        {state.error}
      </p>
      <AlertDialogFooter>
        <AlertDialogCancel>Cancel</AlertDialogCancel>
        <Button type="submit" variant="destructive" disabled={pending}>
          {pending ? <Spinner label={null} /> : <Archive aria-hidden="true" />}
          Archive project
        </Button>
      </AlertDialogFooter>
    </form>
  );
}
