// First-run setup: creates the first administrator and the built-in projects. Shared by the
// setup page's action and by the KEYDESK_ADMIN_* bootstrap at start-up, so both obey the same
// rule: it works only while no user exists, and two concurrent attempts create one admin.
//
// The setup page also needs the one-time setup token the server prints at start (and writes to
// <data dir>/setup-token): otherwise whoever reaches a fresh instance first — or a web page that
// reaches it through DNS rebinding — would become its administrator. Only the token's SHA-256 is
// stored; it is used up in the transaction that creates the administrator.
import { createHash, randomBytes } from "node:crypto";
import { recordAudit, type RequestContext } from "@/lib/audit";
import { COMMON_PASSWORD_MESSAGE, isCommonPassword } from "@/lib/auth/common-passwords";
import { hashPassword } from "@/lib/auth/password";
import { db } from "@/lib/db";
import type { Tx } from "@/lib/db";
import { lockForTransaction } from "@/lib/db/locks";
import { fieldError } from "@/lib/services/errors";
import type { SetupInput } from "@/lib/validations/user";

const DEFAULT_PROJECT = { name: "Default", slug: "default", keyPrefix: "kd" } as const;
const SYSTEM_PROJECT = { name: "Keydesk API", slug: "keydesk-api", keyPrefix: "kdm" } as const;

export async function hasAnyUser(): Promise<boolean> {
  return (await db.user.findFirst({ select: { id: true } })) !== null;
}

const hashSetupToken = (token: string) => createHash("sha256").update(token).digest("hex");

/**
 * At start: a new one-time setup token while no user exists (any earlier one stops working), or
 * null once someone does (and no token is kept).
 */
export async function issueSetupToken(): Promise<string | null> {
  return db.$transaction(async (tx) => {
    await lockForTransaction(tx, "setup");
    await tx.setupToken.deleteMany();
    if (await tx.user.findFirst({ select: { id: true } })) return null;
    const token = randomBytes(24).toString("base64url");
    await tx.setupToken.create({ data: { tokenHash: hashSetupToken(token) } });
    return token;
  });
}

async function ensureBuiltInProjects(tx: Tx): Promise<void> {
  await tx.project.upsert({ where: { slug: DEFAULT_PROJECT.slug }, update: {}, create: { ...DEFAULT_PROJECT } });
  await tx.project.upsert({
    where: { slug: SYSTEM_PROJECT.slug },
    update: {},
    create: { ...SYSTEM_PROJECT, isSystem: true },
  });
}

export type SetupResult = { ok: true; userId: string } | { ok: false; reason: "already-set-up" | "bad-token" };

export type SetupVia = { via: "setup-page"; setupToken: string } | { via: "environment" };

export async function createFirstAdmin(input: SetupInput, context: RequestContext | null, how: SetupVia): Promise<SetupResult> {
  if (isCommonPassword(input.password, { email: input.email })) throw fieldError("password", COMMON_PASSWORD_MESSAGE);
  // A wrong token costs one lookup, not a slow password hash.
  if (how.via === "setup-page" && !(await db.setupToken.findUnique({ where: { tokenHash: hashSetupToken(how.setupToken) } }))) {
    return (await hasAnyUser()) ? { ok: false, reason: "already-set-up" } : { ok: false, reason: "bad-token" };
  }
  // Hash outside the transaction: it is slow, and the lock below should be held briefly.
  const passwordHash = await hashPassword(input.password);
  return db.$transaction(async (tx) => {
    await lockForTransaction(tx, "setup");
    if (await tx.user.findFirst({ select: { id: true } })) return { ok: false, reason: "already-set-up" } as const;
    if (how.via === "setup-page") {
      const used = await tx.setupToken.deleteMany({ where: { tokenHash: hashSetupToken(how.setupToken) } });
      if (used.count !== 1) return { ok: false, reason: "bad-token" } as const;
    }
    await tx.setupToken.deleteMany();
    const user = await tx.user.create({
      data: { email: input.email, name: input.name, passwordHash, role: "admin" },
      select: { id: true, email: true },
    });
    await ensureBuiltInProjects(tx);
    await recordAudit(tx, {
      actor: how.via === "environment" ? { type: "system" } : { type: "user", id: user.id, email: user.email },
      action: "setup.completed",
      summary: `First administrator ${user.email} created (${how.via === "environment" ? "from KEYDESK_ADMIN_EMAIL" : "setup page"})`,
      targetType: "user",
      targetId: user.id,
      context,
    });
    return { ok: true, userId: user.id } as const;
  });
}
