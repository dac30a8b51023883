// key.rate_limited, key.usage_exceeded and key.new_ip on a real PostgreSQL: real verifications
// through the limiter and the request trail, then the scheduled job that turns the trail's counts
// into outbox events — at most one limit event per key per rolling hour, one new_ip per new address.
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { verifyKey } from "@/lib/keys/verify";
import { raiseUsageSignals } from "@/lib/notifications/jobs/usage-signals";
import { createApiKey } from "@/lib/services/api-keys";
import { configureTrailBuffer } from "@/lib/trail/buffer";
import { PostgresTrailSink } from "@/lib/trail/postgres-sink";
import { flushTrail, startTrailWriter, stopTrailWriter } from "@/lib/trail/writer";
import { context, createProject, seedBase, userActor } from "./support/fixtures";

let actor: ReturnType<typeof userActor>;

beforeAll(async () => {
  actor = userActor((await seedBase()).admin);
});

beforeEach(() => {
  configureTrailBuffer({ capacity: 100_000, enabled: true });
  startTrailWriter({ sink: new PostgresTrailSink({ connectionString: process.env.DATABASE_URL ?? "" }), intervalMs: 3_600_000, maintenanceIntervalMs: 0, log: () => undefined });
});

afterEach(async () => {
  await stopTrailWriter({ timeoutMs: 1000 });
});

async function events(keyId: string) {
  const rows = await db.outboxEvent.findMany({ where: { keyId, type: { not: "key.created" } }, orderBy: { id: "asc" }, select: { type: true, body: true } });
  return rows.map((row) => ({ type: row.type, data: (JSON.parse(row.body) as { data: Record<string, unknown> }).data }));
}

describe("usage signals", () => {
  it("a key over its rate limit raises one key.rate_limited per rolling hour; each new address one key.new_ip", async () => {
    const project = await createProject();
    const key = await createApiKey(actor, { projectId: project.id, name: "Limited", expiry: "30d", ratelimits: [{ name: "minute", limit: 1, duration: 60_000 }] }, context);
    const verify = (ip: string) => verifyKey({ key: key.secret, project: project.id, ip });

    expect((await verify("203.0.113.5")).body).toMatchObject({ valid: true, code: "VALID" });
    expect((await verify("203.0.113.5")).body).toMatchObject({ valid: false, code: "RATE_LIMITED" });
    expect((await verify("198.51.100.7")).body).toMatchObject({ valid: false, code: "RATE_LIMITED" });
    await flushTrail();

    const now = new Date();
    await raiseUsageSignals(now);
    const first = await events(key.id);
    expect(first.filter((e) => e.type === "key.rate_limited")).toEqual([
      { type: "key.rate_limited", data: expect.objectContaining({ refused: 2, key: expect.objectContaining({ id: key.publicId }) }) },
    ]);
    expect(first.filter((e) => e.type === "key.new_ip").map((e) => e.data.ip).sort()).toEqual(["198.51.100.7", "203.0.113.5"]);
    expect(first.some((e) => e.type === "key.usage_exceeded")).toBe(false);

    // Refused again within the hour, and looked at again: nothing new.
    expect((await verify("203.0.113.5")).body).toMatchObject({ code: "RATE_LIMITED" });
    await flushTrail();
    await raiseUsageSignals(new Date(now.getTime() + 60_000));
    expect(await events(key.id)).toHaveLength(first.length);

    // More than an hour after the first event, refusals in a new hour raise the next one.
    const later = new Date(now.getTime() + 61 * 60_000);
    await db.keyRequestHourly.create({ data: { keyId: key.id, hour: new Date(Math.floor(later.getTime() / 3_600_000) * 3_600_000), outcome: "RATE_LIMITED", count: 4 } });
    await raiseUsageSignals(later);
    expect((await events(key.id)).filter((e) => e.type === "key.rate_limited")).toHaveLength(2);
  });

  it("a key out of credits raises key.usage_exceeded", async () => {
    const project = await createProject();
    const key = await createApiKey(actor, { projectId: project.id, name: "Metered", expiry: "30d", credits: { remaining: 1 } }, context);
    expect((await verifyKey({ key: key.secret, project: project.id })).body).toMatchObject({ code: "VALID" });
    expect((await verifyKey({ key: key.secret, project: project.id })).body).toMatchObject({ code: "USAGE_EXCEEDED" });
    await flushTrail();
    await raiseUsageSignals();
    expect((await events(key.id)).map((e) => e.type)).toEqual(["key.usage_exceeded"]);
  });
});
