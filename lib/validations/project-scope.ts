import { z } from "zod";

/**
 * A management key's project scope (keys of the built-in "Keydesk API" project): `"all"`, or a
 * list of projects by slug or id. Shared by the create form (which submits the list as one
 * JSON-encoded field), the REST create body and the OpenAPI document. No Node APIs here.
 *
 * The service resolves the list to project ids (lib/services/project-scope.ts); unknown or
 * archived projects are a field error on `projectScope`.
 */
export const PROJECT_SCOPE_ALL = "all";
export const MAX_SCOPE_PROJECTS = 100;

/** What a key carries once resolved: every project, or these project ids. */
export type ProjectScope = typeof PROJECT_SCOPE_ALL | string[];

const projectRefSchema = z
  .string({ error: "Name each project by its slug or id" })
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, "Name each project by its slug or id");

const scopeShape = z.union(
  [
    z.literal(PROJECT_SCOPE_ALL),
    z
      .array(projectRefSchema, { error: 'Project scope must be "all" or a list of project slugs or ids' })
      .min(1, 'Choose at least one project, or "all"')
      .max(MAX_SCOPE_PROJECTS, `A key can be scoped to at most ${MAX_SCOPE_PROJECTS} projects; use "all"`),
  ],
  { error: 'Project scope must be "all" or a list of project slugs or ids' },
);

/** Absent = not given (the service decides: "all" for management keys, nothing for others). */
export const projectScopeFieldSchema = z.preprocess((raw, ctx) => {
  if (raw === undefined || raw === null || raw === "") return undefined;
  if (typeof raw !== "string" || !raw.trim().startsWith("[")) return raw;
  if (raw.length > 16 * 1024) {
    ctx.addIssue({ code: "custom", message: "Project scope is too large" });
    return z.NEVER;
  }
  try {
    return JSON.parse(raw) as unknown;
  } catch {
    ctx.addIssue({ code: "custom", message: "Project scope is malformed" });
    return z.NEVER;
  }
}, scopeShape.optional());
