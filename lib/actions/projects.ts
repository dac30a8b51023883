"use server";
// Server actions behind Admin → Projects. Each checks the caller's permission on the server
// (authorize() re-reads the role from the database) before the service writes.
import { revalidatePath } from "next/cache";
import { formValues, type FormState } from "@/lib/actions/form-state";
import { runAction } from "@/lib/actions/run-action";
import { authorize, currentRequestContext } from "@/lib/auth/session";
import { archiveProject, createProject, updateProject } from "@/lib/services/projects";
import { lifetimeFromForm } from "@/lib/validations/project";

const PROJECTS_PATH = "/admin/projects";

function settingsFrom(values: Record<string, string>) {
  return {
    name: values.name,
    slug: values.slug,
    keyPrefix: values.keyPrefix,
    activeKeyLimit: values.activeKeyLimit,
    maxLifetimeDays: lifetimeFromForm(values),
    allowNoExpiry: values.allowNoExpiry,
    requestRetentionDays: values.requestRetentionDays,
    logUnknownKeys: values.logUnknownKeys,
    defaultRatelimits: values.defaultRatelimits,
    defaultCredits: values.defaultCredits,
    capLimitsAtDefaults: values.capLimitsAtDefaults,
    leakPolicy: values.leakPolicy,
  };
}

/** Projects appear in the key pages' project picker, so those change too. */
function revalidateProjectViews() {
  revalidatePath(PROJECTS_PATH);
  revalidatePath("/settings/api-keys");
  revalidatePath("/");
}

export async function createProjectAction(_prev: FormState, form: FormData): Promise<FormState> {
  const values = formValues(form);
  return runAction(async () => {
    const user = await authorize("projects.manage");
    const project = await createProject({ type: "user", user }, settingsFrom(values), await currentRequestContext());
    revalidateProjectViews();
    return { ok: true, message: `Created project "${project.name}". Its keys start with ${project.keyPrefix}_.` };
  }, values);
}

export async function updateProjectAction(_prev: FormState, form: FormData): Promise<FormState> {
  const values = formValues(form);
  return runAction(async () => {
    const user = await authorize("projects.manage");
    const { project, changed } = await updateProject(
      { type: "user", user },
      values.projectId ?? "",
      settingsFrom(values),
      await currentRequestContext(),
    );
    revalidateProjectViews();
    return { ok: true, message: changed.length === 0 ? "No changes to save." : `Saved "${project.name}".` };
  }, values);
}

export async function archiveProjectAction(_prev: FormState, form: FormData): Promise<FormState> {
  const values = formValues(form);
  return runAction(async () => {
    const user = await authorize("projects.manage");
    const { project, stoppedKeys } = await archiveProject(
      { type: "user", user },
      { projectId: values.projectId },
      await currentRequestContext(),
    );
    revalidateProjectViews();
    return {
      ok: true,
      message: `Archived "${project.name}". ${stoppedKeys === 1 ? "1 key" : `${stoppedKeys} keys`} stopped working.`,
    };
  }, values);
}
