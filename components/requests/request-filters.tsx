"use client";

import { FilterBar, FilterField, KeyFilterInput, ProjectFilterSelect } from "@/components/data-table/filter-bar";
import { Input } from "@/components/ui/input";
import { Select } from "@/components/ui/select";
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

/** The filter bar of /requests. */
export function RequestFiltersForm({ filters, projects, canFilterByIp }: RequestFiltersFormProps) {
  return (
    <FilterBar
      label="Filter requests"
      defaults={DEFAULTS}
      gridClassName="lg:grid-cols-4"
      hint="From and Until, when set, replace the time range."
    >
      <FilterField htmlFor="requests-method" label="Method">
        <Select id="requests-method" name="method" defaultValue={filters.method ?? ""}>
          <option value="">Any method</option>
          {REQUEST_METHODS.map((method) => (
            <option key={method} value={method}>
              {method}
            </option>
          ))}
        </Select>
      </FilterField>
      <FilterField htmlFor="requests-path" label="Path" className="sm:col-span-1 lg:col-span-2">
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
      </FilterField>
      <FilterField htmlFor="requests-outcome" label="Outcome">
        <Select id="requests-outcome" name="outcome" defaultValue={filters.outcome ?? ""}>
          <option value="">Any outcome</option>
          <option value={DENIED_OUTCOME}>Denied (anything but VALID)</option>
          {KNOWN_OUTCOMES.map((code) => (
            <option key={code} value={code}>
              {code}
            </option>
          ))}
        </Select>
      </FilterField>
      <FilterField htmlFor="requests-project" label="Project">
        <ProjectFilterSelect id="requests-project" value={filters.project} projects={projects} />
      </FilterField>
      <FilterField htmlFor="requests-key" label="Key">
        <KeyFilterInput id="requests-key" value={filters.key} />
      </FilterField>
      <FilterField htmlFor="requests-ip" label="Client IP">
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
      </FilterField>
      <FilterField htmlFor="requests-range" label="Time">
        <Select id="requests-range" name="range" defaultValue={filters.range}>
          {REQUEST_RANGES.map((range) => (
            <option key={range} value={range}>
              {REQUEST_RANGE_LABELS[range]}
            </option>
          ))}
        </Select>
      </FilterField>
      <FilterField htmlFor="requests-from" label="From (UTC)">
        <Input id="requests-from" name="from" type="datetime-local" step={1} defaultValue={filters.from} />
      </FilterField>
      <FilterField htmlFor="requests-to" label="Until (UTC, exclusive)">
        <Input id="requests-to" name="to" type="datetime-local" step={1} defaultValue={filters.to} />
      </FilterField>
    </FilterBar>
  );
}
