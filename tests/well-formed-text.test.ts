// Lone UTF-16 surrogates (half an emoji) in names and setup/invite fields used to reach
// PostgreSQL and answer 500. Every such field now refuses them as a field error, and nothing
// is written.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { ServiceError } from "@/lib/services/errors";
import { updateOwnProfile } from "@/lib/services/profile";
import { createProject } from "@/lib/services/projects";
import { acceptInvite } from "@/lib/services/invites";
import { createUser } from "@/lib/services/users";
import { userListParamsSchema } from "@/lib/validations/admin-user";
import { setupSchema } from "@/lib/validations/user";
import { context, seedBase, userActor } from "./support/fixtures";

type Admin = Awaited<ReturnType<typeof seedBase>>["admin"];
let admin: Admin;

beforeAll(async () => {
  admin = (await seedBase()).admin;
});

const LONE = ["\uD83D", "\uDE00", "a\uD83Db", "x\uDC00\uD800y", "\uD83D\uDE00\uD83D"];

async function fieldErrorOf(work: () => Promise<unknown>): Promise<Record<string, string[] | undefined>> {
  const error = await work().then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServiceError);
  expect((error as ServiceError).code).toBe("invalid");
  return (error as ServiceError).fieldErrors ?? {};
}

describe("lone surrogates", () => {
  it.each(LONE)("in a user's name %j: a field error when creating them and on Profile", async (bad) => {
    const before = await db.user.count();
    const errors = await fieldErrorOf(() => createUser(userActor(admin), { name: `Vera ${bad}`, email: "vera.s@example.com", role: "viewer", method: "password" }, context));
    expect(errors.name?.[0]).toMatch(/invalid character/);
    expect(await db.user.count()).toBe(before);
    const profile = await fieldErrorOf(() => updateOwnProfile(userActor(admin), { name: `Ada ${bad}` }, context));
    expect(profile.name?.[0]).toMatch(/invalid character/);
  });

  it.each(LONE)("in a project's name %j: a field error", async (bad) => {
    const before = await db.project.count();
    const errors = await fieldErrorOf(() =>
      createProject(userActor(admin), { name: `Billing ${bad}`, keyPrefix: "bil", activeKeyLimit: 10, maxLifetimeDays: null, allowNoExpiry: true }, context),
    );
    expect(errors.name?.[0]).toMatch(/invalid character/);
    expect(await db.project.count()).toBe(before);
  });

  it("in setup and invite fields: field errors, never a database error", async () => {
    const setup = setupSchema.safeParse({ email: "ada\uD83D@example.com", name: "Ada\uDE00", password: "long-enough-\uD83D-password" });
    expect(setup.success).toBe(false);
    const paths = setup.error!.issues.map((issue) => issue.path[0]);
    expect(paths).toEqual(expect.arrayContaining(["email", "name", "password"]));

    const invited = await createUser(userActor(admin), { name: "Ivy Invitee", email: "ivy@example.com", role: "viewer", method: "invite" }, context);
    const errors = await fieldErrorOf(() => acceptInvite({ token: invited.inviteToken, password: "pass\uD83Dword-long", confirmPassword: "pass\uD83Dword-long" }, context));
    expect(errors.password?.[0]).toMatch(/invalid character/);
    expect((await db.user.findUniqueOrThrow({ where: { id: invited.id } })).passwordHash).toBeNull();
  });

  it("in the users list's search: searches for nothing instead of failing", () => {
    expect(userListParamsSchema.parse({ q: "ad\uD83Da" }).q).toBe("");
    expect(userListParamsSchema.parse({ q: "ada \uD83D\uDE00" }).q).toBe("ada \uD83D\uDE00");
  });

  it("a whole emoji is fine", async () => {
    const result = await updateOwnProfile(userActor(admin), { name: "Ada \uD83D\uDE00" }, context);
    expect(result.name).toBe("Ada \uD83D\uDE00");
  });
});
