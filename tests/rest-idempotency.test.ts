// Idempotency-Key over real HTTP (tests/support/api-server.ts), Stripe's semantics: the first
// answer — a created secret included — is replayed for a retry of the same request; the same key
// with another request is a 422; a retry while the first still runs gets 409; keys expire after
// 24 hours; the stored answer is encrypted, so the secret is nowhere in the database or the logs.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { createApiKey } from "@/lib/services/api-keys";
import { startApiServer, type ApiServer } from "./support/api-server";
import { context, seedBase, userActor } from "./support/fixtures";

let api: ApiServer;
let key: string;
let admin: Awaited<ReturnType<typeof seedBase>>["admin"];
let systemProjectId: string;

type Body = { key?: { id: string; name: string; status: string }; secret?: string; error?: { code: string; issues?: Record<string, string[]> } };
const body = (response: { body: unknown }) => response.body as Body;
const idem = (value: string) => ({ "idempotency-key": value });

beforeAll(async () => {
  api = await startApiServer();
  admin = (await seedBase()).admin;
  systemProjectId = (await db.project.findUniqueOrThrow({ where: { slug: "keydesk-api" } })).id;
  key = (await createApiKey(userActor(admin), { projectId: systemProjectId, name: "idempotent", expiry: "90d" }, context)).secret;
});

afterAll(() => api.close());

const create = (name: string, headers: Record<string, string>) => api.call("POST", "/api/v1/projects/default/keys", { key, body: { name }, headers });

