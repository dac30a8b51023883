import { createHash } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { HashPrefixSet, RANGE_COUNT, prefixOfHash, rangeOf } from "@/lib/keys/hash-prefix-set";

const key = (hi: number, lo: number) => (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);

/** The reference model: per-range count and XOR of a plain Set of 64-bit values. */
function modelSummary(model: Set<bigint>) {
  const counts = new Uint32Array(RANGE_COUNT);
  const xorHi = new Uint32Array(RANGE_COUNT);
  const xorLo = new Uint32Array(RANGE_COUNT);
  for (const value of model) {
    const hi = Number(value >> 32n);
    const lo = Number(value & 0xffffffffn);
    const r = rangeOf(hi);
    counts[r] = (counts[r] as number) + 1;
    xorHi[r] = ((xorHi[r] as number) ^ hi) >>> 0;
    xorLo[r] = ((xorLo[r] as number) ^ lo) >>> 0;
  }
  return { counts, xorHi, xorLo };
}

function sameSummary(set: HashPrefixSet, model: Set<bigint>) {
  const expected = modelSummary(model);
  const actual = set.rangeSummary();
  expect(Array.from(actual.counts)).toEqual(Array.from(expected.counts));
  expect(Array.from(actual.xorHi)).toEqual(Array.from(expected.xorHi));
  expect(Array.from(actual.xorLo)).toEqual(Array.from(expected.xorLo));
}

// Prefixes from a small pool, so that adds and deletes hit the same values often; several share a
// top (one range, one home slot) to force long probe runs, and the all-zero prefix is among them.
const uint32 = fc.integer({ min: 0, max: 0xffffffff });
const prefix = fc.oneof(
  fc.tuple(uint32, uint32),
  fc.tuple(fc.constantFrom(0, 1, 0x80000000, 0xffffffff, 0x003fffff), fc.integer({ min: 0, max: 7 })),
  fc.constant<[number, number]>([0, 0]),
);
const operation = fc.tuple(fc.constantFrom("add", "delete", "replace"), prefix, fc.array(prefix, { maxLength: 8 }));

describe("HashPrefixSet", () => {
  it("reads the first 8 bytes of a hex SHA-256, either case", () => {
    expect(prefixOfHash("0123456789abcdef" + "0".repeat(48))).toEqual([0x01234567, 0x89abcdef]);
    expect(prefixOfHash("FFFFFFFF00000001")).toEqual([0xffffffff, 1]);
    expect(prefixOfHash("0123456789abcdeg")).toBeNull();
    expect(prefixOfHash("0123")).toBeNull();
  });

  it("answers exactly like a Set under random adds, deletes and range replacements", () => {
    fc.assert(
      fc.property(fc.array(operation, { maxLength: 400 }), (ops) => {
        const set = new HashPrefixSet();
        const model = new Set<bigint>();
        const touched: [number, number][] = [];
        for (const [op, [hi, lo], members] of ops) {
          touched.push([hi, lo], ...members);
          if (op === "add") expect(set.add(hi, lo)).toBe(!model.has(key(hi, lo)));
          if (op === "add") model.add(key(hi, lo));
          if (op === "delete") expect(set.delete(hi, lo)).toBe(model.delete(key(hi, lo)));
          if (op === "replace") {
            // Replace the range of (hi, lo) with those members that fall in it.
            const range = rangeOf(hi);
            const inRange = members.filter(([h]) => rangeOf(h) === range);
            set.replaceRange(range, Uint32Array.from(inRange.flat()));
            for (const value of [...model]) if (rangeOf(Number(value >> 32n)) === range) model.delete(value);
            for (const [h, l] of inRange) model.add(key(h, l));
          }
          expect(set.size).toBe(model.size);
        }
        for (const [hi, lo] of touched) expect(set.has(hi, lo)).toBe(model.has(key(hi, lo)));
        sameSummary(set, model);
      }),
      { numRuns: 300 },
    );
  });

  it("lists a range's members although probe runs spill into the next ranges and wrap around", () => {
    const set = new HashPrefixSet();
    // 40 prefixes of the last range share one home slot: their run wraps past the end.
    const last = RANGE_COUNT - 1;
    const hi = ((last << 22) | 0x3fffff) >>> 0;
    for (let lo = 1; lo <= 40; lo++) set.add(hi, lo);
    for (let lo = 1; lo <= 5; lo++) set.add(0, lo); // range 0, where the wrapped run lands
    expect(set.membersOfRange(last).length / 2).toBe(40);
    expect(set.membersOfRange(0).length / 2).toBe(5);
    set.replaceRange(last, Uint32Array.from([hi, 7, hi, 41]));
    expect(set.has(hi, 7) && set.has(hi, 41) && !set.has(hi, 8)).toBe(true);
    for (let lo = 1; lo <= 5; lo++) expect(set.has(0, lo)).toBe(true);
    expect(set.size).toBe(7);
  });

  it("grows past its initial capacity and keeps every member", () => {
    const set = new HashPrefixSet(10);
    const model: [number, number][] = [];
    for (let i = 0; i < 20_000; i++) {
      const digest = createHash("sha256").update(String(i)).digest("hex");
      const p = prefixOfHash(digest) as [number, number];
      model.push(p);
      set.add(...p);
    }
    expect(set.capacity).toBeGreaterThanOrEqual(20_000 / 0.75);
    expect(model.every(([hi, lo]) => set.has(hi, lo))).toBe(true);
    expect(set.has(1, 2)).toBe(false);
  });

  it("holds 1,000,000 prefixes in 16 MiB of slots when sized up front", () => {
    const set = new HashPrefixSet(1_000_000);
    expect(set.capacity).toBe(2 ** 21);
    expect(set.byteLength).toBeLessThan(16.1 * 2 ** 20);
  });

  it("refuses a replacement member from another range", () => {
    const set = new HashPrefixSet();
    expect(() => set.replaceRange(0, Uint32Array.from([0xffffffff, 1]))).toThrow(RangeError);
  });
});
