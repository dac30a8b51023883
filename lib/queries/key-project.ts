import "server-only";
// Whether a write concerns the built-in "Keydesk API" project, for the actions that ask for a
// recent sign-in before creating or rolling a management key (lib/auth/recent-auth.ts).
import { db } from "@/lib/db";
import { keyIdSchema, keyIdWhere } from "@/lib/validations/api-key";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function isManagementProject(projectId: string | undefined): Promise<boolean> {
  if (!projectId || !UUID.test(projectId)) return false;
  const project = await db.project.findUnique({ where: { id: projectId.toLowerCase() }, select: { isSystem: true } });
  return project?.isSystem === true;
}

export async function isManagementKey(keyId: string | undefined): Promise<boolean> {
  const ref = keyIdSchema.safeParse(keyId);
  if (!ref.success) return false;
  const key = await db.apiKey.findUnique({ where: keyIdWhere(ref.data), select: { project: { select: { isSystem: true } } } });
  return key?.project.isSystem === true;
}