describe("Idempotency-Key", () => {
  it("replays a create's first answer, secret included, and creates one key", async () => {
    const first = await create("billing", idem("create-1"));
    expect(first.status).toBe(201);
    expect(first.headers.get("idempotent-replayed")).toBeNull();
    const retry = await create("billing", idem("create-1"));
    expect(retry.status).toBe(201);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(retry.body).toEqual(first.body);
    expect(await db.apiKey.count({ where: { name: "billing" } })).toBe(1);

    // Stored encrypted: neither the secret nor the key's Sid is readable in the row.
    const rows = await db.$queryRaw<{ body: Buffer }[]>`SELECT "responseBody" AS body FROM "IdempotencyKey" WHERE "key" = 'create-1'`;
    expect(rows).toHaveLength(1);
    const stored = Buffer.from(rows[0]!.body).toString("latin1");
    expect(stored).not.toContain(body(first).secret!);
    expect(stored).not.toContain(body(first).key!.id);
    expect(api.logs.join("\n")).not.toContain(body(first).secret!);
  });

  it("refuses the same key with another request (422) and changes nothing", async () => {
    await create("reports", idem("create-2"));
    const before = await db.apiKey.count();
    const other = await create("reports-2", idem("create-2"));
    expect(other.status).toBe(422);
    expect(body(other).error?.code).toBe("idempotency_key_mismatch");
    expect(body(other).error?.issues?.["Idempotency-Key"]).toBeTruthy();
    const otherPath = await api.call("POST", "/api/v1/projects/keydesk-api/keys", { key, body: { name: "reports" }, headers: idem("create-2") });
    expect(otherPath.status).toBe(422);
    expect(await db.apiKey.count()).toBe(before);
  });

  it("treats the same body in another key order and spacing as the same request", async () => {
    const a = await api.call("POST", "/api/v1/projects/default/keys", { key, body: '{"name":"ordered","expiry":"7d"}', headers: { ...idem("create-3"), "content-type": "application/json" } });
    const b = await api.call("POST", "/api/v1/projects/default/keys", { key, body: '{ "expiry": "7d",  "name": "ordered" }', headers: { ...idem("create-3"), "content-type": "application/json" } });
    expect(a.status).toBe(201);
    expect(b.headers.get("idempotent-replayed")).toBe("true");
  });

  it("lets one of two concurrent requests execute; the other gets 409 or the replay, never a second key", async () => {
    const answers = await Promise.all(Array.from({ length: 6 }, () => create("concurrent", idem("create-4"))));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1);
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true);
    for (const busy of answers.filter((a) => a.status === 409)) expect(body(busy).error?.code).toBe("idempotency_key_in_use");
    expect(new Set(answers.filter((a) => a.status === 201).map((a) => body(a).secret)).size).toBe(1);
    expect(await db.apiKey.count({ where: { name: "concurrent" } })).toBe(1);
  });

  it("answers 409 while the first request holds the key, and replays once it is done", async () => {
    // A first request that is still executing: its row holds a live lease and no answer yet.
    const row = await db.$queryRaw<{ id: string }[]>`
      INSERT INTO "IdempotencyKey" ("managementKeyId", "key", "fingerprint", "lockToken", "lockedUntil", "expiresAt")
      SELECT k."managementKeyId", 'held', k."fingerprint", gen_random_uuid(), now() + interval '1 minute', now() + interval '1 day'
        FROM "IdempotencyKey" k WHERE k."key" = 'create-1' RETURNING "id"`;
    expect(row).toHaveLength(1);
    const busy = await create("billing", idem("held"));
    expect(busy.status).toBe(409);
    expect(body(busy).error?.code).toBe("idempotency_key_in_use");
    // The holder crashed: once its lease runs out, a retry executes (and the name is taken now).
    await db.$executeRaw`UPDATE "IdempotencyKey" SET "lockedUntil" = now() - interval '1 second' WHERE "key" = 'held'`;
    const retry = await create("billing", idem("held"));
    expect(retry.status).toBe(409);
    expect(body(retry).error?.code).toBe("conflict");
  });

  it("forgets a key after 24 hours: the same key then executes afresh", async () => {
    const first = await create("expiring", idem("create-5"));
    await db.$executeRaw`UPDATE "IdempotencyKey" SET "expiresAt" = now() - interval '1 second' WHERE "key" = 'create-5'`;
    const after = await create("expiring-2", idem("create-5"));
    expect(first.status).toBe(201);
    expect(after.status).toBe(201);
    expect(after.headers.get("idempotent-replayed")).toBeNull();
    expect(body(after).key?.name).toBe("expiring-2");
    const [row] = await db.$queryRaw<{ hours: number }[]>`
      SELECT extract(epoch FROM "expiresAt" - "createdAt") / 3600 AS hours FROM "IdempotencyKey" WHERE "key" = 'create-5'`;
    expect(Number(row!.hours)).toBeCloseTo(24, 1);
  });

  it("replays a revoke (DELETE) and a roll instead of answering 409 the second time", async () => {
    const created = body(await create("to-revoke", {}));
    const revoked = await api.call("DELETE", `/api/v1/keys/${created.key!.id}`, { key, headers: idem("revoke-1") });
    const again = await api.call("DELETE", `/api/v1/keys/${created.key!.id}`, { key, headers: idem("revoke-1") });
    expect(revoked.status).toBe(200);
    expect(again.status).toBe(200);
    expect(again.body).toEqual(revoked.body);
    const plain = await api.call("DELETE", `/api/v1/keys/${created.key!.id}`, { key });
    expect(plain.status).toBe(409);

    // A key created by a management key cannot outlive it, nor can its replacement: a short expiry.
    const toRoll = body(await api.call("POST", "/api/v1/projects/default/keys", { key, body: { name: "to-roll", expiry: "7d" } }));
    const rolled = await api.call("POST", `/api/v1/keys/${toRoll.key!.id}/roll`, { key, body: { grace: "1h" }, headers: idem("roll-1") });
    const rolledAgain = await api.call("POST", `/api/v1/keys/${toRoll.key!.id}/roll`, { key, body: { grace: "1h" }, headers: idem("roll-1") });
    expect(rolled.status).toBe(201);
    expect(rolledAgain.body).toEqual(rolled.body);
    expect(await db.apiKey.count({ where: { name: "to-roll" } })).toBe(2);
  });

  it("scopes keys to the management key: another key's Idempotency-Key is its own", async () => {
    const other = (await createApiKey(userActor(admin), { projectId: systemProjectId, name: "other management key", expiry: "7d" }, context)).secret;
    const mine = await create("scoped-a", idem("shared"));
    const theirs = await api.call("POST", "/api/v1/projects/default/keys", { key: other, body: { name: "scoped-b" }, headers: idem("shared") });
    expect(mine.status).toBe(201);
    expect(theirs.status).toBe(201);
    expect(body(theirs).key?.name).toBe("scoped-b");
  });

  it("refuses a malformed Idempotency-Key with 422 and executes nothing", async () => {
    const before = await db.apiKey.count();
    for (const value of ["x".repeat(256), "with space", "tab\there"]) {
      const refused = await api.call("POST", "/api/v1/projects/default/keys", { key, body: { name: `bad ${value.length}` }, headers: { "idempotency-key": value } });
      expect(refused.status).toBe(422);
      expect(body(refused).error?.code).toBe("invalid_idempotency_key");
    }
    expect(await db.apiKey.count()).toBe(before);
  });
});
