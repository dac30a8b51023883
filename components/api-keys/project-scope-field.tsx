"use client";

import { useState } from "react";

import { Checkbox } from "@/components/ui/checkbox";
import { cn } from "@/lib/utils";

export type ProjectScopeFieldProps = {
  /** The regular projects a management key can be scoped to. */
  projects: { id: string; name: string; slug: string }[];
  error?: string[];
};

const CHOICE =
  "flex cursor-pointer items-start gap-2.5 rounded-md border border-border px-3 py-2 text-sm transition-colors hover:bg-accent has-[:checked]:border-primary has-[:checked]:bg-primary/5 has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-ring";

/**
 * The create dialog's project scope for a management key: every project, or the ticked ones.
 * Submits `projectScope` as "all" or a JSON list of project ids (lib/validations/project-scope.ts).
 */
export function ProjectScopeField({ projects, error }: ProjectScopeFieldProps) {
  const [mode, setMode] = useState<"all" | "some">("all");
  const [chosen, setChosen] = useState<string[]>([]);
  const message = error?.join(" ");

  function toggle(id: string, on: boolean) {
    setChosen((current) => (on ? [...current, id] : current.filter((value) => value !== id)));
  }

  return (
    <fieldset className="grid gap-3" aria-describedby={["project-scope-hint", message ? "project-scope-error" : null].filter(Boolean).join(" ")}>
      <legend className="mb-1 text-sm font-medium">Project scope</legend>
      <p id="project-scope-hint" className="-mt-1 text-[13px] text-muted-foreground">
        Which projects this management key may see and change. Outside its scope, projects and keys do not exist for it.
      </p>
      <input type="hidden" name="projectScope" value={mode === "all" ? "all" : JSON.stringify(chosen)} />
      <div className="grid gap-2 sm:grid-cols-2">
        <label htmlFor="project-scope-all" className={CHOICE}>
          <input id="project-scope-all" type="radio" name="projectScopeMode" checked={mode === "all"} onChange={() => setMode("all")} className="mt-0.5 size-4 shrink-0 accent-primary focus-visible:outline-none" />
          <span className="grid gap-0.5">
            <span className="font-medium">All projects</span>
            <span className="text-xs text-muted-foreground">including projects created later</span>
          </span>
        </label>
        <label htmlFor="project-scope-some" className={CHOICE}>
          <input id="project-scope-some" type="radio" name="projectScopeMode" checked={mode === "some"} onChange={() => setMode("some")} className="mt-0.5 size-4 shrink-0 accent-primary focus-visible:outline-none" />
          <span className="grid gap-0.5">
            <span className="font-medium">Only some projects</span>
            <span className="text-xs text-muted-foreground">{mode === "some" ? `${chosen.length} chosen` : "choose below"}</span>
          </span>
        </label>
      </div>
      {mode === "some" ? (
        projects.length === 0 ? (
          <p className="text-sm text-muted-foreground">There are no projects to choose yet.</p>
        ) : (
          <ul className={cn("grid max-h-48 gap-1.5 overflow-y-auto rounded-md border border-border p-3 sm:grid-cols-2")} aria-label="Projects in scope">
            {projects.map((project) => (
              <li key={project.id} className="flex min-w-0 items-center gap-2">
                <Checkbox id={`scope-${project.id}`} checked={chosen.includes(project.id)} onChange={(event) => toggle(project.id, event.target.checked)} />
                <label htmlFor={`scope-${project.id}`} className="min-w-0 truncate text-sm">
                  {project.name} <span className="font-mono text-xs text-muted-foreground">{project.slug}</span>
                </label>
              </li>
            ))}
          </ul>
        )
      ) : null}
      {message ? (
        <p id="project-scope-error" role="alert" className="text-[13px] font-medium text-destructive">
          {message}
        </p>
      ) : null}
    </fieldset>
  );
}
