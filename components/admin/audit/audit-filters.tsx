"use client";

import { FilterBar, FilterField, KeyFilterInput, ProjectFilterSelect } from "@/components/data-table/filter-bar";
import { Input } from "@/components/ui/input";
import type { AuditFilters } from "@/lib/validations/audit";

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

/** The filter bar of /admin/audit. */
export function AuditFiltersForm({ filters, actions, projects }: AuditFiltersFormProps) {
  return (
    <FilterBar label="Filter audit events" gridClassName="lg:grid-cols-3">
      <FilterField htmlFor="audit-actor" label="Actor">
        <Input
          id="audit-actor"
          name="actor"
          defaultValue={filters.actor}
          placeholder="Email, key name, Sid or user id"
          maxLength={320}
          autoComplete="off"
          spellCheck={false}
        />
      </FilterField>
      <FilterField htmlFor="audit-action" label="Action">
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
      </FilterField>
      <FilterField htmlFor="audit-key" label="Key">
        <KeyFilterInput id="audit-key" value={filters.key} />
      </FilterField>
      <FilterField htmlFor="audit-project" label="Project">
        <ProjectFilterSelect id="audit-project" value={filters.project} projects={projects} />
      </FilterField>
      <FilterField htmlFor="audit-from" label="From (UTC)">
        <Input id="audit-from" name="from" type="date" defaultValue={filters.from} max={filters.to} />
      </FilterField>
      <FilterField htmlFor="audit-to" label="To (UTC, inclusive)">
        <Input id="audit-to" name="to" type="date" defaultValue={filters.to} min={filters.from} />
      </FilterField>
    </FilterBar>
  );
}
