// Usage limits in verification, on a real PostgreSQL: the answer's state, cost, the precedence
// table, exactness under 1,000 parallel verifications, a denied request taking nothing, changes
// taking effect at once, a reload when the database knows newer limits, and the per-day counts.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { db } from "@/lib/db";
import { stopLimiter } from "@/lib/keys/limits/runtime";
import { flushUsage } from "@/lib/keys/usage";
import { verifyKey as verifyKeyFor, type VerifyInput, type VerifyResponse } from "@/lib/keys/verify";
import { getKeyUsage } from "@/lib/queries/api-keys";
import { createApiKey, revokeApiKey, updateApiKey } from "@/lib/services/api-keys";
import { addCredits, updateKeyLimits } from "@/lib/services/key-limits";
import { context, seedBase, userActor } from "./support/fixtures";

const DAY = 86_400_000;
let actor: ReturnType<typeof userActor>;
let projectId: string;
let counter = 0;

beforeAll(async () => {
  const base = await seedBase();
  actor = userActor(base.admin);
  projectId = base.project.id;
  // Day windows: a test never straddles a boundary unless it runs at midnight UTC.
  if (DAY - (Date.now() % DAY) < 60_000) await new Promise((resolve) => setTimeout(resolve, DAY - (Date.now() % DAY) + 100));
});

afterAll(async () => {
  await stopLimiter();
});

const verifyKey = (input: VerifyInput) => verifyKeyFor({ project: projectId, ...input });

async function verified(input: VerifyInput): Promise<VerifyResponse> {
  const result = await verifyKey(input);
  if (result.status !== 200) throw new Error(`expected a 200 answer, got ${result.status}: ${JSON.stringify(result.body)}`);
  return result.body;
}

async function keyWith(limits: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  counter += 1;
  return createApiKey(actor, { projectId, name: `Limited ${counter}`, expiry: "30d", constraints: [], ...limits, ...extra }, context);
}

const dayEnd = () => Math.floor(Date.now() / DAY) * DAY + DAY;

describe("the answer", () => {
  it("carries the limits' state on VALID and on denials; a key without limits carries none", async () => {
    const key = await keyWith({ ratelimits: [{ name: "daily", limit: 3, duration: DAY }], credits: { remaining: 10, refill: { interval: "daily", amount: 10 } } });
    const first = await verified({ key: key.secret });
    expect(first).toEqual({
      valid: true,
      code: "VALID",
      key: expect.objectContaining({ id: key.publicId }),
      matchedConstraint: null,
      ratelimits: [{ name: "daily", limit: 3, remaining: 2, reset: dayEnd() }],
      credits: { remaining: 9, refill: { interval: "daily", amount: 10, nextRefillAt: dayEnd() } },
    });
    await verified({ key: key.secret });
    await verified({ key: key.secret });
    expect(await verified({ key: key.secret })).toEqual({
      valid: false,
      code: "RATE_LIMITED",
      key: expect.objectContaining({ id: key.publicId }),
      ratelimits: [{ name: "daily", limit: 3, remaining: 0, reset: dayEnd() }],
      credits: { remaining: 7, refill: { interval: "daily", amount: 10, nextRefillAt: dayEnd() } },
    });
    const plain = await keyWith({});
    const answer = await verified({ key: plain.secret });
    expect(answer).not.toHaveProperty("ratelimits");
    expect(answer).not.toHaveProperty("credits");
  });

  it("cost: an integer 0…1000 (1 when absent); anything else is a 422 and takes nothing", async () => {
    const key = await keyWith({ credits: { remaining: 10 } });
    expect(await verified({ key: key.secret, cost: 4 })).toMatchObject({ code: "VALID", credits: { remaining: 6 } });
    for (const cost of [-1, 1001, 1.5, "2", true, []]) {
      const result = await verifyKey({ key: key.secret, cost });
      expect(result, String(cost)).toEqual({ status: 422, body: { error: { code: "invalid_request", message: '"cost" must be a whole number from 0 to 1000 (1 when left out)' } } });
    }
    expect(await verified({ key: key.secret, cost: 0 })).toMatchObject({ code: "VALID", credits: { remaining: 6 } });
    expect(await verified({ key: key.secret, cost: 7 })).toMatchObject({ code: "USAGE_EXCEEDED", credits: { remaining: 6 } });
    expect(await verified({ key: key.secret, cost: 6 })).toMatchObject({ code: "VALID", credits: { remaining: 0 } });
    expect(await verified({ key: key.secret, cost: 0 })).toMatchObject({ code: "USAGE_EXCEEDED", credits: { remaining: 0 } });
  });
});

