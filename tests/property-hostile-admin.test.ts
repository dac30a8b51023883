// Hostile input through the admin console's and the profile's writes (what their server actions
// call) and through every list page's URL parameters: random and malicious values end in a
// clear domain error (a form error or 4xx in the UI) and leave the database as it was, or they
// are accepted as clean, valid data. Never an unexpected exception, which would be a 500.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { PermissionError } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { listUsers } from "@/lib/queries/admin-users";
import { listApiKeys } from "@/lib/queries/api-keys";
import { listAuditEvents } from "@/lib/queries/audit";
import { ServiceError } from "@/lib/services/errors";
import { archiveProject, createProject, updateProject } from "@/lib/services/projects";
import { acceptInvite } from "@/lib/services/invites";
import { changeUserRole, createUser, deactivateUser, reactivateUser, reissueInvite, resetUserPassword } from "@/lib/services/users";
import { changeOwnPassword, updateOwnProfile } from "@/lib/services/profile";
import { userListParamsSchema } from "@/lib/validations/admin-user";
import { apiKeyListParamsSchema } from "@/lib/validations/api-key-list";
import { auditListParamsSchema } from "@/lib/validations/audit";
import { setupSchema } from "@/lib/validations/user";
import { context, createUser as insertUser, seedBase, userActor } from "./support/fixtures";
import { hostileRecord, hostileString, hostileValue } from "./support/hostile";

const RUNS = Number(process.env.KEYDESK_PROPERTY_RUNS ?? 120);
const CONTROL = /[\u0000-\u001f\u007f]/;

let admin: Awaited<ReturnType<typeof seedBase>>["admin"];
let projectId: string;
let viewerId: string;

/** Everything an admin or profile write could touch, in full. */
async function snapshot() {
  const [users, invites, events, projects, keys] = await Promise.all([
    db.user.findMany({ orderBy: { id: "asc" } }),
    db.userInvite.findMany({ orderBy: { id: "asc" } }),
    db.auditEvent.count(),
    db.project.findMany({ orderBy: { id: "asc" } }),
    db.apiKey.count(),
  ]);
  return { users, invites, events, projects, keys };
}

function expectDomainError(error: unknown) {
  expect(error instanceof ServiceError || error instanceof PermissionError, `unexpected ${String(error)}`).toBe(true);
}

/** Runs a write: on success `check` judges the result; on failure nothing may have changed. */
async function refusedOrValid<T>(write: () => Promise<T>, check: (result: T) => Promise<void> | void) {
  const before = await snapshot();
  let result: T;
  try {
    result = await write();
  } catch (error) {
    expectDomainError(error);
    expect(await snapshot()).toEqual(before);
    return;
  }
  await check(result);
}

beforeAll(async () => {
  const base = await seedBase();
  admin = base.admin;
  projectId = base.project.id;
  viewerId = (await insertUser("viewer")).id;
});

const userId = fc.oneof(hostileValue, fc.uuid(), fc.constant("00000000-0000-4000-8000-000000000000"));

