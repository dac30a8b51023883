// Key verification on a real PostgreSQL: every answer code, the cache's consistency with revoke,
// roll, edit and the clock, fail-closed behaviour without a database, and the lean HTTP handler.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db, disconnectDb } from "@/lib/db";
import { emitKeyChanged } from "@/lib/keys/invalidation";
import { clearKeyCache, keyCacheStats, vouchForInvalidation } from "@/lib/keys/key-cache";
import { BASE62_ALPHABET, generateSecret, hashSecret } from "@/lib/keys/secret";
import { verifyKey as verifyKeyFor, type VerifyInput, type VerifyResponse } from "@/lib/keys/verify";
import { createApiKey, revokeApiKey, rollApiKey, updateApiKey } from "@/lib/services/api-keys";
import { createVerifyHandler, isVerifyPath, MAX_VERIFY_BODY_BYTES } from "@/server/verify-handler";
import { context, createProject, seedBase, userActor } from "./support/fixtures";

let actor: ReturnType<typeof userActor>;
let projectId: string;
let counter = 0;

/** Verification as the default project's API asks for it (project isolation: tests/key-controls.test.ts). */
const verifyKey = (input: VerifyInput, now?: Date) => verifyKeyFor({ project: projectId, ...input }, now);

beforeAll(async () => {
  const base = await seedBase();
  actor = userActor(base.admin);
  projectId = base.project.id;
});

async function createKey(overrides: Record<string, unknown> = {}) {
  counter += 1;
  return createApiKey(actor, { projectId, name: `Verify test ${counter}`, expiry: "30d", constraints: [], ...overrides }, context);
}

/** The body of a 200 answer; any other status fails the test. */
async function verified(input: VerifyInput, now?: Date): Promise<VerifyResponse> {
  const result = await verifyKey(input, now);
  if (result.status !== 200) throw new Error(`expected a 200 answer, got ${result.status}`);
  return result.body;
}

/** DB queries made by the verification cache so far. */
const lookups = () => keyCacheStats().lookups;

/** Changes one character of the random part, keeping the checksum: right format, wrong checksum. */
function breakChecksum(secret: string): string {
  const at = secret.indexOf("_") + 5;
  const char = secret.charAt(at);
  const replacement = BASE62_ALPHABET.charAt((BASE62_ALPHABET.indexOf(char) + 1) % 62);
  return secret.slice(0, at) + replacement + secret.slice(at + 1);
}

