// Verification is scoped to the project that asks (issue 11), on a real PostgreSQL: every path
// through verification (cached and uncached keys, another project, the built-in Keydesk API
// project, unknown, archived and just-created projects) and the in-memory project table that
// answers the project check without a query.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { clearKeyCache, keyCacheStats } from "@/lib/keys/key-cache";
import { projectTableStats } from "@/lib/keys/project-table";
import { generateSecret } from "@/lib/keys/secret";
import { flushUsage } from "@/lib/keys/usage";
import { verifyKey, type VerifyInput } from "@/lib/keys/verify";
import { createApiKey } from "@/lib/services/api-keys";
import { archiveProject, createProject as createProjectService, updateProject } from "@/lib/services/projects";
import { createVerifyHandler } from "@/server/verify-handler";
import { context, createProject, seedBase, userActor } from "./support/fixtures";

let actor: ReturnType<typeof userActor>;
let defaultProject: { id: string; slug: string };
let systemProject: { id: string; slug: string };
let counter = 0;

beforeAll(async () => {
  const base = await seedBase();
  actor = userActor(base.admin);
  defaultProject = base.project;
  systemProject = await db.project.findUniqueOrThrow({ where: { slug: "keydesk-api" } });
});

async function createKey(projectId: string, overrides: Record<string, unknown> = {}) {
  counter += 1;
  return createApiKey(actor, { projectId, name: `Isolation ${counter}`, expiry: "30d", ...overrides }, context);
}

let prefixes = 0;
/** A project through the real service (which announces it to the verifiers). */
function newProject(name: string) {
  prefixes += 1;
  return createProjectService(
    actor,
    { name: `${name} ${Date.now()}`, keyPrefix: `iso${prefixes}${Date.now() % 10000}`, activeKeyLimit: 20, maxLifetimeDays: null, allowNoExpiry: true },
    context,
  );
}

async function answer(input: VerifyInput) {
  const result = await verifyKey(input);
  return { status: result.status, body: result.body as Record<string, unknown> };
}

const NOT_FOUND = { status: 200, body: { valid: false, code: "NOT_FOUND" } };
/** Database queries verification made: key lookups and project table loads. */
const queries = () => keyCacheStats().lookups + projectTableStats().loads;

