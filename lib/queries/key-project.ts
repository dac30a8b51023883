import "server-only";
// Whether a write concerns the built-in "Keydesk API" project, for the actions that ask for a
// recent sign-in before creating or rolling a management key (lib/auth/recent-auth.ts).
import { db } from "@/lib/db";
import { isGuid } from "@/lib/ids";
import { keyIdSchema, keyIdWhere } from "@/lib/validations/api-key";


export async function isManagementProject(projectId: string | undefined): Promise<boolean> {
  if (!projectId || !isGuid(projectId)) return false;
  const project = await db.project.findUnique({ where: { id: projectId.toLowerCase() }, select: { isSystem: true } });
  return project?.isSystem === true;
}

export async function isManagementKey(keyId: string | undefined): Promise<boolean> {
  const ref = keyIdSchema.safeParse(keyId);
  if (!ref.success) return false;
  const key = await db.apiKey.findUnique({ where: keyIdWhere(ref.data), select: { project: { select: { isSystem: true } } } });
  return key?.project.isSystem === true;
}
