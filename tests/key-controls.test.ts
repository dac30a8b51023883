// The per-key controls of issue 11 through the real services on a real PostgreSQL: disable and
// enable, owner (externalId) and metadata, ip rules at verification, and bulk revoke.
import { beforeAll, describe, expect, it } from "vitest";
import { PermissionError } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { verifyKey, type VerifyInput } from "@/lib/keys/verify";
import { listApiKeys } from "@/lib/queries/api-keys";
import type { Actor } from "@/lib/services/actor";
import { createApiKey, revokeApiKey, revokeApiKeys, setApiKeyEnabled, updateApiKey } from "@/lib/services/api-keys";
import { ServiceError } from "@/lib/services/errors";
import { apiKeyListParamsSchema } from "@/lib/validations/api-key-list";
import { context, createProject, createUser, seedBase, userActor } from "./support/fixtures";

let admin: Awaited<ReturnType<typeof seedBase>>["admin"];
let actor: Actor;
let projectId: string;
let projectSlug: string;
let counter = 0;

beforeAll(async () => {
  const base = await seedBase();
  admin = base.admin;
  actor = userActor(admin);
  // A project of its own with room for every key this file creates.
  const project = await createProject({ activeKeyLimit: 1000 });
  projectId = project.id;
  projectSlug = project.slug;
});

async function createKey(overrides: Record<string, unknown> = {}, by: Actor = actor) {
  counter += 1;
  return createApiKey(by, { projectId, name: `Controls ${counter}`, expiry: "30d", ...overrides }, context);
}

async function verified(input: Omit<VerifyInput, "project">, now?: Date) {
  const result = await verifyKey({ project: projectSlug, ...input }, now);
  if (result.status !== 200) throw new Error(`expected 200, got ${result.status}`);
  return result.body;
}

async function failure(promise: Promise<unknown>): Promise<ServiceError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServiceError);
  return error as ServiceError;
}

/** What a failed write must leave untouched. */
async function snapshot(keyId: string) {
  const key = await db.apiKey.findUniqueOrThrow({ where: { publicId: keyId }, select: { name: true, description: true, enabled: true, externalId: true, metadata: true, updatedAt: true } });
  return { key, events: await db.auditEvent.count() };
}