describe("a key of another project", () => {
  it("answers NOT_FOUND without key details when the key is not cached, and verifies in its own project after", async () => {
    const other = await createProject();
    const key = await createKey(defaultProject.id, { externalId: "acme", metadata: { plan: "pro" } });
    clearKeyCache();
    expect(await answer({ key: key.secret, project: other.slug })).toEqual(NOT_FOUND);
    expect(await answer({ key: key.secret, project: other.id })).toEqual(NOT_FOUND);
    expect(await answer({ key: key.secret, project: defaultProject.slug })).toMatchObject({
      status: 200,
      body: { valid: true, code: "VALID", key: { id: key.publicId, externalId: "acme", metadata: { plan: "pro" } } },
    });
  });

  it("answers NOT_FOUND when the key is cached, without a query and without counting usage", async () => {
    const other = await createProject();
    const key = await createKey(defaultProject.id);
    expect((await answer({ key: key.secret, project: "default" })).body.code).toBe("VALID");
    const before = queries();
    expect(await answer({ key: key.secret, project: other.slug })).toEqual(NOT_FOUND);
    expect(queries()).toBe(before);
    await flushUsage();
    const usage = await db.keyUsageDaily.findMany({ where: { keyId: key.id } });
    expect(usage.map(({ valid, revoked, expired, disabled, forbidden }) => ({ valid, revoked, expired, disabled, forbidden }))).toEqual([
      { valid: 1, revoked: 0, expired: 0, disabled: 0, forbidden: 0 },
    ]);
  });

  it("is also NOT_FOUND for every denial code: nothing about the key leaks across projects", async () => {
    const other = await createProject();
    const key = await createKey(defaultProject.id, { constraints: [{ type: "verb", methods: ["GET"] }] });
    // FORBIDDEN in its own project…
    expect((await answer({ key: key.secret, project: "default", method: "POST" })).body.code).toBe("FORBIDDEN");
    // …but elsewhere exactly an unknown key, whatever the request.
    expect(await answer({ key: key.secret, project: other.slug, method: "POST" })).toEqual(NOT_FOUND);
    await db.apiKey.update({ where: { publicId: key.publicId }, data: { revokedAt: new Date() } });
    clearKeyCache();
    expect(await answer({ key: key.secret, project: other.slug })).toEqual(NOT_FOUND);
    expect((await answer({ key: key.secret, project: "default" })).body.code).toBe("REVOKED");
  });

  it("gets a response byte-identical to an unknown key's over HTTP", async () => {
    const handler = createVerifyHandler({ log: () => undefined });
    const server = http.createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const other = await createProject();
      const key = await createKey(defaultProject.id);
      const post = async (body: object) => {
        const response = await fetch(`${base}/api/v1/keys/verify`, { method: "POST", body: JSON.stringify(body) });
        return { status: response.status, type: response.headers.get("content-type"), text: await response.text() };
      };
      const unknown = await post({ key: generateSecret("kd").secret, project: other.slug });
      const foreign = await post({ key: key.secret, project: other.slug });
      expect(foreign).toEqual(unknown);
      expect(foreign.text).toBe('{"valid":false,"code":"NOT_FOUND"}');
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

describe("the built-in Keydesk API project", () => {
  it("verifies management keys only when project names it, by slug or id", async () => {
    const management = await createKey(systemProject.id);
    for (const project of ["default", defaultProject.id]) {
      expect(await answer({ key: management.secret, project })).toEqual(NOT_FOUND);
    }
    expect(await answer({ key: management.secret, project: "keydesk-api" })).toMatchObject({ body: { code: "VALID", key: { id: management.publicId } } });
    expect((await answer({ key: management.secret, project: systemProject.id })).body.code).toBe("VALID");
  });

  it("does not verify other projects' keys", async () => {
    const key = await createKey(defaultProject.id);
    expect(await answer({ key: key.secret, project: "keydesk-api" })).toEqual(NOT_FOUND);
  });
});

describe("naming the project", () => {
  it("accepts slug or id in any letter case", async () => {
    const key = await createKey(defaultProject.id);
    for (const project of ["default", "DEFAULT", defaultProject.id, defaultProject.id.toUpperCase()]) {
      expect((await answer({ key: key.secret, project })).body.code, project).toBe("VALID");
    }
  });

  it("is required: 422 invalid_request that says to send project", async () => {
    const key = await createKey(defaultProject.id);
    for (const project of [undefined, null, 42, true, ["default"], { slug: "default" }]) {
      const result = await answer({ key: key.secret, project });
      expect(result.status, JSON.stringify(project)).toBe(422);
      expect(result.body).toEqual({ error: { code: "invalid_request", message: expect.stringContaining('"project"') } });
      expect((result.body.error as { message: string }).message).toMatch(/slug or id/);
    }
  });

  it("answers 422 unknown_project for a project that does not exist, whatever the key", async () => {
    const key = await createKey(defaultProject.id);
    for (const project of ["no-such-project", "00000000-0000-4000-8000-000000000000", "", " default", "default\u0000", "x".repeat(5000), "dé", "../default"]) {
      for (const secret of [key.secret, "kd_malformed", generateSecret("kd").secret]) {
        const result = await answer({ key: secret, project });
        expect(result, `${project.slice(0, 40)} ${secret.slice(0, 12)}`).toEqual({
          status: 422,
          body: { error: { code: "unknown_project", message: expect.stringContaining("slug or id") } },
        });
      }
    }
  });

  it("refreshes the table at most once per interval for names it does not know", async () => {
    // Warm the table and let any earlier refresh interval pass.
    await answer({ key: "kd_x", project: "default" });
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const before = projectTableStats().loads;
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => answer({ key: "kd_x", project: `nope-${i}` })));
    expect(results.every((result) => result.status === 422)).toBe(true);
    expect(projectTableStats().loads - before).toBeLessThanOrEqual(1);
    // Names that cannot be a slug or an id never cause a load.
    const after = projectTableStats().loads;
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await answer({ key: "kd_x", project: "not a slug!" });
    await answer({ key: "kd_x", project: "a".repeat(65) });
    expect(projectTableStats().loads).toBe(after);
  });
});

describe("a project that changes", () => {
  it("works at once when created through the service (its notification reloads the table)", async () => {
    const project = await newProject("Fresh");
    const key = await createKey(project.id);
    expect((await answer({ key: key.secret, project: project.slug })).body.code).toBe("VALID");
  });

  it("works at once when it appeared without a notification (the unknown-name refresh)", async () => {
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const slug = `raw-${Date.now()}`;
    const [row] = await db.$queryRaw<{ id: string }[]>`
      INSERT INTO "Project" ("name", "slug", "keyPrefix") VALUES (${slug}, ${slug}, ${`rw${Date.now() % 100000}`}) RETURNING "id"`;
    const key = await createKey(row!.id);
    expect((await answer({ key: key.secret, project: slug })).body.code).toBe("VALID");
  });

  it("follows a slug rename: the old slug is unknown, the new one works", async () => {
    const project = await newProject("Renamed");
    const key = await createKey(project.id);
    expect((await answer({ key: key.secret, project: project.slug })).body.code).toBe("VALID");
    const renamed = `${project.slug}-new`;
    await updateProject(actor, project.id, { name: project.name, slug: renamed, keyPrefix: project.keyPrefix, activeKeyLimit: 20, maxLifetimeDays: null, allowNoExpiry: true }, context);
    expect((await answer({ key: key.secret, project: renamed })).body.code).toBe("VALID");
    expect((await answer({ key: key.secret, project: project.slug })).status).toBe(422);
  });

  it("answers NOT_FOUND for every key once archived, cached or not, and no key details", async () => {
    const project = await newProject("Archived");
    const cached = await createKey(project.id);
    const uncached = await createKey(project.id);
    expect((await answer({ key: cached.secret, project: project.slug })).body.code).toBe("VALID");
    await archiveProject(actor, { projectId: project.id }, context);
    for (const key of [cached, uncached]) {
      expect(await answer({ key: key.secret, project: project.slug })).toEqual(NOT_FOUND);
      expect(await answer({ key: key.secret, project: project.id })).toEqual(NOT_FOUND);
      expect(await answer({ key: key.secret, project: "default" })).toEqual(NOT_FOUND);
    }
    // Even a key that never existed: the archived project answers nothing else.
    expect(await answer({ key: generateSecret("kd").secret, project: project.slug })).toEqual(NOT_FOUND);
  });
});

describe("cost of the project check", () => {
  it("adds no query to a cached verification", async () => {
    const key = await createKey(defaultProject.id);
    await answer({ key: key.secret, project: "default" });
    const before = queries();
    for (let i = 0; i < 20; i++) expect((await answer({ key: key.secret, project: "default" })).body.code).toBe("VALID");
    expect(queries()).toBe(before);
  });

  it("answers an uncached key with one key lookup and no project query", async () => {
    const key = await createKey(defaultProject.id);
    await answer({ key: "kd_x", project: "default" });
    clearKeyCache();
    const lookups = keyCacheStats().lookups;
    const loads = projectTableStats().loads;
    expect((await answer({ key: key.secret, project: "default" })).body.code).toBe("VALID");
    expect(keyCacheStats().lookups).toBe(lookups + 1);
    expect(projectTableStats().loads).toBe(loads);
  });
});

afterAll(() => {
  clearKeyCache();
});