describe("admin → users", () => {
  it("create: hostile forms are refused cleanly, or make a clean user", async () => {
    await fc.assert(
      fc.asyncProperty(hostileRecord, async (raw) => {
        await refusedOrValid(
          () => createUser(userActor(admin), raw, context),
          async (created) => {
            const stored = await db.user.findUniqueOrThrow({ where: { id: created.id } });
            expect(stored.email).toBe(stored.email.toLowerCase());
            expect(stored.name.trim()).toBe(stored.name);
            expect(stored.name).not.toMatch(CONTROL);
            expect(["admin", "manager", "viewer"]).toContain(stored.role);
          },
        );
      }),
      { numRuns: RUNS },
    );
  });

  it("role change, deactivate, reactivate, reissue invite and password reset with forged ids and values change nothing", async () => {
    await fc.assert(
      fc.asyncProperty(userId, hostileValue, async (id, role) => {
        for (const write of <(() => Promise<unknown>)[]>[
          () => changeUserRole(userActor(admin), { userId: id, role }, context),
          () => deactivateUser(userActor(admin), { userId: id }, context),
          () => reactivateUser(userActor(admin), { userId: id }, context),
          () => reissueInvite(userActor(admin), { userId: id }, context),
          () => resetUserPassword(userActor(admin), { userId: id }, context),
        ]) {
          await refusedOrValid(write, () => expect.fail("a forged id must not reach a user"));
        }
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });

  it("a role change of a real user with a hostile role is refused and changes nothing", async () => {
    await fc.assert(
      fc.asyncProperty(hostileValue, async (role) => {
        await refusedOrValid(
          () => changeUserRole(userActor(admin), { userId: viewerId, role }, context),
          async () => {
            expect(["admin", "manager"]).toContain(role);
            // Put it back for the next run.
            await db.user.update({ where: { id: viewerId }, data: { role: "viewer" } });
          },
        );
      }),
      { numRuns: RUNS },
    );
  });

  it("accepting an invite with hostile tokens and passwords is refused and changes nothing", async () => {
    await fc.assert(
      fc.asyncProperty(hostileRecord, async (raw) => {
        await refusedOrValid(() => acceptInvite(raw, context), () => expect.fail("no invite exists to accept"));
      }),
      { numRuns: RUNS },
    );
  });
});

describe("profile", () => {
  it("name and password changes with hostile values are refused, or save clean text", async () => {
    const viewer = await db.user.findUniqueOrThrow({ where: { id: viewerId } });
    await fc.assert(
      fc.asyncProperty(hostileValue, hostileRecord, async (name, passwords) => {
        await refusedOrValid(
          () => updateOwnProfile(userActor(viewer), { name }, context),
          async () => {
            const stored = await db.user.findUniqueOrThrow({ where: { id: viewerId } });
            expect(stored.name.length).toBeGreaterThan(0);
            expect(stored.name).not.toMatch(CONTROL);
          },
        );
        // The viewer has no password, so no current password can be right.
        await refusedOrValid(() => changeOwnPassword(userActor(viewer), passwords, context), () => expect.fail("no current password can match"));
      }),
      { numRuns: RUNS },
    );
  });
});

describe("admin → projects", () => {
  it("create and update with hostile forms are refused cleanly, or store valid settings", async () => {
    const checkProject = async (id: string) => {
      const stored = await db.project.findUniqueOrThrow({ where: { id } });
      expect(stored.name).not.toMatch(CONTROL);
      expect(stored.slug).toMatch(/^[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(stored.keyPrefix).toMatch(/^[a-z0-9]{2,12}$/);
      expect(stored.activeKeyLimit).toBeGreaterThanOrEqual(1);
      if (stored.maxLifetimeDays !== null) expect(stored.maxLifetimeDays).toBeGreaterThanOrEqual(1);
    };
    await fc.assert(
      fc.asyncProperty(hostileRecord, fc.oneof(fc.constant(projectId), userId), async (raw, id) => {
        await refusedOrValid(() => createProject(userActor(admin), raw, context), (created) => checkProject(created.id));
        await refusedOrValid(
          () => updateProject(userActor(admin), id as string, raw, context),
          (updated) => checkProject(updated.project.id),
        );
        await refusedOrValid(() => archiveProject(userActor(admin), { projectId: id === projectId ? "not-an-id" : id }, context), () => expect.fail("a forged id must not archive a project"));
      }),
      { numRuns: RUNS },
    );
  });
});

describe("first-run setup", () => {
  it("its schema refuses hostile forms with field errors and never throws", () => {
    fc.assert(
      fc.property(hostileRecord, (raw) => {
        const parsed = setupSchema.safeParse(raw);
        if (parsed.success) {
          expect(parsed.data.email).toBe(parsed.data.email.toLowerCase());
          expect(parsed.data.name).not.toMatch(CONTROL);
        } else {
          expect(parsed.error.issues.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: RUNS * 4 },
    );
  });
});

describe("list pages' URL parameters", () => {
  const searchParams = fc.dictionary(
    fc.oneof(fc.constantFrom("q", "status", "sort", "dir", "page", "project", "actor", "action", "key", "from", "to"), hostileString),
    fc.oneof(hostileString, fc.array(hostileString, { maxLength: 3 })),
    { maxKeys: 8 },
  );

  it("any query string renders a page of keys, users or audit events: bad values fall back to defaults", async () => {
    await fc.assert(
      fc.asyncProperty(searchParams, async (raw) => {
        const first = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
        const keys = await listApiKeys(projectId, apiKeyListParamsSchema.parse(first));
        expect(keys.rows.length).toBeLessThanOrEqual(keys.pageSize);
        const users = await listUsers(userListParamsSchema.parse(first));
        expect(Array.isArray(users.rows)).toBe(true);
        const events = await listAuditEvents(auditListParamsSchema.parse(first));
        expect(Array.isArray(events.rows)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });
});
