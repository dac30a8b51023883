import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import path from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ENTRY_OVERHEAD_BYTES, KeyStateCache, NO_ITEMS, estimateBytes, intern } from "@/lib/keys/key-state-cache";

const hashOf = (n: number) => createHash("sha256").update(`key ${n}`).digest("hex");
const sized = (budgetBytes: number, ttlMs = 60_000) => new KeyStateCache<{ n: number; bytes: number }>({ budgetBytes, ttlMs, sizeOf: (v) => v.bytes });

describe("KeyStateCache", () => {
  it("behaves like a map that forgets, never holding more than its budget", () => {
    const op = fc.tuple(fc.constantFrom("set", "get", "delete", "clear"), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 1, max: 400 }));
    fc.assert(
      fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
        const budget = 20 * (ENTRY_OVERHEAD_BYTES + 200);
        const cache = sized(budget);
        const model = new Map<number, number>();
        for (const [kind, n, bytes] of ops) {
          if (kind === "set") {
            cache.set(hashOf(n), { n, bytes });
            model.set(n, bytes);
          } else if (kind === "get") {
            const got = cache.get(hashOf(n));
            // It may have been evicted, but it is never another key's value.
            if (got !== undefined) expect(got).toEqual({ n, bytes: model.get(n) });
          } else if (kind === "delete") {
            cache.delete(hashOf(n));
            model.delete(n);
          } else {
            cache.clear();
            model.clear();
          }
          const stats = cache.stats();
          expect(stats.bytes).toBeLessThanOrEqual(budget);
          expect(stats.size).toBeLessThanOrEqual(model.size);
        }
      }),
      { numRuns: 200 },
    );
  });

  it("tells apart hashes that share their first 8 bytes", () => {
    const cache = sized(1_000_000);
    const a = `0123456789abcdef${"a".repeat(48)}`;
    const b = `0123456789abcdef${"b".repeat(48)}`;
    cache.set(a, { n: 1, bytes: 10 });
    expect(cache.get(b)).toBeUndefined();
    cache.set(b, { n: 2, bytes: 10 });
    expect(cache.get(a)).toEqual({ n: 1, bytes: 10 });
    expect(cache.get(b)).toEqual({ n: 2, bytes: 10 });
    cache.delete(a);
    expect(cache.get(a)).toBeUndefined();
    expect(cache.get(b)).toEqual({ n: 2, bytes: 10 });
    expect(cache.get("not a hash")).toBeUndefined();
  });

  it("evicts what was not used since the clock last passed, and keeps what was", () => {
    const cache = sized(10 * (ENTRY_OVERHEAD_BYTES + 100));
    for (let n = 0; n < 10; n++) cache.set(hashOf(n), { n, bytes: 100 });
    for (let n = 0; n < 5; n++) cache.get(hashOf(n)); // the first half is in use
    for (let n = 10; n < 15; n++) cache.set(hashOf(n), { n, bytes: 100 });
    for (let n = 0; n < 5; n++) expect(cache.get(hashOf(n))?.n).toBe(n);
    for (let n = 5; n < 10; n++) expect(cache.get(hashOf(n))).toBeUndefined();
    expect(cache.stats().evictions).toBe(5);
  });

  it("forgets entries older than the TTL and refuses one larger than the whole budget", async () => {
    const cache = sized(10_000, 1);
    cache.set(hashOf(1), { n: 1, bytes: 10 });
    await new Promise((resolve) => setTimeout(resolve, 1_100)); // ages are kept in whole seconds
    expect(cache.get(hashOf(1))).toBeUndefined();
    cache.set(hashOf(2), { n: 2, bytes: 20_000 });
    expect(cache.get(hashOf(2))).toBeUndefined();
    expect(cache.stats().bytes).toBe(0);
  });

  it("grows its table past 100,000 entries and finds every one", () => {
    const cache = sized(1e12);
    for (let n = 0; n < 100_000; n++) cache.set(hashOf(n), { n, bytes: 1 });
    for (let n = 0; n < 100_000; n += 997) expect(cache.get(hashOf(n))?.n).toBe(n);
    expect(cache.size).toBe(100_000);
  });
});

describe("estimateBytes", () => {
  it("matches the heap a cached key really takes, within 25%", () => {
    // Measured in a process of its own (bench/measure-key-cache.ts): with concurrent sweeping and
    // a test runner's garbage around, heap figures inside this process are not reliable.
    const run = spawnSync(process.execPath, ["--expose-gc", "--single-threaded-gc", "--import", "tsx", "bench/measure-key-cache.ts", "16384"], {
      cwd: path.resolve(import.meta.dirname, "../.."),
      encoding: "utf8",
    });
    expect(run.status, run.stderr).toBe(0);
    const { measuredBytesPerEntry, estimatedBytesPerEntry } = JSON.parse(run.stdout) as { measuredBytesPerEntry: number; estimatedBytesPerEntry: number };
    expect(measuredBytesPerEntry).toBeGreaterThan(100);
    expect(estimatedBytesPerEntry).toBeGreaterThan(measuredBytesPerEntry * 0.75);
    expect(estimatedBytesPerEntry).toBeLessThan(measuredBytesPerEntry * 1.25);
  });

  it("counts strings, numbers, lists and objects, and nothing for shared ones", () => {
    expect(estimateBytes("a".repeat(36))).toBe(56);
    expect(estimateBytes(intern("shared-project-id"))).toBe(0);
    expect(estimateBytes(7)).toBe(0);
    expect(estimateBytes(Date.now())).toBe(16);
    expect(estimateBytes(NO_ITEMS)).toBe(0);
    expect(estimateBytes({ a: null, b: true })).toBe(40);
    expect(estimateBytes(["GET"])).toBe(32 + 16 + 8 + 24);
  });
});
