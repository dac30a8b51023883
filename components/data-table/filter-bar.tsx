"use client";

import { Search, X } from "lucide-react";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useTransition, type FormEvent, type ReactNode } from "react";

import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { Spinner } from "@/components/ui/spinner";
import { cn } from "@/lib/utils";

export type FilterBarProps = {
  /** The search landmark's name, e.g. "Filter requests". */
  label: string;
  /** Values that mean "no filter" (e.g. `{ range: "7d" }`) and so stay out of the URL. */
  defaults?: Record<string, string>;
  /** Classes of the fields' grid, e.g. its column count per breakpoint. */
  gridClassName?: string;
  /** A line of help under the fields. */
  hint?: ReactNode;
  children: ReactNode;
};

/**
 * The filter bar of a log (requests, audit events). A GET form for the current page, so it works
 * without JavaScript; with it, Search navigates client-side and leaves empty and default fields
 * out of the URL. The page remounts the bar (`key`) when the URL's filters change.
 */
export function FilterBar({ label, defaults = {}, gridClassName, hint, children }: FilterBarProps) {
  const router = useRouter();
  const pathname = usePathname();
  const searchParams = useSearchParams();
  const [pending, startTransition] = useTransition();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const query = new URLSearchParams();
    for (const [name, value] of new FormData(event.currentTarget)) {
      if (typeof value !== "string") continue;
      const trimmed = value.trim();
      if (trimmed !== "" && defaults[name] !== trimmed) query.set(name, trimmed);
    }
    const search = query.toString();
    startTransition(() => router.push(search ? `${pathname}?${search}` : pathname, { scroll: false }));
  }

  function clear(form: HTMLFormElement | null) {
    // Edited fields go back to the URL's values; with filters (or a page) in the URL, the bare
    // URL then remounts this form with empty fields.
    form?.reset();
    if (searchParams.toString() !== "") startTransition(() => router.push(pathname, { scroll: false }));
  }

  return (
    <form
      role="search"
      aria-label={label}
      method="get"
      action={pathname}
      onSubmit={submit}
      className="grid gap-4 rounded-lg border border-border bg-card p-4"
    >
      <div className={cn("grid gap-4 sm:grid-cols-2", gridClassName)}>{children}</div>
      {hint ? <p className="text-xs text-muted-foreground">{hint}</p> : null}
      <div className="flex flex-wrap items-center gap-2">
        <Button type="submit" variant="secondary" disabled={pending}>
          {pending ? <Spinner label="Searching…" /> : <Search aria-hidden="true" />}
          Search
        </Button>
        <Button type="button" variant="outline" onClick={(event) => clear(event.currentTarget.form)} disabled={pending}>
          <X aria-hidden="true" />
          Clear
        </Button>
      </div>
    </form>
  );
}

export type FilterFieldProps = {
  /** The id of the control the label names. */
  htmlFor: string;
  label: string;
  className?: string;
  children: ReactNode;
};

/** One labelled cell of a FilterBar. */
export function FilterField({ htmlFor, label, className, children }: FilterFieldProps) {
  return (
    <div className={cn("grid gap-2", className)}>
      <Label htmlFor={htmlFor}>{label}</Label>
      {children}
    </div>
  );
}

export type ProjectFilterSelectProps = {
  id: string;
  value: string | undefined;
  projects: { id: string; name: string; archived: boolean }[];
};

/** `?project=`: every log filters by project the same way, archived ones included. */
export function ProjectFilterSelect({ id, value, projects }: ProjectFilterSelectProps) {
  return (
    <Select id={id} name="project" defaultValue={value ?? ""}>
      <option value="">All projects</option>
      {projects.map((project) => (
        <option key={project.id} value={project.id}>
          {project.archived ? `${project.name} (archived)` : project.name}
        </option>
      ))}
    </Select>
  );
}

/** `?key=`: a key's Sid (or id), as shown on its page. */
export function KeyFilterInput({ id, value }: { id: string; value: string | undefined }) {
  return (
    <Input
      id={id}
      name="key"
      defaultValue={value}
      placeholder="Sid, e.g. key_4fT9aB0cD1eF2gH3"
      maxLength={64}
      autoComplete="off"
      spellCheck={false}
      className="font-mono placeholder:font-sans"
    />
  );
}
