import type { ReactNode } from "react";

import { cn } from "@/lib/utils";

export type CodeBlockProps = {
  /** What the block holds, e.g. "Verify command": its name as a focusable region. */
  label: string;
  children: ReactNode;
  className?: string;
};

/**
 * Preformatted code that may scroll. It takes keyboard focus (with a visible ring), so someone
 * without a mouse can scroll it with the arrow keys; a region named by `label` says what it is.
 */
export function CodeBlock({ label, children, className }: CodeBlockProps) {
  return (
    <pre
      role="region"
      aria-label={label}
      tabIndex={0}
      className={cn(
        "overflow-auto rounded-md border border-border bg-muted/60 p-3 font-mono text-xs leading-relaxed",
        "focus-visible:ring-2 focus-visible:ring-ring focus-visible:outline-none",
        className,
      )}
    >
      {children}
    </pre>
  );
}
