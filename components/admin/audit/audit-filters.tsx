"use client";

import { Search, X } from "lucide-react";
import { usePathname, useRouter } from "next/navigation";
import { useTransition, type FormEvent, type MouseEvent } from "react";

import { Button } from "@/components/ui/button";
import { Input } from "@/components/ui/input";
import { Label } from "@/components/ui/label";
import { Select } from "@/components/ui/select";
import { Spinner } from "@/components/ui/spinner";
import { AUDIT_FILTER_KEYS, type AuditFilters } from "@/lib/validations/audit";

export type AuditFiltersFormProps = {
  /** The filters in the URL; the caller remounts the form (`key`) when they change. */
  filters: AuditFilters;
  actions: string[];
  projects: { id: string; name: string; archived: boolean }[];
};

/** Families offered above the single actions, e.g. "key.*" for every key event. */
function actionFamilies(actions: string[]): string[] {
  return [...new Set(actions.map((action) => action.split(".")[0]).filter((family): family is string => Boolean(family)))].map(
    (family) => `${family}.*`,
  );
}

/**
 * The filter bar. It is a GET form for /admin/audit, so it works without JavaScript; with it,
 * Search navigates client-side and leaves empty fields out of the URL.
 */
export function AuditFiltersForm({ filters, actions, projects }: AuditFiltersFormProps) {
  const router = useRouter();
  const pathname = usePathname();
  const [pending, startTransition] = useTransition();
  const active = AUDIT_FILTER_KEYS.some((name) => Boolean(filters[name]));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const query = new URLSearchParams();
    for (const [name, value] of new FormData(event.currentTarget)) {
      if (typeof value === "string" && value.trim() !== "") query.set(name, value.trim());
    }
    const search = query.toString();
    startTransition(() => router.push(search ? `${pathname}?${search}` : pathname, { scroll: false }));
  }

  function clear(event: MouseEvent<HTMLButtonElement>) {
    // Without filters in the URL the fields' defaults are empty; otherwise the page remounts
    // this form for the unfiltered URL, which empties them.
    if (!active) event.currentTarget.form?.reset();
    else startTransition(() => router.push(pathname, { scroll: false }));
  }

  return (
    <form
      role="search"
      aria-label="Filter audit events"
      method="get"
      action={pathname}
      onSubmit={submit}
      className="grid gap-4 rounded-lg border border-border bg-card p-4"
    >
      <div className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        <div className="grid gap-2">
          <Label htmlFor="audit-actor">Actor</Label>
          <Input
            id="audit-actor"
            name="actor"
            defaultValue={filters.actor}
            placeholder="Email, key name, Sid or user id"
            maxLength={320}
            autoComplete="off"
            spellCheck={false}
          />
        </div>
        <div className="grid gap-2">
          <Label htmlFor="audit-action">Action</Label>
          <Input
            id="audit-action"
            name="action"
            list="audit-action-options"
            defaultValue={filters.action}
            placeholder="Any action, e.g. key.revoked or key.*"
            maxLength={64}
            autoComplete="off"
            spellCheck={false}
          />
          <datalist id="audit-action-options">
            {actionFamilies(actions).map((family) => (
              <option key={family} value={family}>
                {`Every ${family.slice(0, -2)} event`}
              </option>
            ))}
            {actions.map((action) => (
              <option key={action} value={action} />
            ))}
          </datalist>
        </div>
        <div className="grid gap-2">
          <Label htmlFor="audit-key">Key</Label>
          <Input
            id="audit-key"
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
          <Label htmlFor="audit-project">Project</Label>
          <Select id="audit-project" name="project" defaultValue={filters.project ?? ""}>
            <option value="">All projects</option>
            {projects.map((project) => (
              <option key={project.id} value={project.id}>
                {project.archived ? `${project.name} (archived)` : project.name}
              </option>
            ))}
          </Select>
        </div>
        <div className="grid gap-2">
          <Label htmlFor="audit-from">From (UTC)</Label>
          <Input id="audit-from" name="from" type="date" defaultValue={filters.from} max={filters.to} />
        </div>
        <div className="grid gap-2">
          <Label htmlFor="audit-to">To (UTC, inclusive)</Label>
          <Input id="audit-to" name="to" type="date" defaultValue={filters.to} min={filters.from} />
        </div>
      </div>
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
