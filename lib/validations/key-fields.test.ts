import { describe, expect, it } from "vitest";
import { METADATA_MAX_BYTES, checkMetadata, enabledSchema, externalIdSchema, externalIdUpdateSchema, metadataSchema, metadataUpdateSchema } from "./key-fields";

const message = (raw: unknown) => {
  const result = checkMetadata(raw);
  return result.ok ? null : result.message;
};

describe("externalId (the owner)", () => {
  it("trims, keeps ordinary text up to 255 characters, and turns blank into null", () => {
    expect(externalIdSchema.parse("  customer_4711 ")).toBe("customer_4711");
    expect(externalIdSchema.parse("Gerät 7 · Küche 🔑")).toBe("Gerät 7 · Küche 🔑");
    expect(externalIdSchema.parse("x".repeat(255))).toHaveLength(255);
    expect(externalIdSchema.parse("")).toBeNull();
    expect(externalIdSchema.parse("   ")).toBeNull();
    expect(externalIdSchema.parse(undefined)).toBeNull();
    expect(externalIdSchema.parse(null)).toBeNull();
  });

  it("tells an update's absent (unchanged) from null or blank (cleared)", () => {
    expect(externalIdUpdateSchema.parse(undefined)).toBeUndefined();
    expect(externalIdUpdateSchema.parse(null)).toBeNull();
    expect(externalIdUpdateSchema.parse("")).toBeNull();
    expect(externalIdUpdateSchema.parse(" a ")).toBe("a");
  });

  it.each([
    ["x".repeat(256), "Owner must be at most 255 characters"],
    ["a\u0000b", "Owner must not contain control characters"],
    ["a\nb", "Owner must not contain control characters"],
    ["a\u0085b", "Owner must not contain control characters"],
    ["a\ud800b", "Owner contains an invalid character (a broken emoji or symbol). Retype it and try again."],
    ["\udc00", "Owner contains an invalid character (a broken emoji or symbol). Retype it and try again."],
    [42, "Owner must be text"],
    [{ id: 1 }, "Owner must be text"],
  ])("refuses %j", (input, expected) => {
    const result = externalIdSchema.safeParse(input);
    expect(result.success).toBe(false);
    if (!result.success) expect(result.error.issues[0]?.message).toBe(expected);
  });
});

describe("metadata", () => {
  it("accepts JSON objects, as values or as a form's text, and treats blank and absent as {}", () => {
    expect(checkMetadata({ plan: "pro", seats: 5, tags: ["a"], nested: { ok: true, none: null } })).toEqual({
      ok: true,
      value: { plan: "pro", seats: 5, tags: ["a"], nested: { ok: true, none: null } },
    });
    expect(checkMetadata(' {"plan": "pro"} ')).toEqual({ ok: true, value: { plan: "pro" } });
    expect(checkMetadata("")).toEqual({ ok: true, value: {} });
    expect(checkMetadata("{}")).toEqual({ ok: true, value: {} });
    expect(metadataSchema.parse(undefined)).toEqual({});
    expect(metadataSchema.parse(null)).toEqual({});
  });

  it("tells an update's absent (unchanged) from null (cleared to {})", () => {
    expect(metadataUpdateSchema.parse(undefined)).toBeUndefined();
    expect(metadataUpdateSchema.parse(null)).toEqual({});
    expect(metadataUpdateSchema.parse({ a: 1 })).toEqual({ a: 1 });
  });

  it("allows exactly 4 KiB serialized, counted in UTF-8 bytes", () => {
    const fill = (bytes: number) => ({ k: "x".repeat(bytes - JSON.stringify({ k: "" }).length) });
    expect(JSON.stringify(fill(METADATA_MAX_BYTES))).toHaveLength(METADATA_MAX_BYTES);
    expect(checkMetadata(fill(METADATA_MAX_BYTES)).ok).toBe(true);
    expect(message(fill(METADATA_MAX_BYTES + 1))).toBe(`Metadata must be at most 4096 bytes as JSON (this is 4097)`);
    // 2,000 "é" are 2,000 characters but 4,000 bytes.
    expect(message({ k: "é".repeat(2100) })).toMatch(/at most 4096 bytes/);
    expect(message("x".repeat(100_000))).toMatch(/at most 4096 bytes/);
  });

  it.each([
    ["{", /not valid JSON/],
    ["{'a': 1}", /not valid JSON/],
    ["[1, 2]", /must be a JSON object/],
    ['"text"', /must be a JSON object/],
    ["42", /must be a JSON object/],
    ["null", /must be a JSON object/],
    [[], /must be a JSON object/],
    [42, /must be a JSON object/],
    [true, /must be a JSON object/],
    [{ a: "x\u0000y" }, /NUL characters/],
    [{ "x\u0000": 1 }, /NUL characters/],
    [{ a: "\ud800" }, /invalid character/],
    [{ "\udfff": 1 }, /invalid character/],
    [{ a: [{ b: "\ud83d" }] }, /invalid character/],
    [JSON.parse('{"__proto__": {"admin": true}}'), /__proto__/],
    [{ a: { b: Number.POSITIVE_INFINITY } }, /finite/],
    ['{"a": 1e999}', /finite/],
  ])("refuses %j", (input, expected) => {
    expect(message(input)).toMatch(expected);
  });

  it("keeps paired surrogates (emoji) and other control characters, which JSON escapes", () => {
    expect(checkMetadata({ icon: "🔑", tab: "a\tb" }).ok).toBe(true);
  });
});

describe("enabled", () => {
  it("accepts booleans and the strings a form sends, nothing else", () => {
    expect(enabledSchema.parse(false)).toBe(false);
    expect(enabledSchema.parse("true")).toBe(true);
    for (const value of ["yes", 0, 1, null, "FALSE"]) {
      const result = enabledSchema.safeParse(value);
      expect(result.success, String(value)).toBe(false);
      if (!result.success) expect(result.error.issues[0]?.message).toBe('"enabled" must be true or false');
    }
  });
});
