// "Find a key by its secret": the pasted text is hashed and looked up, never stored; strings that
// cannot be secrets never reach the database, and nothing about other keys is revealed.
import { beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { generateSecret } from "@/lib/keys/secret";
import { findKeyBySecret } from "@/lib/queries/find-key";
import { createApiKey, revokeApiKey } from "@/lib/services/api-keys";
import { context, createProject, seedBase, userActor } from "./support/fixtures";

let admin: Awaited<ReturnType<typeof seedBase>>["admin"];
let project: Awaited<ReturnType<typeof createProject>>;

beforeAll(async () => {
  ({ admin } = await seedBase());
  project = await createProject();
});

describe("findKeyBySecret", () => {
  it("names the key a pasted secret belongs to, even with whitespace around it", async () => {
    const created = await createApiKey(userActor(admin), { projectId: project.id, name: "Leaky CI job", expiry: "never" }, context);
    const result = await findKeyBySecret(`  ${created.secret}\n`);
    expect(result).toEqual({
      found: {
        publicId: created.publicId,
        name: "Leaky CI job",
        maskedKey: created.maskedKey,
        project: { name: project.name, slug: project.slug },
        revoked: false,
      },
    });
    // What comes back holds no secret.
    expect(JSON.stringify(result)).not.toContain(created.secret);
  });

  it("finds revoked keys too, and says so", async () => {
    const created = await createApiKey(userActor(admin), { projectId: project.id, name: "Old leak", expiry: "never" }, context);
    await revokeApiKey(userActor(admin), { keyId: created.publicId }, context);
    expect(await findKeyBySecret(created.secret)).toMatchObject({ found: { name: "Old leak", revoked: true } });
  });

  it("tells an unknown secret from something that is not a secret at all", async () => {
    expect(await findKeyBySecret(generateSecret(project.keyPrefix).secret)).toEqual({ notFound: "unknown" });
    const created = await createApiKey(userActor(admin), { projectId: project.id, name: "Typo", expiry: "never" }, context);
    // One character changed: the checksum fails, so it is not looked up.
    const last = created.secret.at(-1) === "A" ? "B" : "A";
    expect(await findKeyBySecret(created.secret.slice(0, -1) + last)).toEqual({ notFound: "format" });
    for (const junk of ["", "kd_", "' OR 1=1 --", "x".repeat(100_000)]) expect(await findKeyBySecret(junk)).toEqual({ notFound: "format" });
  });

  it("stores nothing of what was pasted", async () => {
    const created = await createApiKey(userActor(admin), { projectId: project.id, name: "Quiet", expiry: "never" }, context);
    const before = await db.auditEvent.count();
    await findKeyBySecret(created.secret);
    expect(await db.auditEvent.count()).toBe(before);
    const leakReports = await db.leakReport.count();
    expect(leakReports).toBe(0);
  });
});
