import type { ComponentProps, ComponentType, ReactNode } from "react";

import { cn } from "@/lib/utils";

export type EmptyStateProps = Omit<ComponentProps<"div">, "title"> & {
  /** A lucide icon component, e.g. `icon={KeyRound}`. Decorative. */
  icon?: ComponentType<{ className?: string; "aria-hidden"?: boolean | "true" | "false" }>;
  title: ReactNode;
  description?: ReactNode;
  /** Call to action, e.g. `<Button>Create key</Button>`. */
  action?: ReactNode;
  /** Heading level of the title (default `h2`). */
  headingLevel?: "h2" | "h3";
};

/** Placeholder for an empty list or page: icon, title, description and an action. */
export function EmptyState({
  icon: Icon,
  title,
  description,
  action,
  headingLevel: Heading = "h2",
  className,
  ...props
}: EmptyStateProps) {
  return (
    <div
      data-slot="empty-state"
      className={cn(
        "flex flex-col items-center justify-center gap-2 rounded-lg border border-dashed border-border px-6 py-12 text-center",
        className,
      )}
      {...props}
    >
      {Icon ? (
        <div className="mb-2 flex size-11 items-center justify-center rounded-full bg-muted text-muted-foreground">
          <Icon className="size-5" aria-hidden="true" />
        </div>
      ) : null}
      <Heading className="text-base font-semibold tracking-tight">{title}</Heading>
      {description ? <p className="max-w-sm text-sm text-balance text-muted-foreground">{description}</p> : null}
      {action ? <div className="mt-3 flex flex-wrap items-center justify-center gap-2">{action}</div> : null}
    </div>
  );
}
