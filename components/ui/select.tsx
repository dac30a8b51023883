import type { ComponentProps } from "react";
import { ChevronDown } from "lucide-react";

import { cn } from "@/lib/utils";
import { controlClassName } from "@/components/ui/input";

export type SelectProps = ComponentProps<"select"> & {
  /** Class names for the wrapping element (width, margins); `className` styles the `<select>`. */
  wrapperClassName?: string;
};

/**
 * Styled native `<select>`: keyboard, screen-reader and mobile behaviour come from the
 * browser. Children are plain `<option>` / `<optgroup>` elements.
 */
export function Select({ className, wrapperClassName, multiple, ...props }: SelectProps) {
  return (
    <div data-slot="select-wrapper" className={cn("relative w-full", wrapperClassName)}>
      <select
        data-slot="select"
        multiple={multiple}
        className={cn(
          controlClassName,
          multiple ? "min-h-24 px-2 py-1.5" : "h-9 appearance-none py-1 pr-9 pl-3",
          className,
        )}
        {...props}
      />
      {multiple ? null : (
        <ChevronDown
          className="pointer-events-none absolute top-1/2 right-3 size-4 -translate-y-1/2 text-muted-foreground"
          aria-hidden="true"
        />
      )}
    </div>
  );
}