describe("verifyKey", () => {
  it("answers VALID for an unrestricted key, with matchedConstraint null", async () => {
    const key = await createKey();
    const result = await verifyKey({ key: key.secret });
    expect(result).toEqual({
      status: 200,
      body: {
        valid: true,
        code: "VALID",
        key: { id: key.publicId, name: key.name, projectId, externalId: null, metadata: {}, expiresAt: key.expiresAt?.toISOString() },
        matchedConstraint: null,
      },
    });
    // Method and path are optional for unrestricted keys but harmless when given.
    expect((await verified({ key: key.secret, method: "DELETE", path: "/anything" })).code).toBe("VALID");
  });

  it("answers VALID with the matching constraint, FORBIDDEN when none matches or method/path are missing", async () => {
    const key = await createKey({
      constraints: [
        { type: "exact", value: "/health", methods: [] },
        { type: "prefix", value: "jobs", methods: ["GET"] },
      ],
    });
    const allowed = await verifyKey({ key: key.secret, method: "GET", path: "/jobs/12/runs?limit=5" });
    expect(allowed.body).toMatchObject({
      valid: true,
      code: "VALID",
      matchedConstraint: { type: "prefix", value: "/jobs", methods: ["GET"] },
    });

    for (const request of [
      { method: "POST", path: "/jobs/12/runs" },
      { method: "GET", path: "/jobsx" },
      { method: "GET", path: "/jobs/../admin" },
      // Methods are case-sensitive.
      { method: "get", path: "/jobs/12" },
      { method: "gEt", path: "/jobs/12" },
      {},
      { method: "GET" },
      { path: "/jobs/1" },
    ]) {
      const denied = await verifyKey({ key: key.secret, ...request });
      expect(denied, JSON.stringify(request)).toEqual({
        status: 200,
        body: { valid: false, code: "FORBIDDEN", key: expect.objectContaining({ id: key.publicId }) },
      });
    }
  });

  it("answers MALFORMED for a bad format or checksum without touching the database", async () => {
    const key = await createKey();
    const before = lookups();
    for (const candidate of ["", "hello", `${key.secret} `, key.secret.toUpperCase(), breakChecksum(key.secret), "x".repeat(100_000)]) {
      expect(await verifyKey({ key: candidate }), candidate.slice(0, 80)).toEqual({
        status: 200,
        body: { valid: false, code: "MALFORMED" },
      });
    }
    expect(lookups()).toBe(before);
  });

  it("answers NOT_FOUND for a well-formed unknown key and never caches that answer", async () => {
    // No membership index runs in this file (see verify-index.test.ts), so the database decides;
    // negative answers stay out of the cache, where they would push out real keys.
    const unknown = generateSecret("kd").secret;
    const before = keyCacheStats();
    expect(await verifyKey({ key: unknown })).toEqual({ status: 200, body: { valid: false, code: "NOT_FOUND" } });
    expect(await verifyKey({ key: unknown })).toEqual({ status: 200, body: { valid: false, code: "NOT_FOUND" } });
    expect(lookups()).toBe(before.lookups + 2);
    expect(keyCacheStats().size).toBe(before.size);
  });

  it("refuses requests whose fields have the wrong type with 422", async () => {
    expect(await verifyKey({ key: undefined })).toMatchObject({ status: 422, body: { error: { code: "invalid_request" } } });
    expect(await verifyKey({ key: 42 })).toMatchObject({ status: 422, body: { error: { message: expect.stringMatching(/^"key" must be a string/) } } });
    const key = await createKey();
    expect(await verifyKey({ key: key.secret, method: 1 })).toMatchObject({ status: 422 });
    expect(await verifyKey({ key: key.secret, path: ["/a"] })).toMatchObject({ status: 422 });
    expect((await verifyKey({ key: key.secret, method: null, path: null })).body).toMatchObject({ code: "VALID" });
  });

  it("answers REVOKED right after revocation although the key was cached as VALID", async () => {
    const key = await createKey();
    expect((await verified({ key: key.secret })).code).toBe("VALID");
    const before = keyCacheStats();
    expect((await verified({ key: key.secret })).code).toBe("VALID");
    expect(keyCacheStats().hits).toBe(before.hits + 1);
    expect(keyCacheStats().lookups).toBe(before.lookups);

    await revokeApiKey(actor, { keyId: key.publicId }, context);
    const after = await verifyKey({ key: key.secret });
    expect(after.body).toEqual({ valid: false, code: "REVOKED", key: expect.objectContaining({ id: key.publicId }) });
  });

  it("sees a roll and an edit at once", async () => {
    const key = await createKey();
    expect((await verified({ key: key.secret })).code).toBe("VALID");

    await updateApiKey(actor, key.publicId, { name: `${key.name} renamed` }, context);
    expect((await verified({ key: key.secret })).key?.name).toBe(`${key.name} renamed`);

    const rolled = await rollApiKey(actor, { keyId: key.publicId, grace: "now" }, context);
    expect((await verified({ key: key.secret })).code).toBe("EXPIRED");
    expect((await verifyKey({ key: rolled.key.secret })).body).toMatchObject({ code: "VALID", key: { id: rolled.key.publicId } });
  });

  it("answers EXPIRED for a key whose expiry has passed", async () => {
    const key = await createKey();
    await db.$executeRaw`UPDATE "ApiKey" SET "expiresAt" = now() - interval '1 minute' WHERE "publicId" = ${key.publicId}`;
    expect((await verifyKey({ key: key.secret })).body).toMatchObject({ valid: false, code: "EXPIRED", key: { id: key.publicId } });
  });

  it("judges expiry at verification time, also for a key cached while it was valid", async () => {
    const key = await createKey();
    const expiresAt = key.expiresAt!.getTime();
    expect((await verified({ key: key.secret }, new Date(expiresAt - 1))).code).toBe("VALID");
    const before = lookups();
    expect((await verified({ key: key.secret }, new Date(expiresAt))).code).toBe("EXPIRED");
    expect(lookups()).toBe(before);
  });

  it("answers NOT_FOUND, without key details, for a key of a project archived behind the services' back", async () => {
    const project = await createProject();
    const key = await createKey({ projectId: project.id });
    expect((await verified({ key: key.secret, project: project.id })).code).toBe("VALID");
    // Not through archiveProject (whose notifications tests/key-controls.test.ts covers): the
    // key's own state, read fresh after "forget every key", must be enough.
    await db.project.update({ where: { id: project.id }, data: { archivedAt: new Date() } });
    emitKeyChanged("*");
    expect(await verifyKey({ key: key.secret, project: project.id })).toEqual({ status: 200, body: { valid: false, code: "NOT_FOUND" } });
  });

  it("prefers REVOKED over EXPIRED, EXPIRED over DISABLED and DISABLED over FORBIDDEN", async () => {
    const key = await createKey({ constraints: [{ type: "verb", methods: ["GET"] }] });
    const expiresAt = key.expiresAt!.getTime();
    expect((await verified({ key: key.secret, method: "POST" })).code).toBe("FORBIDDEN");
    await updateApiKey(actor, key.publicId, { enabled: false }, context);
    expect((await verified({ key: key.secret, method: "POST" })).code).toBe("DISABLED");
    expect((await verified({ key: key.secret, method: "GET" })).code).toBe("DISABLED");
    expect((await verified({ key: key.secret, method: "POST" }, new Date(expiresAt + 1))).code).toBe("EXPIRED");
    await revokeApiKey(actor, { keyId: key.publicId }, context);
    expect((await verified({ key: key.secret, method: "POST" }, new Date(expiresAt + 1))).code).toBe("REVOKED");
    expect((await verified({ key: key.secret, method: "GET" })).code).toBe("REVOKED");
  });

  it("coalesces concurrent misses for one key into one query", async () => {
    const key = await createKey();
    clearKeyCache();
    const before = lookups();
    const results = await Promise.all(Array.from({ length: 25 }, () => verified({ key: key.secret })));
    expect(results.every((body) => body.code === "VALID")).toBe(true);
    expect(lookups()).toBe(before + 1);
  });

  it("does not cache a lookup that was running when its key was invalidated", async () => {
    const key = await createKey();
    clearKeyCache();
    const before = lookups();
    const running = verified({ key: key.secret });
    // The lookup has been sent but not answered: what it read may predate the change.
    emitKeyChanged(hashSecret(key.secret));
    expect((await running).code).toBe("VALID");
    expect((await verified({ key: key.secret })).code).toBe("VALID");
    expect(lookups()).toBe(before + 2);
  });

  it("fails closed with UNAVAILABLE when the database is down, but still answers from the cache", async () => {
    const cached = await createKey();
    const uncached = await createKey();
    // As in the first seconds of an outage, before the listener's ping fails: the cache is trusted.
    // (Once nobody vouches, entries older than a second are re-read: tests/listener-health.test.ts.)
    vouchForInvalidation(Date.now() + 60_000);
    expect((await verified({ key: cached.secret })).code).toBe("VALID");

    const realUrl = process.env.DATABASE_URL;
    await disconnectDb();
    // Port 1 on localhost: nothing listens there, so every connection is refused at once.
    process.env.DATABASE_URL = "postgresql://keydesk:keydesk@127.0.0.1:1/keydesk";
    try {
      expect(await verifyKey({ key: uncached.secret })).toEqual({ status: 503, body: { valid: false, code: "UNAVAILABLE" } });
      expect((await verified({ key: cached.secret })).code).toBe("VALID");
    } finally {
      await disconnectDb();
      process.env.DATABASE_URL = realUrl;
      vouchForInvalidation(0);
    }
    // The failure was not cached: with the database back, the key verifies.
    expect((await verified({ key: uncached.secret })).code).toBe("VALID");
  });
});

