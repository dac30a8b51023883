"use client";

import { Search } from "lucide-react";
import { useState, type FormEvent } from "react";

import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { cn } from "@/lib/utils";

export type SearchFormProps = {
  /** Id of the input, so its visible label points at it. */
  id: string;
  label: string;
  placeholder: string;
  /** The search currently applied (from the URL). */
  query: string;
  onSearch: (query: string) => void;
  className?: string;
};

/**
 * Search with explicit Search and Clear buttons, as users know it from other key consoles.
 * The caller remounts it (`key={query}`) when the URL changes, e.g. on Back.
 */
export function SearchForm({ id, label, placeholder, query, onSearch, className }: SearchFormProps) {
  const [text, setText] = useState(query);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    onSearch(text.trim());
  }

  function clear() {
    setText("");
    if (query !== "") onSearch("");
  }

  return (
    <form role="search" onSubmit={submit} className={cn("grid gap-2", className)}>
      <Label htmlFor={id}>{label}</Label>
      <div className="flex gap-2">
        <div className="relative min-w-0 flex-1">
          <Search
            className="pointer-events-none absolute top-1/2 left-3 size-4 -translate-y-1/2 text-muted-foreground"
            aria-hidden="true"
          />
          <Input
            id={id}
            type="search"
            name="q"
            value={text}
            onChange={(event) => setText(event.target.value)}
            placeholder={placeholder}
            maxLength={100}
            autoComplete="off"
            spellCheck={false}
            className="pl-9"
          />
        </div>
        <Button type="submit" variant="secondary">
          Search
        </Button>
        <Button type="button" variant="outline" onClick={clear} disabled={text === "" && query === ""}>
          Clear
        </Button>
      </div>
    </form>
  );
}
