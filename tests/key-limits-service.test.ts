// Changing a key's usage limits and topping up its credits through the service: validation that
// changes nothing, the project's cap, audit events with old and new values, the version bump that
// makes other processes reload, and exact credit balances while processes hold leased credits.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { Limiter } from "@/lib/keys/limits/limiter";
import { PgLimitStore } from "@/lib/keys/limits/store";
import { getKeyLimits } from "@/lib/queries/key-limits";
import { createApiKey } from "@/lib/services/api-keys";
import { ServiceError } from "@/lib/services/errors";
import { addCredits, updateKeyLimits } from "@/lib/services/key-limits";
import { createProject } from "@/lib/services/projects";
import { context, createUser, seedBase, userActor } from "./support/fixtures";
import { readLimits } from "./support/limits";

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: 6 });
const limiters: Limiter[] = [];
let actor: ReturnType<typeof userActor>;
let projectId: string;
let counter = 0;

beforeAll(async () => {
  const seeded = await seedBase();
  actor = userActor(seeded.admin);
  projectId = seeded.project.id;
});

afterAll(async () => {
  for (const limiter of limiters) await limiter.close(200);
  await pool.end();
});

async function newKey(inProject = projectId) {
  counter += 1;
  return createApiKey(actor, { projectId: inProject, name: `Metered ${counter}`, expiry: "30d", constraints: [] }, context);
}

async function failure(promise: Promise<unknown>): Promise<ServiceError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ServiceError);
  return error as ServiceError;
}

const count = (outcomes: { outcome: string }[], outcome: string) => outcomes.filter((o) => o.outcome === outcome).length;

describe("updateKeyLimits", () => {
  it("sets rate limits and credits, audits old and new values and bumps the version", async () => {
    const key = await newKey();
    const view = await updateKeyLimits(
      actor,
      { keyId: key.publicId, ratelimits: [{ limit: 5, duration: 10_000 }], credits: { remaining: 20, refill: { interval: "daily", amount: 20 } } },
      context,
    );
    expect(view).toMatchObject({
      version: 1,
      ratelimits: [{ name: "10s", limit: 5, durationMs: 10_000, used: 0, remaining: 5 }],
      credits: { remaining: 20, refill: { interval: "daily", amount: 20, refillDay: null } },
    });
    await updateKeyLimits(actor, { keyId: key.publicId, ratelimits: [{ name: "10s", limit: 3, duration: 10_000 }] }, context);
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "key.limits_updated", keyId: key.id }, orderBy: { id: "desc" } });
    expect(event.metadata).toEqual({
      changes: { ratelimits: { from: [{ name: "10s", limit: 5, duration: 10_000 }], to: [{ name: "10s", limit: 3, duration: 10_000 }] } },
    });
    expect((await readLimits(pool, key.id)).version).toBe(2);
    // credits: null removes them; the rate limits stay.
    await updateKeyLimits(actor, { keyId: key.publicId, credits: null }, context);
    expect(await getKeyLimits(db, key.id)).toMatchObject({ ratelimits: [{ limit: 3 }], credits: null });
  });

  it("refuses bad values, an empty change and unknown keys, and changes nothing", async () => {
    const key = await newKey();
    await updateKeyLimits(actor, { keyId: key.publicId, ratelimits: [{ limit: 5, duration: 1_000 }] }, context);
    const events = await db.auditEvent.count();
    const bad: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ ratelimits: [{ limit: 0, duration: 1_000 }] }, "ratelimits", /Limit must be a whole number/],
      [{ ratelimits: [{ limit: -3, duration: 1_000 }] }, "ratelimits", /Limit/],
      [{ ratelimits: [{ limit: 1.5, duration: 1_000 }] }, "ratelimits", /whole number/],
      [{ ratelimits: [{ limit: 1, duration: 999 }] }, "ratelimits", /Duration/],
      [{ ratelimits: [{ limit: 1, duration: 86_400_001 }] }, "ratelimits", /Duration/],
      [{ credits: { remaining: 10, refill: { interval: "monthly", amount: 10, refillDay: 0 } } }, "credits", /Refill day/],
      [{ credits: { remaining: 10, refill: { interval: "monthly", amount: 10, refillDay: 32 } } }, "credits", /Refill day/],
      [{ credits: { remaining: 10, refill: { interval: "daily", amount: 10, refillDay: 1 } } }, "credits", /monthly refills only/],
      [{ credits: { remaining: "10" } }, "credits", /Remaining credits/],
      [{}, "form", /Nothing to update/],
    ];
    for (const [input, field, message] of bad) {
      const error = await failure(updateKeyLimits(actor, { keyId: key.publicId, ...input }, context));
      expect(error.code).toBe("invalid");
      expect(error.fieldErrors?.[field]?.join(" ")).toMatch(message);
    }
    expect((await failure(updateKeyLimits(actor, { keyId: "key_doesnotexist", ratelimits: [] }, context))).code).toBe("not_found");
    expect(await db.auditEvent.count()).toBe(events);
    expect(await getKeyLimits(db, key.id)).toMatchObject({ version: 1, ratelimits: [{ name: "1s", limit: 5 }], credits: null });
  });

  it("managers and viewers cannot change limits or top up", async () => {
    const key = await newKey();
    for (const role of ["manager", "viewer"] as const) {
      const someone = userActor(await createUser(role));
      await expect(updateKeyLimits(someone, { keyId: key.publicId, ratelimits: [] }, context)).rejects.toThrow();
      await expect(addCredits(someone, { keyId: key.publicId, amount: 5 }, context)).rejects.toThrow();
    }
  });

  it("in a project that caps limits at its defaults, looser limits are refused", async () => {
    const project = await createProject(
      actor,
      { name: `Capped ${Date.now()}`, keyPrefix: `cap${counter}`, activeKeyLimit: "20", maxLifetimeDays: "unlimited", allowNoExpiry: "on",
        defaultRatelimits: [{ limit: 100, duration: 60_000 }], defaultCredits: { remaining: 1_000 }, capLimitsAtDefaults: "on" },
      context,
    );
    const key = await newKey(project.id);
    const error = await failure(updateKeyLimits(actor, { keyId: key.publicId, ratelimits: [{ limit: 500, duration: 60_000 }], credits: { remaining: 5_000 } }, context));
    expect(error.fieldErrors).toEqual({
      ratelimits: ["This project allows at most 100 per minute per key"],
      credits: ["This project allows at most 1,000 credits per key"],
    });
    await updateKeyLimits(actor, { keyId: key.publicId, ratelimits: [{ limit: 1, duration: 1_000 }], credits: { remaining: 10 } }, context);
  });
});