describe("disable and enable", () => {
  it("answers DISABLED with the key's details while disabled, VALID again once enabled, and audits both", async () => {
    const key = await createKey({ externalId: "acme" });
    expect((await verified({ key: key.secret })).code).toBe("VALID");

    const disabled = await setApiKeyEnabled(actor, { keyId: key.publicId, enabled: false }, context);
    expect(disabled.enabled).toBe(false);
    expect(await verified({ key: key.secret })).toEqual({
      valid: false,
      code: "DISABLED",
      key: { id: key.publicId, name: key.name, projectId, externalId: "acme", metadata: {}, expiresAt: key.expiresAt?.toISOString() },
    });

    await setApiKeyEnabled(actor, { keyId: key.publicId, enabled: true }, context);
    expect((await verified({ key: key.secret })).code).toBe("VALID");

    const events = await db.auditEvent.findMany({ where: { targetId: key.publicId }, orderBy: { id: "asc" }, select: { action: true, summary: true, actorUserId: true } });
    expect(events.map((e) => e.action)).toEqual(["key.created", "key.disabled", "key.enabled"]);
    expect(events[1]).toMatchObject({ summary: `Disabled key "${key.name}" (${key.publicId})`, actorUserId: admin.id });
  });

  it("is idempotent: disabling a disabled key changes and records nothing", async () => {
    const key = await createKey();
    await setApiKeyEnabled(actor, { keyId: key.publicId, enabled: "false" }, context);
    const events = await db.auditEvent.count({ where: { targetId: key.publicId } });
    await setApiKeyEnabled(actor, { keyId: key.publicId, enabled: false }, context);
    expect(await db.auditEvent.count({ where: { targetId: key.publicId } })).toBe(events);
  });

  it("cannot bring back a revoked key, and needs an administrator", async () => {
    const key = await createKey();
    await setApiKeyEnabled(actor, { keyId: key.publicId, enabled: false }, context);
    await revokeApiKey(actor, { keyId: key.publicId }, context);
    const error = await failure(setApiKeyEnabled(actor, { keyId: key.publicId, enabled: true }, context));
    expect(error.code).toBe("conflict");
    expect((await verified({ key: key.secret })).code).toBe("REVOKED");

    const other = await createKey();
    for (const role of ["manager", "viewer"] as const) {
      const user = await createUser(role);
      await expect(setApiKeyEnabled(userActor(user), { keyId: other.publicId, enabled: false }, context)).rejects.toBeInstanceOf(PermissionError);
    }
    expect((await verified({ key: other.secret })).code).toBe("VALID");
  });

  it("shows as Disabled in the list, its status filter and the precedence of statuses", async () => {
    const key = await createKey({ name: `Filter target ${Date.now()}` });
    await setApiKeyEnabled(actor, { keyId: key.publicId, enabled: false }, context);
    const params = (query: Record<string, string>) => apiKeyListParamsSchema.parse({ q: key.name, ...query });
    expect((await listApiKeys(projectId, params({}))).rows).toEqual([expect.objectContaining({ publicId: key.publicId, status: "disabled", enabled: false })]);
    expect((await listApiKeys(projectId, params({ status: "disabled" }))).rows).toHaveLength(1);
    expect((await listApiKeys(projectId, params({ status: "active" }))).rows).toHaveLength(0);
    await db.apiKey.update({ where: { publicId: key.publicId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    // Expired wins over disabled, as in verification.
    expect((await listApiKeys(projectId, params({ status: "expired" }))).rows).toEqual([expect.objectContaining({ status: "expired" })]);
    expect((await listApiKeys(projectId, params({ status: "disabled" }))).rows).toHaveLength(0);
  });
});

describe("owner and metadata", () => {
  it("are set at create, returned on VALID, changed and cleared by an edit, and verification sees each change at once", async () => {
    const key = await createKey({ externalId: " device-42 ", metadata: { plan: "pro", limits: { rps: 5 } } });
    expect((await verified({ key: key.secret })).key).toMatchObject({ externalId: "device-42", metadata: { plan: "pro", limits: { rps: 5 } } });

    await updateApiKey(actor, key.publicId, { externalId: "device-43", metadata: '{"plan": "team"}' }, context);
    expect((await verified({ key: key.secret })).key).toMatchObject({ externalId: "device-43", metadata: { plan: "team" } });

    await updateApiKey(actor, key.publicId, { externalId: null, metadata: null }, context);
    const cleared = await verified({ key: key.secret });
    expect(cleared.key?.externalId).toBeNull();
    expect(cleared.key?.metadata).toEqual({});

    const events = await db.auditEvent.findMany({ where: { targetId: key.publicId, action: "key.updated" }, orderBy: { id: "asc" }, select: { metadata: true } });
    expect(events[0]?.metadata).toMatchObject({
      changes: { externalId: { from: "device-42", to: "device-43" }, metadata: { from: { plan: "pro", limits: { rps: 5 } }, to: { plan: "team" } } },
    });
  });

  it("keeps each answer's metadata apart: changing one answer cannot change the next", async () => {
    const key = await createKey({ metadata: { plan: "pro" } });
    const first = await verified({ key: key.secret });
    expect(() => {
      (first.key?.metadata as Record<string, unknown>).plan = "free";
    }).toThrow(TypeError);
    expect((await verified({ key: key.secret })).key?.metadata).toEqual({ plan: "pro" });
  });

  it("an edit that repeats the current values records nothing", async () => {
    const key = await createKey({ externalId: "same", metadata: { b: 2, a: 1 } });
    const events = await db.auditEvent.count({ where: { targetId: key.publicId } });
    await updateApiKey(actor, key.publicId, { externalId: "same", metadata: '{"a": 1, "b": 2}' }, context);
    expect(await db.auditEvent.count({ where: { targetId: key.publicId } })).toBe(events);
  });

  it.each<[string, Record<string, unknown>, string]>([
    ["invalid JSON", { metadata: "{plan: pro}" }, "metadata"],
    ["a list", { metadata: [1, 2] }, "metadata"],
    ["a string", { metadata: '"pro"' }, "metadata"],
    ["null JSON text", { metadata: "null" }, "metadata"],
    ["4097 bytes", { metadata: { k: "x".repeat(4097 - 8) } }, "metadata"],
    ["a NUL character", { metadata: { k: "a\u0000b" } }, "metadata"],
    ["an unpaired surrogate", { metadata: { k: "\ud800" } }, "metadata"],
    ["a __proto__ key", { metadata: JSON.parse('{"__proto__": {"x": 1}}') as unknown }, "metadata"],
    ["an owner of 256 characters", { externalId: "x".repeat(256) }, "externalId"],
    ["an owner with a control character", { externalId: "a\u0007b" }, "externalId"],
    ["an owner with an unpaired surrogate", { externalId: "a\udc00" }, "externalId"],
    ["a name with an unpaired surrogate", { name: "bot \ud800" }, "name"],
    ["a description with an unpaired surrogate", { description: "\udbff" }, "description"],
    ["an ip rule that does not parse", { constraints: [{ type: "ip", value: "10.0.0.1/40" }] }, "constraints"],
    ["an ip rule with host bits", { constraints: [{ type: "ip", value: "10.1.0.0/8" }] }, "constraints"],
    ["a regex with an unpaired surrogate", { constraints: [{ type: "regex", value: "/a\ud800" }] }, "constraints"],
  ])("refuse %s as a field error at create and at edit, changing nothing", async (_what, fields, field) => {
    const before = await db.apiKey.count();
    const atCreate = await failure(createKey(fields));
    expect(atCreate.code).toBe("invalid");
    expect(atCreate.fieldErrors?.[field]?.[0]).toBeTruthy();
    expect(await db.apiKey.count()).toBe(before);

    if (field === "constraints") return; // constraints are fixed once a key exists
    const key = await createKey({ externalId: "kept", metadata: { kept: true } });
    const state = await snapshot(key.publicId);
    const atEdit = await failure(updateApiKey(actor, key.publicId, fields, context));
    expect(atEdit.code).toBe("invalid");
    expect(atEdit.fieldErrors?.[field]?.[0]).toBeTruthy();
    expect(await snapshot(key.publicId)).toEqual(state);
  });

  it("accepts exactly 4096 bytes of metadata", async () => {
    const metadata = { k: "x".repeat(4096 - 8) };
    expect(JSON.stringify(metadata)).toHaveLength(4096);
    const key = await createKey({ metadata });
    expect((await verified({ key: key.secret })).key?.metadata).toEqual(metadata);
  });

  it("finds keys by owner in the list's search", async () => {
    const owner = `customer-${Date.now()}`;
    const key = await createKey({ externalId: owner });
    await createKey({ externalId: "someone-else" });
    const { rows } = await listApiKeys(projectId, apiKeyListParamsSchema.parse({ q: owner.slice(3).toUpperCase() }));
    expect(rows.map((row) => row.publicId)).toEqual([key.publicId]);
    expect(rows[0]?.externalId).toBe(owner);
  });

  it("carries over to the replacement when a key is rolled", async () => {
    const { rollApiKey } = await import("@/lib/services/api-keys");
    const key = await createKey({ externalId: "rolled-owner", metadata: { tier: 2 } });
    await setApiKeyEnabled(actor, { keyId: key.publicId, enabled: false }, context);
    const rolled = await rollApiKey(actor, { keyId: key.publicId, grace: "1h" }, context);
    // The replacement is a fresh secret: enabled, same owner and metadata.
    expect(await verified({ key: rolled.key.secret })).toMatchObject({ code: "VALID", key: { externalId: "rolled-owner", metadata: { tier: 2 } } });
    expect((await verified({ key: key.secret })).code).toBe("DISABLED");
  });
});

describe("ip rules at verification", () => {
  it("AND the client address with the path rules; matchedConstraint is the path rule", async () => {
    const key = await createKey({
      constraints: [
        { type: "ip", value: "10.0.0.0/8" },
        { type: "ip", value: "2001:db8::/32" },
        { type: "prefix", value: "/jobs", methods: ["GET"] },
      ],
    });
    expect(await verified({ key: key.secret, method: "GET", path: "/jobs/1", ip: "10.20.30.40" })).toMatchObject({
      valid: true,
      code: "VALID",
      matchedConstraint: { type: "prefix", value: "/jobs", methods: ["GET"] },
    });
    expect((await verified({ key: key.secret, method: "GET", path: "/jobs/1", ip: "::ffff:10.20.30.40" })).code).toBe("VALID");
    expect((await verified({ key: key.secret, method: "GET", path: "/jobs/1", ip: "2001:db8:1::9" })).code).toBe("VALID");
    for (const ip of [undefined, "", "11.0.0.1", "2001:db9::1", "10.1", "10.0.0.1:80", "garbage"]) {
      expect(await verified({ key: key.secret, method: "GET", path: "/jobs/1", ip }), String(ip)).toMatchObject({ valid: false, code: "FORBIDDEN", key: { id: key.publicId } });
    }
    expect((await verified({ key: key.secret, method: "POST", path: "/jobs/1", ip: "10.0.0.1" })).code).toBe("FORBIDDEN");
    expect((await verified({ key: key.secret, method: "GET", path: "/admin", ip: "10.0.0.1" })).code).toBe("FORBIDDEN");
  });

  it("alone allow any path from inside the range, with matchedConstraint null", async () => {
    const key = await createKey({ constraints: [{ type: "ip", value: "203.0.113.7" }] });
    expect(await verified({ key: key.secret, ip: "203.0.113.7" })).toMatchObject({ code: "VALID", matchedConstraint: null });
    expect((await verified({ key: key.secret, ip: "203.0.113.8" })).code).toBe("FORBIDDEN");
  });

  it("are stored canonically and shown in the constraints of the key", async () => {
    const key = await createKey({ constraints: [{ type: "ip", value: " ::ffff:10.0.0.0/104 " }] });
    const rows = await db.apiKeyConstraint.findMany({ where: { key: { publicId: key.publicId } } });
    expect(rows.map((row) => ({ type: row.type, value: row.value, methods: row.methods }))).toEqual([{ type: "ip", value: "10.0.0.0/8", methods: [] }]);
  });

  it("count for the management-key rule: a constrained key creates only keys with the same full set", async () => {
    const systemProject = await db.project.findUniqueOrThrow({ where: { slug: "keydesk-api" } });
    const rules = [
      { type: "ip" as const, value: "10.0.0.0/8", methods: [] },
      { type: "prefix" as const, value: "/projects/controls/keys", methods: ["GET", "POST"] },
    ];
    const management = await createKey({ projectId: systemProject.id, constraints: rules });
    const keyActor: Actor = { type: "key", user: userActor(admin).user, key: { id: management.id, name: management.name, publicId: management.publicId, constraints: rules, expiresAt: null, projectScope: "all" } };
    await expect(createKey({ constraints: [rules[1]] }, keyActor)).rejects.toMatchObject({ code: "forbidden" });
    await expect(createKey({ constraints: [{ type: "ip", value: "10.0.0.0/9" }, rules[1]] }, keyActor)).rejects.toMatchObject({ code: "forbidden" });
    await expect(createKey({ constraints: [rules[1], { type: "ip", value: "::ffff:10.0.0.0/104" }] }, keyActor)).resolves.toMatchObject({ name: expect.any(String) });
  });
});

describe("bulk revoke", () => {
  it("revokes every selected key in one transaction, one key.revoked event each, and verification sees it at once", async () => {
    const keys = [await createKey(), await createKey(), await createKey()];
    for (const key of keys) expect((await verified({ key: key.secret })).code).toBe("VALID");
    const revoked = await revokeApiKeys(actor, { keyIds: [keys[0]!.publicId, keys[1]!.id, keys[2]!.publicId, keys[0]!.publicId] }, context);
    expect(revoked.map((key) => key.publicId).sort()).toEqual(keys.map((key) => key.publicId).sort());
    for (const key of keys) expect((await verified({ key: key.secret })).code).toBe("REVOKED");

    const rows = await db.apiKey.findMany({ where: { publicId: { in: keys.map((key) => key.publicId) } }, select: { revokedAt: true, revokedById: true } });
    expect(new Set(rows.map((row) => row.revokedAt?.toISOString())).size).toBe(1);
    expect(rows.every((row) => row.revokedById === admin.id)).toBe(true);
    const events = await db.auditEvent.findMany({ where: { action: "key.revoked", targetId: { in: keys.map((key) => key.publicId) } }, select: { targetId: true, metadata: true } });
    expect(events.map((event) => event.targetId).sort()).toEqual(keys.map((key) => key.publicId).sort());
    expect(events[0]?.metadata).toMatchObject({ bulk: true, count: 3 });
  });

  it.each([
    ["an unknown Sid", "key_AAAAAAAAAAAAAAAA", "not_found"],
    ["an unknown UUID", "00000000-0000-4000-8000-000000000000", "not_found"],
    ["an already revoked key", "revoked", "conflict"],
  ])("revokes nothing when one id is %s", async (_what, bad, code) => {
    const keys = [await createKey(), await createKey()];
    let badId = bad;
    if (bad === "revoked") {
      const gone = await createKey();
      await revokeApiKey(actor, { keyId: gone.publicId }, context);
      badId = gone.publicId;
    }
    const events = await db.auditEvent.count();
    const error = await failure(revokeApiKeys(actor, { keyIds: [keys[0]!.publicId, badId, keys[1]!.publicId] }, context));
    expect(error.code).toBe(code);
    expect(error.message).toMatch(/Nothing was revoked/);
    for (const key of keys) expect((await verified({ key: key.secret })).code).toBe("VALID");
    expect(await db.auditEvent.count()).toBe(events);
  });

  it("refuses malformed input and non-administrators without touching anything", async () => {
    const key = await createKey();
    expect((await failure(revokeApiKeys(actor, { keyIds: [key.publicId, "'; DROP TABLE \"ApiKey\" --"] }, context))).code).toBe("invalid");
    expect((await failure(revokeApiKeys(actor, { keyIds: [] }, context))).code).toBe("invalid");
    expect((await failure(revokeApiKeys(actor, { keyIds: Array.from({ length: 101 }, () => key.publicId) }, context))).code).toBe("invalid");
    for (const role of ["manager", "viewer"] as const) {
      await expect(revokeApiKeys(userActor(await createUser(role)), { keyIds: [key.publicId] }, context)).rejects.toBeInstanceOf(PermissionError);
    }
    expect((await verified({ key: key.secret })).code).toBe("VALID");
  });

  it("serialises with a concurrent revoke of the same key: exactly one of them wins", async () => {
    const keys = [await createKey(), await createKey()];
    const [bulk, single] = await Promise.allSettled([
      revokeApiKeys(actor, { keyIds: keys.map((key) => key.publicId) }, context),
      revokeApiKey(actor, { keyId: keys[1]!.publicId }, context),
    ]);
    const events = await db.auditEvent.count({ where: { action: "key.revoked", targetId: keys[1]!.publicId } });
    expect(events).toBe(1);
    expect([bulk.status, single.status].filter((status) => status === "fulfilled")).toHaveLength(1);
  });

  it("works across projects", async () => {
    const other = await createProject();
    const keys = [await createKey(), await createKey({ projectId: other.id })];
    await revokeApiKeys(actor, { keyIds: keys.map((key) => key.publicId) }, context);
    expect((await verifyKey({ key: keys[1]!.secret, project: other.slug })).body).toMatchObject({ code: "REVOKED" });
  });
});
