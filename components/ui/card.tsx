import type { ComponentProps } from "react";

import { cn } from "@/lib/utils";

export type CardProps = ComponentProps<"div">;

export function Card({ className, ...props }: CardProps) {
  return (
    <div
      data-slot="card"
      className={cn("flex flex-col rounded-lg border border-border bg-card text-card-foreground shadow-xs", className)}
      {...props}
    />
  );
}

export type CardHeaderProps = ComponentProps<"div">;

export function CardHeader({ className, ...props }: CardHeaderProps) {
  return <div data-slot="card-header" className={cn("flex flex-col gap-1.5 px-5 pt-5", className)} {...props} />;
}

export type CardTitleProps = ComponentProps<"h2"> & {
  /**
   * Element to render (default `h2`): pick the heading level that fits the page outline
   * (PageHeader renders the `h1`), or `p` / `div` for a big number that is not a heading.
   */
  as?: "h1" | "h2" | "h3" | "h4" | "h5" | "h6" | "p" | "div";
};

export function CardTitle({ className, as: Heading = "h2", ...props }: CardTitleProps) {
  return (
    <Heading
      data-slot="card-title"
      className={cn("text-base leading-tight font-semibold tracking-tight", className)}
      {...props}
    />
  );
}

export type CardDescriptionProps = ComponentProps<"p">;

export function CardDescription({ className, ...props }: CardDescriptionProps) {
  return <p data-slot="card-description" className={cn("text-sm text-muted-foreground", className)} {...props} />;
}

export type CardContentProps = ComponentProps<"div">;

export function CardContent({ className, ...props }: CardContentProps) {
  return <div data-slot="card-content" className={cn("px-5 py-5", className)} {...props} />;
}