describe("credits while processes hold some", () => {
  it("setting a balance waits for processes to hand back, so exactly the new balance can be spent", async () => {
    const key = await newKey();
    await updateKeyLimits(actor, { keyId: key.publicId, credits: { remaining: 1_000 } }, context);
    const limiter = new Limiter({ store: new PgLimitStore(pool), idleReturnMs: 300 });
    limiters.push(limiter);
    limiter.start(50);
    const old = await readLimits(pool, key.id);
    await Promise.all(Array.from({ length: 60 }, () => limiter.consume(key.id, old, 1)));
    await limiter.settled();
    expect(limiter.held(key.id)?.credits).toBeGreaterThan(0);

    const view = await updateKeyLimits(actor, { keyId: key.publicId, credits: { remaining: 5 } }, context);
    expect(view.credits?.remaining).toBe(5);
    const fresh = await readLimits(pool, key.id);
    const after = await Promise.all(Array.from({ length: 50 }, () => limiter.consume(key.id, fresh, 1)));
    expect(count(after, "VALID")).toBe(5);
    expect(after.at(-1)).toMatchObject({ outcome: "USAGE_EXCEEDED", credits: { remaining: 0 } });
  });

  it("a process that does not hear of the change spends what it held, counted against the new balance: never more in all", async () => {
    const key = await newKey();
    await updateKeyLimits(actor, { keyId: key.publicId, credits: { remaining: 1_000 } }, context);
    const deaf = new Limiter({ store: new PgLimitStore(pool) }); // no sweep: never hands back on its own
    limiters.push(deaf);
    const old = await readLimits(pool, key.id);
    await Promise.all(Array.from({ length: 40 }, () => deaf.consume(key.id, old, 1)));
    await deaf.settled();
    const held = deaf.held(key.id)?.credits ?? 0;
    expect(held).toBeGreaterThan(0);

    await updateKeyLimits(actor, { keyId: key.publicId, credits: { remaining: held + 7 } }, context);
    const other = new Limiter({ store: new PgLimitStore(pool) });
    limiters.push(other);
    const fresh = await readLimits(pool, key.id);
    const spentByDeaf = count(await Promise.all(Array.from({ length: held + 5 }, () => deaf.consume(key.id, old, 1))), "VALID");
    const spentByOther = count(await Promise.all(Array.from({ length: 50 }, () => other.consume(key.id, fresh, 1))), "VALID");
    expect(spentByDeaf).toBe(held);
    // What its lease says it holds (an upper bound of what it had left) counts as spent, so the
    // others may get fewer than the 7 it did not hold, never more.
    expect(spentByDeaf + spentByOther).toBeLessThanOrEqual(held + 7);
  });

  it("a top-up adds to what is left, after a refill that is due, and is audited", async () => {
    const key = await newKey();
    await updateKeyLimits(actor, { keyId: key.publicId, credits: { remaining: 3 } }, context);
    const topped = await addCredits(actor, { keyId: key.publicId, amount: 500 }, context);
    expect(topped.limits.credits?.remaining).toBe(503);
    expect(topped).toMatchObject({ publicId: key.publicId, name: key.name });
    const event = await db.auditEvent.findFirstOrThrow({ where: { action: "key.credits_added", keyId: key.id } });
    expect(event.metadata).toEqual({ added: 500, changes: { remaining: { from: 3, to: 503 } } });
    for (const amount of [0, -1, 1.5, "x", "5", 1e13]) {
      expect((await failure(addCredits(actor, { keyId: key.publicId, amount }, context))).fieldErrors?.amount?.[0]).toMatch(/Credits to add must be a whole number/);
    }
    const noCredits = await newKey();
    expect((await failure(addCredits(actor, { keyId: noCredits.publicId, amount: 5 }, context))).code).toBe("conflict");
  });
});
