// Hostile input never changes state or crashes: random and malicious values through the key
// services (what the dashboard's actions call), the REST API's route handlers and the verifier
// always end in a 4xx or a form error, never a 500, and leave the database as it was.
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { DELETE as deleteKey, PATCH as patchKey } from "@/app/api/v1/keys/[keyId]/route";
import { POST as rollKey } from "@/app/api/v1/keys/[keyId]/roll/route";
import { GET as listKeys, POST as createKeyRoute } from "@/app/api/v1/projects/[projectId]/keys/route";
import { PermissionError } from "@/lib/auth/permissions";
import { db } from "@/lib/db";
import { verifyKey } from "@/lib/keys/verify";
import { createApiKey, revokeApiKey, rollApiKey, updateApiKey } from "@/lib/services/api-keys";
import { ServiceError } from "@/lib/services/errors";
import { context, createProject, seedBase, userActor } from "./support/fixtures";
import { hostileConstraints, hostileString, hostileValue } from "./support/hostile";

const RUNS = Number(process.env.KEYDESK_PROPERTY_RUNS ?? 120);

let admin: Awaited<ReturnType<typeof seedBase>>["admin"];
let projectId: string;
let otherProjectId: string;
let existingKey: string;
let managementSecret: string;

async function snapshot() {
  const [keys, constraints, events, users, projects, revoked] = await Promise.all([
    db.apiKey.count(),
    db.apiKeyConstraint.count(),
    db.auditEvent.count(),
    db.user.count(),
    db.project.count(),
    db.apiKey.count({ where: { revokedAt: { not: null } } }),
  ]);
  return { keys, constraints, events, users, projects, revoked };
}

beforeAll(async () => {
  const base = await seedBase();
  admin = base.admin;
  projectId = base.project.id;
  otherProjectId = (await createProject()).id;
  existingKey = (await createApiKey(userActor(admin), { projectId, name: "Existing", expiry: "30d" }, context)).publicId;
  const system = await db.project.findUniqueOrThrow({ where: { slug: "keydesk-api" } });
  managementSecret = (await createApiKey(userActor(admin), { projectId: system.id, name: "Property mgmt", expiry: "30d" }, context)).secret;
});

/** A thrown error must be one the UI or API turns into a clear 4xx/form error. */
function expectDomainError(error: unknown) {
  expect(error instanceof ServiceError || error instanceof PermissionError, `unexpected ${String(error)}`).toBe(true);
}

