import "server-only";
// Everything the create form needs from the server-only validation module, computed on the
// server: lib/validations/api-key.ts pulls in node:crypto and cannot ship to the browser.
import type { ProjectOption } from "@/lib/queries/api-keys";
import type { LimitDefaults } from "@/lib/validations/limits";
import {
  EXPIRY_PRESET_DAYS,
  KEY_DESCRIPTION_MAX_LENGTH,
  KEY_NAME_MAX_LENGTH,
  MAX_CONSTRAINTS,
  MAX_CONSTRAINT_VALUE_LENGTH,
  customDateBounds,
  type ExpiryPreset,
} from "@/lib/validations/api-key";
import { DAY_MS } from "@/lib/dates";

export type ExpiryChoice = {
  value: ExpiryPreset;
  label: string;
  /** When a key created now would expire (ISO), for presets only. */
  expiresAt: string | null;
};

export type CreateKeyConfig = {
  project: { id: string; name: string; maxLifetimeDays: number | null; allowNoExpiry: boolean };
  /** Only the choices the project's policy allows, shortest first. */
  expiryChoices: ExpiryChoice[];
  defaultExpiry: ExpiryPreset;
  /** Bounds for the custom date picker (`YYYY-MM-DD`). */
  customDate: { min: string; max: string | null };
  limits: { name: number; description: number; constraints: number; constraintValue: number };
  /** The project's default usage limits, which a key without its own gets. */
  usageDefaults: LimitDefaults;
  /** Keydesk API project only: the projects a management key can be scoped to. */
  scopeProjects: { id: string; name: string; slug: string }[] | null;
};

const PRESET_LABELS: Record<keyof typeof EXPIRY_PRESET_DAYS, string> = {
  "7d": "7 days",
  "30d": "30 days",
  "90d": "90 days",
  "1y": "1 year",
};

export function createKeyConfig(project: ProjectOption, now: Date, projects: ProjectOption[]): CreateKeyConfig {
  const presets = (Object.keys(EXPIRY_PRESET_DAYS) as (keyof typeof EXPIRY_PRESET_DAYS)[]).filter(
    (preset) => project.maxLifetimeDays === null || EXPIRY_PRESET_DAYS[preset] <= project.maxLifetimeDays,
  );
  const choices: ExpiryChoice[] = presets.map((preset) => ({
    value: preset,
    label: PRESET_LABELS[preset],
    expiresAt: new Date(now.getTime() + EXPIRY_PRESET_DAYS[preset] * DAY_MS).toISOString(),
  }));
  choices.push({ value: "custom", label: "Custom date", expiresAt: null });
  // resolveExpiry refuses "never" under a lifetime limit as well as when it is switched off.
  if (project.allowNoExpiry && project.maxLifetimeDays === null) {
    choices.push({ value: "never", label: "No expiry", expiresAt: null });
  }
  const defaultExpiry: ExpiryPreset = presets.includes("30d") ? "30d" : (presets.at(-1) ?? "custom");

  return {
    project: {
      id: project.id,
      name: project.name,
      maxLifetimeDays: project.maxLifetimeDays,
      allowNoExpiry: project.allowNoExpiry,
    },
    expiryChoices: choices,
    defaultExpiry,
    customDate: customDateBounds(now, project),
    limits: {
      name: KEY_NAME_MAX_LENGTH,
      description: KEY_DESCRIPTION_MAX_LENGTH,
      constraints: MAX_CONSTRAINTS,
      constraintValue: MAX_CONSTRAINT_VALUE_LENGTH,
    },
    usageDefaults: project.limitDefaults,
    scopeProjects: project.isSystem ? projects.filter((p) => !p.isSystem).map(({ id, name, slug }) => ({ id, name, slug })) : null,
  };
}