describe("precedence: REVOKED > EXPIRED > DISABLED > FORBIDDEN > RATE_LIMITED > USAGE_EXCEEDED", () => {
  it("each code wins over every code after it, and a denial for another reason takes nothing", async () => {
    const spent = { ratelimits: [{ limit: 1, duration: DAY }], credits: { remaining: 1 } };
    // Used up in both ways: one VALID takes the rate limit's only token and the only credit.
    const make = async (extra: Record<string, unknown> = {}) => {
      const key = await keyWith(spent, extra);
      expect((await verified({ key: key.secret, method: "GET", path: "/ok" })).code).toBe("VALID");
      return key;
    };

    const both = await make();
    expect((await verified({ key: both.secret })).code).toBe("RATE_LIMITED");

    const creditsOnly = await keyWith({ ratelimits: [{ limit: 5, duration: DAY }], credits: { remaining: 1 } });
    await verified({ key: creditsOnly.secret });
    expect(await verified({ key: creditsOnly.secret })).toMatchObject({ code: "USAGE_EXCEEDED", ratelimits: [{ remaining: 4 }] });

    const forbidden = await make({ constraints: [{ type: "prefix", value: "/ok" }] });
    expect(await verified({ key: forbidden.secret, path: "/other" })).toMatchObject({ code: "FORBIDDEN", ratelimits: [{ remaining: 0 }], credits: { remaining: 0 } });

    const disabled = await make({ constraints: [{ type: "prefix", value: "/ok" }] });
    await updateApiKey(actor, disabled.publicId, { enabled: false }, context);
    expect((await verified({ key: disabled.secret, path: "/other" })).code).toBe("DISABLED");

    const expired = await make();
    await db.apiKey.update({ where: { id: expired.id }, data: { expiresAt: new Date(Date.now() - 1000), enabled: false } });
    await updateApiKey(actor, expired.publicId, { name: `${expired.name} (expired)` }, context); // reloads the cache
    expect((await verified({ key: expired.secret })).code).toBe("EXPIRED");

    const revoked = await make();
    await revokeApiKey(actor, { keyId: revoked.publicId }, context);
    expect(await verified({ key: revoked.secret })).toMatchObject({ code: "REVOKED", ratelimits: [{ remaining: 0 }], credits: { remaining: 0 } });

    // A key with budget left: denials for other reasons take nothing from it.
    const budget = await keyWith({ ratelimits: [{ limit: 2, duration: DAY }], credits: { remaining: 2 }, constraints: [{ type: "prefix", value: "/ok" }] });
    for (let i = 0; i < 5; i++) expect((await verified({ key: budget.secret, path: "/no" })).code).toBe("FORBIDDEN");
    expect(await verified({ key: budget.secret, path: "/ok" })).toMatchObject({ code: "VALID", ratelimits: [{ remaining: 1 }], credits: { remaining: 1 } });
  });
});

describe("exactness and changes", () => {
  it("1,000 parallel verifications against a limit of 100 answer VALID exactly 100 times", async () => {
    const key = await keyWith({ ratelimits: [{ limit: 100, duration: DAY }] });
    const answers = await Promise.all(Array.from({ length: 1_000 }, () => verified({ key: key.secret })));
    expect(answers.filter((a) => a.code === "VALID")).toHaveLength(100);
    expect(answers.filter((a) => a.code === "RATE_LIMITED")).toHaveLength(900);
  });

  it("a limit change and a top-up apply to the very next verification", async () => {
    const key = await keyWith({ ratelimits: [{ name: "d", limit: 2, duration: DAY }], credits: { remaining: 1 } });
    await verified({ key: key.secret });
    expect((await verified({ key: key.secret })).code).toBe("USAGE_EXCEEDED");
    await addCredits(actor, { keyId: key.publicId, amount: 5 }, context);
    expect(await verified({ key: key.secret })).toMatchObject({ code: "VALID", credits: { remaining: 4 } });
    expect((await verified({ key: key.secret })).code).toBe("RATE_LIMITED");
    await updateKeyLimits(actor, { keyId: key.publicId, ratelimits: [{ name: "d", limit: 5, duration: DAY }] }, context);
    expect(await verified({ key: key.secret })).toMatchObject({ code: "VALID", ratelimits: [{ limit: 5, remaining: 2 }] });
    await updateApiKey(actor, key.publicId, { ratelimits: [], credits: null }, context);
    const unlimited = await verified({ key: key.secret });
    expect(unlimited.code).toBe("VALID");
    expect(unlimited).not.toHaveProperty("ratelimits");
  });

  it("when the database knows newer limits than the cache (a missed notification), the key is reloaded", async () => {
    const key = await keyWith({ ratelimits: [{ name: "d", limit: 1, duration: DAY }] });
    await verified({ key: key.secret });
    expect((await verified({ key: key.secret })).code).toBe("RATE_LIMITED");
    // Behind the cache's back: raise the limit and bump the version, without a notification.
    await db.$executeRaw`UPDATE "ApiKeyRateLimit" SET "limit" = 3 WHERE "keyId" = ${key.id}::uuid`;
    await db.$executeRaw`UPDATE "ApiKey" SET "limitsVersion" = "limitsVersion" + 1 WHERE "id" = ${key.id}::uuid`;
    // Still within the recheck interval the cached denial may stand; after it, a lease is stale.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await verified({ key: key.secret })).toMatchObject({ code: "VALID", ratelimits: [{ limit: 3, remaining: 1 }] });
  });

  it("RATE_LIMITED and USAGE_EXCEEDED are counted per day", async () => {
    const key = await keyWith({ ratelimits: [{ limit: 2, duration: DAY }], credits: { remaining: 3 } });
    for (let i = 0; i < 4; i++) await verified({ key: key.secret });
    await updateKeyLimits(actor, { keyId: key.publicId, ratelimits: [] }, context);
    for (let i = 0; i < 3; i++) await verified({ key: key.secret });
    await flushUsage();
    const today = (await getKeyUsage(key.id)).at(-1);
    expect(today).toMatchObject({ valid: 3, rateLimited: 2, usageExceeded: 2 });
  });
});
