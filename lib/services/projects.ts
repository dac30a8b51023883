// Writes on projects: create, edit, archive. Administrators only (projects.manage). Every write
// and its audit event share one transaction; archiving also tells every verifier to forget the
// project's keys, because an archived project's keys must stop verifying at once. Every write
// also tells the verifiers' project tables (lib/keys/project-table.ts) to reload, so a new slug
// verifies at once everywhere and an archived project stops at once.
import { canonicalJson, recordAudit, type RequestContext } from "@/lib/audit";
import { db, type Tx } from "@/lib/db";
import { lockForTransaction } from "@/lib/db/locks";
import { Prisma } from "@/lib/generated/prisma/client";
import { KEY_CHANGED_CHANNEL, emitKeyChanged, emitProjectChanged, notifyProjectChanged } from "@/lib/keys/invalidation";
import { projectSelect } from "@/lib/queries/projects";
import { assertActorCan, auditActorOf, type Actor } from "@/lib/services/actor";
import { ServiceError, fieldError, invalid } from "@/lib/services/errors";
import {
  PROJECT_SLUG_MAX_LENGTH,
  archiveProjectSchema,
  createProjectSchema,
  isValidSlug,
  projectIdSchema,
  slugify,
  updateProjectSchema,
} from "@/lib/validations/project";
import { creditsJson, ratelimitsJson } from "@/lib/validations/limits";


export interface ProjectRecord {
  id: string;
  name: string;
  slug: string;
  keyPrefix: string;
  activeKeyLimit: number;
  maxLifetimeDays: number | null;
  allowNoExpiry: boolean;
  requestRetentionDays: number;
  logUnknownKeys: boolean;
  /** Stored as REST shows them (lib/validations/limits.ts: ratelimitsJson, creditsJson). */
  defaultRatelimits: Prisma.JsonValue;
  defaultCredits: Prisma.JsonValue;
  capLimitsAtDefaults: boolean;
  leakPolicy: "revoke" | "report";
  isSystem: boolean;
  archivedAt: Date | null;
}


/** The settings that are audited when they change, in the order the form shows them. */
const AUDITED_FIELDS = [
  "name",
  "slug",
  "keyPrefix",
  "activeKeyLimit",
  "maxLifetimeDays",
  "allowNoExpiry",
  "defaultRatelimits",
  "defaultCredits",
  "capLimitsAtDefaults",
  "requestRetentionDays",
  "logUnknownKeys",
  "leakPolicy",
] as const;
type AuditedField = (typeof AUDITED_FIELDS)[number];

/** Prisma writes SQL NULL into a Json? column only when told so explicitly. */
function jsonOrNull(value: Prisma.InputJsonValue | null): Prisma.InputJsonValue | typeof Prisma.DbNull {
  return value === null ? Prisma.DbNull : value;
}

/** Serialises project writes, so the slug and prefix checks below cannot race each other. */
async function takeWriteLock(tx: Tx): Promise<void> {
  await lockForTransaction(tx, "projectWrite");
}

async function assertSlugFree(tx: Tx, slug: string, exceptId?: string): Promise<void> {
  const clash = await tx.project.findFirst({
    where: { slug, ...(exceptId ? { NOT: { id: exceptId } } : {}) },
    select: { name: true },
  });
  if (clash) throw fieldError("slug", `The project "${clash.name}" already uses the slug "${slug}". Choose another.`, "conflict");
}

async function assertPrefixFree(tx: Tx, keyPrefix: string, exceptId?: string): Promise<void> {
  const clash = await tx.project.findFirst({
    where: { keyPrefix, ...(exceptId ? { NOT: { id: exceptId } } : {}) },
    select: { name: true },
  });
  if (clash) {
    throw fieldError(
      "keyPrefix",
      `The project "${clash.name}" already uses the prefix "${keyPrefix}". Prefixes tell keys apart at a glance, so each project needs its own.`,
      "conflict",
    );
  }
}

/** The name's slug, with -2, -3… appended while another project holds it. */
async function deriveSlug(tx: Tx, name: string): Promise<string> {
  const base = slugify(name);
  if (!isValidSlug(base)) {
    throw fieldError("slug", "The name has too few letters or digits to make a slug from. Enter a slug.");
  }
  const taken = new Set(
    (await tx.project.findMany({ where: { slug: { startsWith: base.slice(0, PROJECT_SLUG_MAX_LENGTH - 4) } }, select: { slug: true } })).map(
      (p) => p.slug,
    ),
  );
  for (let n = 1; ; n += 1) {
    const suffix = n === 1 ? "" : `-${n}`;
    const candidate = `${base.slice(0, PROJECT_SLUG_MAX_LENGTH - suffix.length).replace(/-+$/, "")}${suffix}`;
    if (!taken.has(candidate)) return candidate;
  }
}