describe("HTTP handler", () => {
  let server: http.Server;
  let base: string;
  const logged: string[] = [];

  beforeAll(async () => {
    const handler = createVerifyHandler({ log: (message) => logged.push(message) });
    server = http.createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const post = (body: string, headers: Record<string, string> = { "content-type": "application/json" }) =>
    fetch(`${base}/api/v1/keys/verify`, { method: "POST", body, headers });

  it("routes only the exact path, with or without a query string", () => {
    expect(isVerifyPath("/api/v1/keys/verify")).toBe(true);
    expect(isVerifyPath("/api/v1/keys/verify?debug=1")).toBe(true);
    expect(isVerifyPath("/api/v1/keys/verify/")).toBe(false);
    expect(isVerifyPath("/api/v1/keys/verifyx")).toBe(false);
    expect(isVerifyPath("/api/v1/keys")).toBe(false);
    expect(isVerifyPath(undefined)).toBe(false);
  });

  it("answers 200 with the result, JSON and no-store, ignoring unknown fields and the content type", async () => {
    const key = await createKey({ constraints: [{ type: "prefix", value: "/jobs", methods: ["GET"] }] });
    const response = await post(JSON.stringify({ key: key.secret, project: projectId, method: "GET", path: "/jobs/12/runs", extra: { nested: true } }));
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(await response.json()).toEqual({
      valid: true,
      code: "VALID",
      key: { id: key.publicId, name: key.name, projectId, externalId: null, metadata: {}, expiresAt: key.expiresAt?.toISOString() },
      matchedConstraint: { type: "prefix", value: "/jobs", methods: ["GET"] },
    });

    const denied = await post(JSON.stringify({ key: key.secret, project: "default", method: "POST", path: "/jobs" }), { "content-type": "text/plain" });
    expect(denied.status).toBe(200);
    expect(await denied.json()).toMatchObject({ valid: false, code: "FORBIDDEN" });

    const malformed = await post(JSON.stringify({ key: "nope", project: "default" }), {});
    expect(malformed.status).toBe(200);
    expect(await malformed.json()).toEqual({ valid: false, code: "MALFORMED" });
  });

  it("answers 400 for a body that is not JSON", async () => {
    for (const body of ["{", "", "key=kd_x"]) {
      const response = await post(body);
      expect(response.status).toBe(400);
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(await response.json()).toEqual({ error: { code: "invalid_json", message: expect.any(String) } });
    }
  });

  it("answers 422 for a missing or non-string key and for a body that is not an object", async () => {
    for (const body of ["{}", '{"key":123,"project":"default"}', '{"key":null,"project":"default"}', "[]", '"kd_x"', "null"]) {
      const response = await post(body);
      expect(response.status, body).toBe(422);
      const json = (await response.json()) as { error: { code: string; message: string } };
      expect(json.error.code).toBe("invalid_request");
      expect(json.error.message.length).toBeGreaterThan(0);
    }
  });

  it("answers 413 for a body over 8 KiB, announced or streamed", async () => {
    const key = await createKey();
    const atLimit = JSON.stringify({ key: key.secret, project: "default", padding: "" });
    const exactly = atLimit.replace('"padding":""', `"padding":"${"x".repeat(MAX_VERIFY_BODY_BYTES - atLimit.length)}"`);
    expect(Buffer.byteLength(exactly)).toBe(MAX_VERIFY_BODY_BYTES);
    expect((await post(exactly)).status).toBe(200);

    const response = await post(`${exactly} `);
    expect(response.status).toBe(413);
    expect(await response.json()).toEqual({ error: { code: "payload_too_large", message: expect.any(String) } });

    // Chunked, so the size is only known while reading; the server must stop at the limit.
    const streamed = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = http.request(`${base}/api/v1/keys/verify`, { method: "POST", headers: { "transfer-encoding": "chunked" } });
      request.on("response", (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (text += chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on("error", reject);
      });
      request.on("error", reject);
      request.write("x".repeat(4096));
      request.write("x".repeat(4096));
      request.write("x".repeat(4096));
      // Never ended: the answer must come from the limit, not from the end of the body.
    });
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body)).toMatchObject({ error: { code: "payload_too_large" } });
  });

  it("answers 405 with Allow: POST for other methods", async () => {
    for (const method of ["GET", "PUT", "DELETE"]) {
      const response = await fetch(`${base}/api/v1/keys/verify`, { method });
      expect(response.status).toBe(405);
      expect(response.headers.get("allow")).toBe("POST");
    }
  });

  it("answers 503 UNAVAILABLE when the database is down and never logs the secret", async () => {
    const key = await createKey();
    const realUrl = process.env.DATABASE_URL;
    await disconnectDb();
    process.env.DATABASE_URL = "postgresql://keydesk:keydesk@127.0.0.1:1/keydesk";
    try {
      const response = await post(JSON.stringify({ key: key.secret, project: "default" }));
      expect(response.status).toBe(503);
      expect(response.headers.get("cache-control")).toBe("no-store");
      expect(await response.json()).toEqual({ valid: false, code: "UNAVAILABLE" });
    } finally {
      await disconnectDb();
      process.env.DATABASE_URL = realUrl;
      vouchForInvalidation(0);
    }
    expect(logged.length).toBeGreaterThan(0);
    expect(logged.join("\n")).not.toContain(key.secret);
    expect(logged.join("\n")).not.toContain(hashSecret(key.secret));
  });
});
