import type { ComponentProps } from "react";
import { Slot } from "radix-ui";

import { cn } from "@/lib/utils";

export type ButtonVariant = "default" | "primary" | "secondary" | "outline" | "ghost" | "destructive" | "link";
export type ButtonSize = "sm" | "md" | "lg" | "icon" | "icon-sm";

const base =
  "inline-flex shrink-0 items-center justify-center gap-2 whitespace-nowrap rounded-md text-sm font-medium " +
  "transition-colors select-none disabled:pointer-events-none disabled:opacity-50 aria-disabled:pointer-events-none " +
  "aria-disabled:opacity-50 [&_svg]:pointer-events-none [&_svg]:shrink-0 [&_svg:not([class*='size-'])]:size-4";

const variants: Record<ButtonVariant, string> = {
  default: "bg-primary text-primary-foreground shadow-xs hover:bg-primary-hover",
  primary: "bg-primary text-primary-foreground shadow-xs hover:bg-primary-hover",
  secondary: "bg-secondary text-secondary-foreground hover:bg-secondary/70 dark:hover:bg-secondary/80",
  outline:
    "border border-border bg-background text-foreground shadow-xs hover:bg-accent hover:text-accent-foreground",
  ghost: "text-foreground hover:bg-accent hover:text-accent-foreground",
  destructive: "bg-destructive text-destructive-foreground shadow-xs hover:bg-destructive-hover",
  link: "h-auto px-0 text-primary underline-offset-4 hover:underline",
};

const sizes: Record<ButtonSize, string> = {
  sm: "h-8 px-3 text-[13px] has-[>svg]:px-2.5",
  md: "h-9 px-4 has-[>svg]:px-3",
  lg: "h-10 px-5 has-[>svg]:px-4",
  icon: "size-9",
  "icon-sm": "size-8",
};

export type ButtonVariantOptions = {
  variant?: ButtonVariant;
  size?: ButtonSize;
  className?: string;
};

/**
 * Class names for a button look, for elements that cannot use `<Button asChild>`
 * (e.g. radix `AlertDialog.Action`).
 */
export function buttonVariants({ variant = "default", size = "md", className }: ButtonVariantOptions = {}) {
  return cn(base, variants[variant], variant === "link" ? "h-auto px-0" : sizes[size], className);
}

export type ButtonProps = ComponentProps<"button"> & {
  variant?: ButtonVariant;
  size?: ButtonSize;
  /** Render the single child element (e.g. a `next/link` `<Link>`) with button styles instead of a `<button>`. */
  asChild?: boolean;
};

/**
 * Button. Defaults to `type="button"` so it never submits a form by accident: pass
 * `type="submit"` for submit buttons.
 *
 * Accessibility: an icon-only button (`size="icon"` / `"icon-sm"`, or no visible text)
 * MUST get an accessible name from the caller, e.g.
 * `<Button size="icon" aria-label="Copy key"><Copy /></Button>`. Lucide icons are
 * `aria-hidden` by default, so without `aria-label` the button has no name.
 */
export function Button({ className, variant = "default", size = "md", asChild = false, type, ...props }: ButtonProps) {
  if (asChild) {
    return <Slot.Root data-slot="button" className={buttonVariants({ variant, size, className })} {...props} />;
  }
  return (
    <button
      data-slot="button"
      type={type ?? "button"}
      className={buttonVariants({ variant, size, className })}
      {...props}
    />
  );
}
