import type { ComponentProps, ReactNode } from "react";

import { cn } from "@/lib/utils";

export type PageHeaderProps = Omit<ComponentProps<"div">, "title"> & {
  /** The page's `<h1>`. */
  title: ReactNode;
  description?: ReactNode;
  /** Buttons / links shown at the right (below the title on narrow screens). */
  actions?: ReactNode;
};

/** Top of a dashboard page: the `h1`, an optional description and actions. */
export function PageHeader({ title, description, actions, className, children, ...props }: PageHeaderProps) {
  return (
    <div
      data-slot="page-header"
      className={cn("flex flex-col gap-4 sm:flex-row sm:items-start sm:justify-between", className)}
      {...props}
    >
      <div className="min-w-0 space-y-1">
        <h1 className="text-2xl font-semibold tracking-tight text-balance">{title}</h1>
        {description ? <p className="max-w-2xl text-sm text-muted-foreground">{description}</p> : null}
        {children}
      </div>
      {actions ? <div className="flex shrink-0 flex-wrap items-center gap-2">{actions}</div> : null}
    </div>
  );
}
