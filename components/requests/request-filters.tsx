"use client";

import { Search, X } from "lucide-react";
import { usePathname, useRouter } from "next/navigation";
import { useTransition, type FormEvent, type MouseEvent } from "react";

import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { Spinner } from "@/components/ui/spinner";
import {
  DEFAULT_REQUEST_RANGE,
  DENIED_OUTCOME,
  KNOWN_OUTCOMES,
  REQUEST_METHODS,
  REQUEST_RANGE_LABELS,
  REQUEST_RANGES,
  type RequestFilters,
} from "@/lib/validations/requests";

export type RequestFiltersFormProps = {
  /** The filters in the URL; the caller remounts the form (`key`) when they change. */
  filters: RequestFilters;
  projects: { id: string; name: string; archived: boolean }[];
  /** Viewers may not filter by client address. */
  canFilterByIp: boolean;
};

/** Values that mean "no filter" and so stay out of the URL. */
const DEFAULTS: Record<string, string> = { match: "prefix", range: DEFAULT_REQUEST_RANGE };

/**
 * The filter bar. A GET form for /requests, so it works without JavaScript; with it, Search
 * navigates client-side and leaves empty and default fields out of the URL.
 */
export function RequestFiltersForm({ filters, projects, canFilterByIp }: RequestFiltersFormProps) {
  const router = useRouter();
  const pathname = usePathname();
  const [pending, startTransition] = useTransition();

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const query = new URLSearchParams();
    for (const [name, value] of new FormData(event.currentTarget)) {
      if (typeof value !== "string") continue;
      const trimmed = value.trim();
      if (trimmed !== "" && DEFAULTS[name] !== trimmed) query.set(name, trimmed);
    }
    const search = query.toString();
    startTransition(() => router.push(search ? `${pathname}?${search}` : pathname, { scroll: false }));
  }

  function clear(event: MouseEvent<HTMLButtonElement>) {
    event.currentTarget.form?.reset();
    startTransition(() => router.push(pathname, { scroll: false }));
  }

  return (
    <form
      role="search"
      aria-label="Filter requests"
      method="get"
      action={pathname}
      onSubmit={submit}
      className="grid gap-4 rounded-lg border border-border bg-card p-4"
    >
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <div className="grid gap-2">
          <Label htmlFor="requests-method">Method</Label>
          <Select id="requests-method" name="method" defaultValue={filters.method ?? ""}>
            <option value="">Any method</option>
            {REQUEST_METHODS.map((method) => (
              <option key={method} value={method}>
                {method}
              </option>
            ))}
          </Select>
        </div>
        <div className="grid gap-2 sm:col-span-1 lg:col-span-2">
          <Label htmlFor="requests-path">Path</Label>
          <div className="flex gap-2">
            <Input
              id="requests-path"
              name="path"
              defaultValue={filters.path}
              placeholder="/invoices"
              maxLength={1024}
              autoComplete="off"
              spellCheck={false}
              className="font-mono placeholder:font-sans"
            />
            <Select name="match" aria-label="How the path matches" defaultValue={filters.match} wrapperClassName="w-36 shrink-0">
              <option value="prefix">starts with</option>
              <option value="contains">contains</option>
            </Select>
          </div>
        </div>
        <div className="grid gap-2">
          <Label htmlFor="requests-outcome">Outcome</Label>
          <Select id="requests-outcome" name="outcome" defaultValue={filters.outcome ?? ""}>
            <option value="">Any outcome</option>
            <option value={DENIED_OUTCOME}>Denied (anything but VALID)</option>
            {KNOWN_OUTCOMES.map((code) => (
              <option key={code} value={code}>
                {code}
              </option>
            ))}
          </Select>
        </div>
        <div className="grid gap-2">
          <Label htmlFor="requests-project">Project</Label>
          <Select id="requests-project" name="project" defaultValue={filters.project ?? ""}>
            <option value="">All projects</option>
            {projects.map((project) => (
              <option key={project.id} value={project.id}>
                {project.archived ? `${project.name} (archived)` : project.name}
              </option>
            ))}
          </Select>
        </div>
        <div className="grid gap-2">
          <Label htmlFor="requests-key">Key</Label>
          <Input
            id="requests-key"
            name="key"
            defaultValue={filters.key}
            placeholder="Sid, e.g. key_4fT9aB0cD1eF2gH3"
            maxLength={64}
            autoComplete="off"
            spellCheck={false}
            className="font-mono placeholder:font-sans"
          />
        </div>
        <div className="grid gap-2">
          <Label htmlFor="requests-ip">Client IP</Label>
          <Input
            id="requests-ip"
            name="ip"
            defaultValue={canFilterByIp ? filters.ip : ""}
            placeholder={canFilterByIp ? "203.0.113.7 or 10.0.0.0/8" : "Administrators and managers only"}
            maxLength={64}
            autoComplete="off"
            spellCheck={false}
            disabled={!canFilterByIp}
            className="font-mono placeholder:font-sans"
          />
        </div>
        <div className="grid gap-2">
          <Label htmlFor="requests-range">Time</Label>
          <Select id="requests-range" name="range" defaultValue={filters.range}>
            {REQUEST_RANGES.map((range) => (
              <option key={range} value={range}>
                {REQUEST_RANGE_LABELS[range]}
              </option>
            ))}
          </Select>
        </div>
        <div className="grid gap-2">
          <Label htmlFor="requests-from">From (UTC)</Label>
          <Input id="requests-from" name="from" type="datetime-local" step={1} defaultValue={filters.from} />
        </div>
        <div className="grid gap-2">
          <Label htmlFor="requests-to">Until (UTC, exclusive)</Label>
          <Input id="requests-to" name="to" type="datetime-local" step={1} defaultValue={filters.to} />
        </div>
      </div>
      <p className="text-xs text-muted-foreground">From and Until, when set, replace the time range.</p>
      <div className="flex flex-wrap items-center gap-2">
        <Button type="submit" variant="secondary" disabled={pending}>
          {pending ? <Spinner label="Searching…" /> : <Search aria-hidden="true" />}
          Search
        </Button>
        <Button type="button" variant="outline" onClick={clear} disabled={pending}>
          <X aria-hidden="true" />
          Clear
        </Button>
      </div>
    </form>
  );
}
