// Verification against hostile constraints and requests (issue 12): regex rules stored before the
// cost limits existed, regex rules that run over the time budget, and paths and methods that a
// server behind the caller could read differently from what was checked.
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { emitKeyChanged } from "@/lib/keys/invalidation";
import { verifyKey, type VerifyInput } from "@/lib/keys/verify";
import { createApiKey } from "@/lib/services/api-keys";
import { context, seedBase, userActor } from "./support/fixtures";

let actor: ReturnType<typeof userActor>;
let projectId: string;
let counter = 0;

beforeAll(async () => {
  const base = await seedBase();
  actor = userActor(base.admin);
  projectId = base.project.id;
});

afterEach(() => {
  vi.restoreAllMocks();
});

async function createKey(constraints: unknown[]) {
  counter += 1;
  return createApiKey(actor, { projectId, name: `Hostile ${counter}`, expiry: "30d", constraints }, context);
}

/** Replaces a key's rules in the database, as a key stored before today's validation would have them. */
async function storeRawConstraints(keyId: string, hash: string, rules: { type: string; value: string; methods?: string[] }[]) {
  const key = await db.apiKey.findUniqueOrThrow({ where: { publicId: keyId }, select: { id: true } });
  await db.apiKeyConstraint.deleteMany({ where: { keyId: key.id } });
  await db.apiKeyConstraint.createMany({
    data: rules.map((rule, position) => ({ keyId: key.id, position, type: rule.type as "regex", value: rule.value, methods: rule.methods ?? [] })),
  });
  emitKeyChanged(hash);
}

async function code(input: Omit<VerifyInput, "project">): Promise<string> {
  const result = await verifyKey({ project: projectId, ...input });
  if (result.status !== 200) throw new Error(`expected 200, got ${result.status}`);
  return result.body.code;
}

describe("regex rules that cost too much", () => {
  it("the audit's pattern is refused at creation with a field error", async () => {
    await expect(createKey([{ type: "regex", value: `${"[a-z/]{0,999}".repeat(4)}x` }])).rejects.toMatchObject({
      code: "invalid",
      fieldErrors: { constraints: [expect.stringMatching(/too costly to match/)] },
    });
  });

  it("a stored pattern over the limits matches nothing (FORBIDDEN), is never compiled, and is logged once", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const key = await createKey([{ type: "regex", value: "/ok" }]);
    const { hash } = await db.apiKey.findUniqueOrThrow({ where: { publicId: key.publicId }, select: { hash: true } });
    await storeRawConstraints(key.publicId, hash, [{ type: "regex", value: `${"[a-z/]{0,999}".repeat(4)}x` }, { type: "prefix", value: "/public" }]);

    const started = performance.now();
    for (let i = 0; i < 5; i++) expect(await code({ key: key.secret, method: "GET", path: `/${"a".repeat(500)}x` })).toBe("FORBIDDEN");
    // The other rules still apply.
    expect(await code({ key: key.secret, method: "GET", path: "/public/x" })).toBe("VALID");
    // Not a timing assertion on the pattern: without the bound, one match took seconds.
    expect(performance.now() - started).toBeLessThan(5_000);
    const lines = log.mock.calls.map((call) => String(call[0])).filter((line) => line.includes(key.publicId));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/over the cost limits/);
    expect(lines[0]).not.toContain(key.secret);
  });

  it("paths longer than 1 KiB match no regex rule; prefix rules still judge them", async () => {
    const key = await createKey([{ type: "regex", value: "/files/.*" }, { type: "prefix", value: "/long" }]);
    expect(await code({ key: key.secret, method: "GET", path: `/files/${"a".repeat(1000)}` })).toBe("VALID");
    expect(await code({ key: key.secret, method: "GET", path: `/files/${"a".repeat(1024)}` })).toBe("FORBIDDEN");
    expect(await code({ key: key.secret, method: "GET", path: `/long/${"a".repeat(4000)}` })).toBe("VALID");
  });

  it("a key whose regex rules run over the time budget is refused, logged once, and its regex rules stay suspended", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const rules = Array.from({ length: 4 }, (_, i) => ({ type: "regex", value: `/r${i}/[a-z]+` }));
    const key = await createKey([...rules, { type: "exact", value: "/health" }]);
    // A clock that advances 60 ms per reading stands in for slow matches (no timings in unit tests).
    let clock = 0;
    vi.spyOn(performance, "now").mockImplementation(() => (clock += 60));
    expect(await code({ key: key.secret, method: "GET", path: "/r3/abc" })).toBe("FORBIDDEN");
    vi.mocked(performance.now).mockRestore();

    // With a real clock the rule would match, but the key's regex rules are suspended for now…
    expect(await code({ key: key.secret, method: "GET", path: "/r3/abc" })).toBe("FORBIDDEN");
    expect(await code({ key: key.secret, method: "GET", path: "/r0/abc" })).toBe("FORBIDDEN");
    // …while its other rules keep working.
    expect(await code({ key: key.secret, method: "GET", path: "/health" })).toBe("VALID");
    const lines = log.mock.calls.map((call) => String(call[0])).filter((line) => line.includes(key.publicId));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/time budget/);

    // Another key with the same rules is not affected.
    const other = await createKey(rules);
    expect(await code({ key: other.secret, method: "GET", path: "/r3/abc" })).toBe("VALID");
  });

  it("a key whose matches are each under the budget but slow is suspended once they add up", async () => {
    const log = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const key = await createKey([{ type: "regex", value: "/slow/[a-z]+" }]);
    // Each request's match "takes" 15 ms: under the 20 ms budget, over the 2 ms of a slow match.
    let clock = 0;
    vi.spyOn(performance, "now").mockImplementation(() => (clock += 15));
    const codes: string[] = [];
    for (let i = 0; i < 6; i++) codes.push(await code({ key: key.secret, method: "GET", path: "/slow/abc" }));
    vi.mocked(performance.now).mockRestore();
    // 50 ms of slow matching within 10 s is the quota: the fourth request used it up.
    expect(codes).toEqual(["VALID", "VALID", "VALID", "VALID", "FORBIDDEN", "FORBIDDEN"]);
    expect(log.mock.calls.filter((call) => String(call[0]).includes(key.publicId))).toHaveLength(1);
  });
});

describe("paths and methods a server behind the caller could read differently", () => {
  it.each([
    "/jobs/%252e%252e/admin",
    "/jobs/..%00/admin",
    "/jobs/%00",
    "/jobs/%25",
    "/jobs/．．/admin",
    "/jobs/%EF%BC%8E%EF%BC%8E/admin",
    "/jobs/․․/admin",
    "/jobs/%E2%80%A4%E2%80%A4/admin",
    "/jobs/a／..",
    "/jobs/.../admin",
  ])("%s is FORBIDDEN for a key allowed under /jobs", async (path) => {
    const key = await createKey([{ type: "prefix", value: "/jobs" }]);
    expect(await code({ key: key.secret, method: "GET", path })).toBe("FORBIDDEN");
    expect(await code({ key: key.secret, method: "GET", path: "/jobs/12" })).toBe("VALID");
  });

  it("methods compare exactly: lower-case and non-ASCII methods match no rule", async () => {
    const key = await createKey([{ type: "verb", methods: ["GET", "POST"] }]);
    expect(await code({ key: key.secret, method: "GET" })).toBe("VALID");
    expect(await code({ key: key.secret, method: "POST" })).toBe("VALID");
    for (const method of ["get", "Get", "post", "poſt", "GET ", "ＧＥＴ"]) {
      expect(await code({ key: key.secret, method }), method).toBe("FORBIDDEN");
    }
  });
});