/** A maximum lifetime already rules out keys without expiry; storing that keeps the list honest. */
function effectiveAllowNoExpiry(maxLifetimeDays: number | null, allowNoExpiry: boolean): boolean {
  return maxLifetimeDays === null ? allowNoExpiry : false;
}

export async function createProject(actor: Actor, raw: unknown, context: RequestContext | null): Promise<ProjectRecord> {
  assertActorCan(actor, "projects.manage");
  const parsed = createProjectSchema.safeParse(raw);
  if (!parsed.success) throw invalid(parsed.error);
  const input = parsed.data;

  const created = await db.$transaction(async (tx) => {
    await takeWriteLock(tx);
    const slug = input.slug ?? (await deriveSlug(tx, input.name));
    await assertSlugFree(tx, slug);
    await assertPrefixFree(tx, input.keyPrefix);
    const project = await tx.project.create({
      data: {
        name: input.name,
        slug,
        keyPrefix: input.keyPrefix,
        activeKeyLimit: input.activeKeyLimit,
        maxLifetimeDays: input.maxLifetimeDays,
        allowNoExpiry: effectiveAllowNoExpiry(input.maxLifetimeDays, input.allowNoExpiry),
        requestRetentionDays: input.requestRetentionDays,
        logUnknownKeys: input.logUnknownKeys,
        defaultRatelimits: ratelimitsJson(input.defaultRatelimits),
        defaultCredits: jsonOrNull(creditsJson(input.defaultCredits)),
        capLimitsAtDefaults: input.capLimitsAtDefaults,
        leakPolicy: input.leakPolicy,
      },
      select: projectSelect,
    });
    await recordAudit(tx, {
      actor: auditActorOf(actor),
      action: "project.created",
      summary: `Created project "${project.name}" (${project.slug}, prefix ${project.keyPrefix}_)`,
      targetType: "project",
      targetId: project.id,
      projectId: project.id,
      metadata: {
        slug: project.slug,
        keyPrefix: project.keyPrefix,
        activeKeyLimit: project.activeKeyLimit,
        maxLifetimeDays: project.maxLifetimeDays,
        allowNoExpiry: project.allowNoExpiry,
        requestRetentionDays: project.requestRetentionDays,
        logUnknownKeys: project.logUnknownKeys,
        defaultRatelimits: project.defaultRatelimits,
        defaultCredits: project.defaultCredits,
        capLimitsAtDefaults: project.capLimitsAtDefaults,
        leakPolicy: project.leakPolicy,
      },
      context,
    });
    await notifyProjectChanged(tx, project.id);
    return project;
  });
  emitProjectChanged(created.id);
  return created;
}

