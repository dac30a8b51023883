"use client";

import type { ReactNode } from "react";

import { Label } from "@/components/ui/label";
import { SearchForm } from "@/components/ui/search-form";
import { Select } from "@/components/ui/select";
import { Spinner } from "@/components/ui/spinner";
import type { ListNavigation } from "@/components/ui/use-list-navigation";
import { cn } from "@/lib/utils";

export type ListToolbarProps = {
  /** The list's `useListNavigation()`: a search writes `?q=` and goes back to page 1. */
  navigation: ListNavigation;
  /** Spinner text for screen readers while the next page renders, e.g. "Loading keys". */
  loadingLabel: string;
  /** The search box, or null to leave it out (a list with nothing to search). */
  search: { id: string; label: string; placeholder: string; query: string; className?: string } | null;
  /** Controls before the search, e.g. a project switcher. */
  leading?: ReactNode;
  /** Filters after the search, e.g. ToolbarSelects. */
  children?: ReactNode;
};

/** The row above a DataTable: search, filters, and a spinner while the list loads. */
export function ListToolbar({ navigation, loadingLabel, search, leading, children }: ListToolbarProps) {
  const { pending, navigate } = navigation;
  return (
    <div className="flex flex-wrap items-end gap-3">
      {leading}
      {search ? (
        <SearchForm
          id={search.id}
          label={search.label}
          placeholder={search.placeholder}
          key={search.query}
          query={search.query}
          onSearch={(q) => navigate({ q: q || null, page: null })}
          className={search.className}
        />
      ) : null}
      {children}
      {pending ? <Spinner label={loadingLabel} className="mb-2.5 text-muted-foreground" /> : null}
    </div>
  );
}

export type ToolbarSelectProps = {
  id: string;
  label: string;
  /** The value in the URL. */
  value: string;
  onChange: (value: string) => void;
  /** Width of the labelled select, e.g. `sm:w-36`. */
  className?: string;
  /** `<option>` elements. */
  children: ReactNode;
};

/** A labelled select in a ListToolbar that filters the list. */
export function ToolbarSelect({ id, label, value, onChange, className, children }: ToolbarSelectProps) {
  return (
    <div className={cn("grid w-full gap-2", className)}>
      <Label htmlFor={id}>{label}</Label>
      {/* Uncontrolled and keyed on the URL value: the choice shows at once while the server
          renders, and Back (a new URL value) resets it. */}
      <Select key={value} id={id} defaultValue={value} onChange={(event) => onChange(event.target.value)}>
        {children}
      </Select>
    </div>
  );
}
