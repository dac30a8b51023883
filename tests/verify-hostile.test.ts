// Verification against hostile constraints and requests (issue 12): regex rules stored before the
// cost limits existed, regex rules that run over the time budget, and paths and methods that a
// server behind the caller could read differently from what was checked.
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { db } from "@/lib/db";
import { emitKeyChanged } from "@/lib/keys/invalidation";
import { SHARED_SLOW_BURST_MS } from "@/lib/keys/regex-suspension";
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
  // The shared-budget test needs 21 costly keys besides the others.
  await db.project.update({ where: { id: projectId }, data: { activeKeyLimit: 1000 } });
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

/** `at` defaults to now; tests that drain the process-wide regex budget run at times of their own. */
async function code(input: Omit<VerifyInput, "project">, at = new Date()): Promise<string> {
  const result = await verifyKey({ project: projectId, ...input }, at);
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
    // Each reading of the clock advances 4 ms: each request's match "takes" 4 ms (under the 5 ms
    // budget, over the 2 ms of a slow match), and so does compiling (cached; it drains only the
    // shared budget). Half a second apart, after the earlier tests' slow time has been refilled,
    // so the shared budget keeps up and only the key's own quota decides.
    let clock = 0;
    vi.spyOn(performance, "now").mockImplementation(() => (clock += 4));
    const start = Date.now() + 20_000;
    const codes: string[] = [];
    for (let i = 0; i < 14; i++) codes.push(await code({ key: key.secret, method: "GET", path: "/slow/abc" }, new Date(start + i * 500)));
    vi.mocked(performance.now).mockRestore();
    // 50 ms of slow matching within 10 s is the quota: the thirteenth request used it up.
    expect(codes).toEqual([...Array<string>(13).fill("VALID"), "FORBIDDEN"]);
    expect(log.mock.calls.filter((call) => String(call[0]).includes(key.publicId))).toHaveLength(1);
  });

  it("many costly keys at once share one budget: beyond it their regex rules are suspended at once; cheap keys keep VALID", async () => {
    vi.spyOn(console, "error").mockImplementation(() => undefined);
    const keys = [];
    for (let k = 0; k < 21; k++) keys.push(await createKey([{ type: "regex", value: `/costly${k}/[a-z]+` }]));
    const cheap = await createKey([{ type: "regex", value: "/cheap/[a-z]+" }]);
    const at = new Date(Date.now() + 60_000);
    // Each of the 21 keys has one slow request (4 ms of matching, under the per-request budget and
    // far under its own 50 ms quota), all in the same instant.
    let clock = 0;
    vi.spyOn(performance, "now").mockImplementation(() => (clock += 4));
    for (const [k, key] of keys.entries()) await code({ key: key.secret, method: "GET", path: `/costly${k}/abc` }, at);
    // Asked again: the keys whose slow time the shared budget could not admit refuse at once.
    const again = [];
    for (const [k, key] of keys.entries()) again.push(await code({ key: key.secret, method: "GET", path: `/costly${k}/abc` }, at));
    vi.mocked(performance.now).mockRestore();
    const valid = again.filter((c) => c === "VALID").length;
    expect(valid).toBeLessThanOrEqual(SHARED_SLOW_BURST_MS / 4);
    expect(again.filter((c) => c === "FORBIDDEN")).toHaveLength(21 - valid);
    // Meanwhile a key whose regex takes microseconds (the real clock) is not affected.
    for (let i = 0; i < 5; i++) expect(await code({ key: cheap.secret, method: "GET", path: "/cheap/abc" }, at)).toBe("VALID");
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