async function lockProjectRow(tx: Tx, projectId: string): Promise<ProjectRecord> {
  const id = projectIdSchema.safeParse(projectId);
  if (!id.success) throw new ServiceError("not_found", "That project does not exist.");
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT "id" FROM "Project" WHERE "id" = ${id.data}::uuid FOR UPDATE`;
  if (locked.length === 0) throw new ServiceError("not_found", "That project does not exist.");
  return tx.project.findUniqueOrThrow({ where: { id: id.data }, select: projectSelect });
}

export async function updateProject(
  actor: Actor,
  projectId: string,
  raw: unknown,
  context: RequestContext | null,
): Promise<{ project: ProjectRecord; changed: AuditedField[] }> {
  assertActorCan(actor, "projects.manage");
  const parsed = updateProjectSchema.safeParse(raw);
  if (!parsed.success) throw invalid(parsed.error);
  const input = parsed.data;

  const result = await db.$transaction(async (tx) => {
    await takeWriteLock(tx);
    const current = await lockProjectRow(tx, projectId);
    if (current.archivedAt) throw new ServiceError("conflict", `"${current.name}" is archived; archived projects cannot be edited.`);

    const next = {
      name: input.name,
      slug: input.slug ?? current.slug,
      keyPrefix: input.keyPrefix ?? current.keyPrefix,
      activeKeyLimit: input.activeKeyLimit,
      maxLifetimeDays: input.maxLifetimeDays,
      allowNoExpiry: effectiveAllowNoExpiry(input.maxLifetimeDays, input.allowNoExpiry),
      requestRetentionDays: input.requestRetentionDays ?? current.requestRetentionDays,
      logUnknownKeys: input.logUnknownKeys,
      defaultRatelimits: ratelimitsJson(input.defaultRatelimits),
      defaultCredits: creditsJson(input.defaultCredits),
      capLimitsAtDefaults: input.capLimitsAtDefaults,
      leakPolicy: input.leakPolicy,
    };
    // JSON settings compare by content (jsonb does not keep key order).
    const changed = AUDITED_FIELDS.filter((field) => canonicalJson(next[field]) !== canonicalJson(current[field]));
    if (changed.length === 0) return { project: current, changed };

    if (changed.includes("keyPrefix")) {
      if (current.isSystem) {
        throw fieldError(
          "keyPrefix",
          `The prefix of the built-in "${current.name}" project cannot change: management tools recognise its keys by "${current.keyPrefix}_".`,
          "forbidden",
        );
      }
      const hasKeys = await tx.apiKey.findFirst({ where: { projectId: current.id }, select: { id: true } });
      if (hasKeys) {
        throw fieldError(
          "keyPrefix",
          `The key prefix is fixed once a project has keys: existing secrets start with "${current.keyPrefix}_", and changing it would make the prefix lie about them. Create a new project for a new prefix.`,
          "conflict",
        );
      }
      await assertPrefixFree(tx, next.keyPrefix, current.id);
    }
    if (changed.includes("slug")) await assertSlugFree(tx, next.slug, current.id);

    const project = await tx.project.update({
      where: { id: current.id },
      data: { ...next, defaultCredits: jsonOrNull(next.defaultCredits) },
      select: projectSelect,
    });
    const changes = Object.fromEntries(changed.map((field) => [field, { from: current[field], to: project[field] }]));
    await recordAudit(tx, {
      actor: auditActorOf(actor),
      action: "project.updated",
      summary: `Edited project "${project.name}": ${changed.join(", ")}`,
      targetType: "project",
      targetId: project.id,
      projectId: project.id,
      metadata: { changes },
      context,
    });
    await notifyProjectChanged(tx, project.id);
    return { project, changed };
  });
  if (result.changed.length > 0) emitProjectChanged(result.project.id);
  return result;
}

export async function archiveProject(
  actor: Actor,
  raw: unknown,
  context: RequestContext | null,
): Promise<{ project: ProjectRecord; stoppedKeys: number }> {
  assertActorCan(actor, "projects.manage");
  const parsed = archiveProjectSchema.safeParse(raw);
  if (!parsed.success) throw new ServiceError("not_found", "That project does not exist.");

  const result = await db.$transaction(async (tx) => {
    // The row lock queues this behind key creates in the project (they lock it too) and makes
    // every create after it see the archive.
    const current = await lockProjectRow(tx, parsed.data.projectId);
    if (current.isSystem) {
      throw new ServiceError("forbidden", `The built-in "${current.name}" project cannot be archived: its keys manage Keydesk itself.`);
    }
    if (current.archivedAt) throw new ServiceError("conflict", `"${current.name}" is already archived.`);

    const now = new Date();
    const project = await tx.project.update({ where: { id: current.id }, data: { archivedAt: now }, select: projectSelect });
    // Revoked keys already fail verification; every other key's cached answer is now wrong.
    const keys = await tx.apiKey.findMany({
      where: { projectId: current.id, revokedAt: null },
      select: { hash: true, expiresAt: true },
    });
    const stoppedKeys = keys.filter((key) => key.expiresAt === null || key.expiresAt > now).length;
    await recordAudit(tx, {
      actor: auditActorOf(actor),
      action: "project.archived",
      summary: `Archived project "${project.name}"; ${stoppedKeys === 1 ? "1 active key" : `${stoppedKeys} active keys`} stopped working`,
      targetType: "project",
      targetId: project.id,
      projectId: project.id,
      metadata: { activeKeys: stoppedKeys },
      context,
    });
    // One notification per key, like notifyKeyChanged, but in a single statement: a project can
    // hold thousands of expired keys. Delivered at commit, and only if the archive commits.
    await tx.$executeRaw`
      SELECT pg_notify(${KEY_CHANGED_CHANNEL}, "hash")
      FROM "ApiKey" WHERE "projectId" = ${current.id}::uuid AND "revokedAt" IS NULL`;
    await notifyProjectChanged(tx, project.id);
    return { project, stoppedKeys, hashes: keys.map((key) => key.hash) };
  });

  emitProjectChanged(result.project.id);
  for (const hash of result.hashes) emitKeyChanged(hash);
  return { project: result.project, stoppedKeys: result.stoppedKeys };
}
