"use client";

import { useLayoutEffect, useRef, type ComponentProps } from "react";
import { ChevronDown } from "lucide-react";

import { cn } from "@/lib/utils";
import { controlClassName } from "@/components/ui/input";

export type SelectProps = Omit<ComponentProps<"select">, "ref"> & {
  /** Class names for the wrapping element (width, margins); `className` styles the `<select>`. */
  wrapperClassName?: string;
};

/**
 * Styled native `<select>`: keyboard, screen-reader and mobile behaviour come from the
 * browser. Children are plain `<option>` / `<optgroup>` elements.
 */
export function Select({ className, wrapperClassName, multiple, ...props }: SelectProps) {
  const ref = useRef<HTMLSelectElement>(null);
  const { value } = props;
  // React 19 resets a form (form.reset()) after its action returns, and a <select> resets to the
  // options marked as default, which React never marks for a controlled select (react#30580): a
  // failed submit showed the first option while the component still held another value, and the
  // next submit could send either. Marking the controlled value as the default keeps it in place
  // (after every render: the options may change while the value stays).
  useLayoutEffect(() => {
    const select = ref.current;
    if (!select || value === undefined) return;
    const chosen = new Set((Array.isArray(value) ? value : [value]).map(String));
    for (const option of select.options) option.defaultSelected = chosen.has(option.value);
  });
  return (
    <div data-slot="select-wrapper" className={cn("relative w-full", wrapperClassName)}>
      <select
        ref={ref}
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