describe("key services (the dashboard's actions)", () => {
  it("create: random input either creates a valid key or fails with a form error and changes nothing", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({ projectId: fc.oneof(fc.constant(projectId), fc.constant(otherProjectId), fc.uuid(), hostileValue), name: hostileValue, description: hostileValue, expiry: fc.oneof(fc.constantFrom("7d", "30d", "custom", "never"), hostileValue), customDate: hostileValue, constraints: hostileConstraints }, { requiredKeys: [] }),
        async (input) => {
          const before = await snapshot();
          try {
            const created = await createApiKey(userActor(admin), input, context);
            // Accepted input must have produced a well-formed key, then we clean the slate.
            expect(created.secret).toMatch(/^[a-z0-9]+_[0-9A-Za-z]{49}$/);
            await revokeApiKey(userActor(admin), { keyId: created.publicId }, context);
          } catch (error) {
            expectDomainError(error);
            expect(await snapshot()).toEqual(before);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("edit, revoke and roll with forged ids and hostile values fail cleanly and change nothing", async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(hostileValue, fc.constant("key_AAAAAAAAAAAAAAAA"), fc.uuid()), hostileValue, hostileValue, async (keyId, name, grace) => {
        const before = await snapshot();
        for (const attempt of [
          () => updateApiKey(userActor(admin), keyId as string, { name, description: name }, context),
          () => revokeApiKey(userActor(admin), { keyId }, context),
          () => rollApiKey(userActor(admin), { keyId, grace }, context),
        ]) {
          await attempt().then(
            () => expect.fail("a hostile id must not reach a key"),
            (error: unknown) => expectDomainError(error),
          );
        }
        expect(await snapshot()).toEqual(before);
      }),
      { numRuns: Math.ceil(RUNS / 2) },
    );
  });

  it("edit of a real key with hostile names and descriptions either saves clean text or refuses", async () => {
    await fc.assert(
      fc.asyncProperty(hostileValue, hostileValue, async (name, description) => {
        const before = await db.apiKey.findUniqueOrThrow({ where: { publicId: existingKey } });
        try {
          await updateApiKey(userActor(admin), existingKey, { name, description }, context);
          const after = await db.apiKey.findUniqueOrThrow({ where: { publicId: existingKey } });
          expect(after.name.length).toBeGreaterThan(0);
          expect(after.name.length).toBeLessThanOrEqual(64);
          expect(after.name).not.toMatch(/[\u0000-\u001f\u007f]/);
        } catch (error) {
          expectDomainError(error);
          expect(await db.apiKey.findUniqueOrThrow({ where: { publicId: existingKey } })).toEqual(before);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe("REST API route handlers", () => {
  const auth = () => ({ authorization: `Bearer ${managementSecret}`, "content-type": "application/json" });
  const bodyArb = fc.oneof(
    fc.dictionary(fc.oneof(fc.constantFrom("name", "description", "expiry", "customDate", "constraints", "grace", "__proto__", "constructor"), hostileString), hostileValue, { maxKeys: 6 }).map((o) => JSON.stringify(o)),
    hostileString,
    fc.constantFrom("[]", "null", "1", '"x"', "{", '{"name":', "\u0000"),
  );

  it("never answer 5xx, and a refused request changes nothing", async () => {
    await fc.assert(
      fc.asyncProperty(bodyArb, fc.oneof(hostileString, fc.constant(existingKey), fc.constant("default")), fc.constantFrom("create", "list", "patch", "delete", "roll"), async (body, id, op) => {
        const before = await snapshot();
        const url = `http://keydesk.test/api/v1/x/${encodeURIComponent(id)}`;
        const params = { params: Promise.resolve({ projectId: id, keyId: id }) };
        const request = (method: string) => new Request(url, { method, headers: auth(), body: method === "GET" || method === "DELETE" ? undefined : body });
        const response =
          op === "create" ? await createKeyRoute(request("POST"), params)
          : op === "list" ? await listKeys(new Request(`${url}?q=${encodeURIComponent(String(body).slice(0, 200))}&page=${encodeURIComponent(id)}`, { headers: auth() }), params)
          : op === "patch" ? await patchKey(request("PATCH"), params)
          : op === "delete" ? await deleteKey(request("DELETE"), params)
          : await rollKey(request("POST"), params);
        expect(response.status, `${op} answered ${response.status}`).toBeLessThan(500);
        const json = (await response.json()) as { error?: { code: string; message: string } };
        if (response.status >= 400) {
          expect(json.error?.message).toBeTruthy();
          if (op !== "delete" && op !== "roll") expect(await snapshot()).toEqual(before);
        } else if (op === "create" || op === "roll") {
          // A valid random create: undo it so later runs start from the same state.
          const created = json as unknown as { key: { id: string } };
          await revokeApiKey(userActor(admin), { keyId: created.key.id }, context);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe("verification", () => {
  it("answers 200 or 422 for any body, never throws, never touches state", async () => {
    const project = fc.oneof(fc.constantFrom("default", "keydesk-api"), hostileValue);
    await fc.assert(
      fc.asyncProperty(hostileValue, project, hostileValue, hostileValue, hostileValue, async (key, projectRef, method, path, ip) => {
        const before = await snapshot();
        const result = await verifyKey({ key, project: projectRef, method, path, ip });
        expect([200, 422]).toContain(result.status);
        expect(await snapshot()).toEqual(before);
      }),
      { numRuns: RUNS },
    );
  });
});
