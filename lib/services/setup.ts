// First-run setup: creates the first administrator and the built-in projects. Shared by the
// setup page's action and by the KEYDESK_ADMIN_* bootstrap at start-up, so both obey the same
// rule: it works only while no user exists, and two concurrent attempts create one admin.
import { recordAudit, type RequestContext } from "@/lib/audit";
import { hashPassword } from "@/lib/auth/password";
import { db } from "@/lib/db";
import type { Tx } from "@/lib/db";
import type { SetupInput } from "@/lib/validations/user";

const SETUP_LOCK = 7_301_002;

export const DEFAULT_PROJECT = { name: "Default", slug: "default", keyPrefix: "kd" } as const;
export const SYSTEM_PROJECT = { name: "Keydesk API", slug: "keydesk-api", keyPrefix: "kdm" } as const;

export async function hasAnyUser(): Promise<boolean> {
  return (await db.user.findFirst({ select: { id: true } })) !== null;
}

async function ensureBuiltInProjects(tx: Tx): Promise<void> {
  await tx.project.upsert({ where: { slug: DEFAULT_PROJECT.slug }, update: {}, create: { ...DEFAULT_PROJECT } });
  await tx.project.upsert({
    where: { slug: SYSTEM_PROJECT.slug },
    update: {},
    create: { ...SYSTEM_PROJECT, isSystem: true },
  });
}

export type SetupResult = { ok: true; userId: string } | { ok: false; reason: "already-set-up" };

export async function createFirstAdmin(
  input: SetupInput,
  context: RequestContext | null,
  via: "setup-page" | "environment",
): Promise<SetupResult> {
  // Hash outside the transaction: it is slow, and the lock below should be held briefly.
  const passwordHash = await hashPassword(input.password);
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(${SETUP_LOCK})`;
    if (await tx.user.findFirst({ select: { id: true } })) return { ok: false, reason: "already-set-up" } as const;
    const user = await tx.user.create({
      data: { email: input.email, name: input.name, passwordHash, role: "admin" },
      select: { id: true, email: true },
    });
    await ensureBuiltInProjects(tx);
    await recordAudit(tx, {
      actor: via === "environment" ? { type: "system" } : { type: "user", id: user.id, email: user.email },
      action: "setup.completed",
      summary: `First administrator ${user.email} created (${via === "environment" ? "from KEYDESK_ADMIN_EMAIL" : "setup page"})`,
      targetType: "user",
      targetId: user.id,
      context,
    });
    return { ok: true, userId: user.id } as const;
  });
}
