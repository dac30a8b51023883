import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  BASE62_ALPHABET,
  CHECKSUM_LENGTH,
  RANDOM_PART_LENGTH,
  SECRET_BODY_LENGTH,
  generatePublicId,
  generateSecret,
  hashSecret,
  isPublicId,
  maskedKey,
  parseSecret,
  timingSafeEqualHex,
} from "./secret";
import { isValidKeyPrefix } from "./prefix";

describe("generateSecret", () => {
  it("produces <prefix>_<49 base62 chars>", () => {
    const { secret } = generateSecret("kd");
    expect(secret).toMatch(/^kd_[0-9A-Za-z]{49}$/);
    expect(SECRET_BODY_LENGTH).toBe(49);
    expect(RANDOM_PART_LENGTH + CHECKSUM_LENGTH).toBe(49);
  });

  it("has the same length for every secret of a prefix", () => {
    const lengths = new Set<number>();
    for (let i = 0; i < 500; i++) lengths.add(generateSecret("acme42").secret.length);
    expect([...lengths]).toEqual(["acme42_".length + 49]);
  });

  it("never repeats over many secrets", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) seen.add(generateSecret("kd").secret);
    expect(seen.size).toBe(2000);
  });

  it("uses the whole base62 alphabet", () => {
    const used = new Set<string>();
    for (let i = 0; i < 200; i++) {
      for (const ch of generateSecret("kd").secret.slice(3)) used.add(ch);
    }
    expect(used.size).toBe(BASE62_ALPHABET.length);
  });

  it("returns hash, displayPrefix and last4 consistent with the secret", () => {
    const generated = generateSecret("kd");
    expect(generated.hash).toBe(createHash("sha256").update(generated.secret).digest("hex"));
    expect(generated.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(generated.displayPrefix).toBe(generated.secret.slice(0, "kd_".length + 6));
    expect(generated.displayPrefix).toMatch(/^kd_[0-9A-Za-z]{6}$/);
    expect(generated.last4).toBe(generated.secret.slice(-4));
    expect(generated.last4).toHaveLength(4);
  });

  it.each(["", "k", "KD", "kd-x", "k_d", "abcdefghijklm", "kd "])("rejects invalid prefix %j", (prefix) => {
    expect(() => generateSecret(prefix)).toThrow(/prefix/);
  });

  it("accepts prefixes of 2 and 12 chars", () => {
    expect(isValidKeyPrefix("a1")).toBe(true);
    expect(isValidKeyPrefix("abcdefghij12")).toBe(true);
    expect(parseSecret(generateSecret("abcdefghij12").secret).ok).toBe(true);
  });
});

describe("parseSecret", () => {
  it("accepts generated secrets and returns the prefix", () => {
    for (let i = 0; i < 200; i++) {
      const { secret } = generateSecret("proj7");
      expect(parseSecret(secret)).toEqual({ ok: true, prefix: "proj7", secret });
    }
  });

  it("detects every single-character substitution in a sample of secrets", () => {
    for (let sample = 0; sample < 5; sample++) {
      const { secret } = generateSecret("kd");
      for (let i = 0; i < secret.length; i++) {
        if (secret[i] === "_") continue;
        const allowed = i < 2 ? "abcdefghijklmnopqrstuvwxyz0123456789" : BASE62_ALPHABET;
        for (const replacement of allowed) {
          if (replacement === secret[i]) continue;
          const tampered = secret.slice(0, i) + replacement + secret.slice(i + 1);
          expect(parseSecret(tampered)).toEqual({ ok: false, reason: "checksum" });
        }
      }
    }
  });

  it("rejects non-string input", () => {
    for (const input of [undefined, null, 42, {}, ["kd_x"], Buffer.from("kd_")]) {
      expect(parseSecret(input)).toEqual({ ok: false, reason: "format" });
    }
  });

  it("rejects a wrong separator", () => {
    const { secret } = generateSecret("kd");
    for (const separator of ["-", ".", ":", "a"]) {
      expect(parseSecret(secret.replace("_", separator))).toEqual({ ok: false, reason: "format" });
    }
  });

  it("rejects wrong lengths, charsets and surrounding whitespace", () => {
    const { secret } = generateSecret("kd");
    const cases = [
      "",
      secret.slice(0, -1),
      `${secret}A`,
      ` ${secret}`,
      `${secret}\n`,
      secret.replace(/^kd/, "KD"),
      `${secret.slice(0, 10)}-${secret.slice(11)}`,
      `k_${secret.slice(3)}`,
      `abcdefghijklm_${secret.slice(3)}`,
      `kd__${secret.slice(4)}`,
      "x".repeat(100_000),
    ];
    for (const input of cases) {
      expect(parseSecret(input)).toEqual({ ok: false, reason: "format" });
    }
  });

  it("binds the checksum to the prefix", () => {
    const { secret } = generateSecret("kd");
    expect(parseSecret(`xy${secret.slice(2)}`)).toEqual({ ok: false, reason: "checksum" });
  });
});

describe("hashSecret", () => {
  it("is stable, 64 hex chars and differs between secrets", () => {
    expect(hashSecret("kd_abc")).toBe(hashSecret("kd_abc"));
    expect(hashSecret("kd_abc")).toMatch(/^[0-9a-f]{64}$/);
    expect(hashSecret("kd_abc")).not.toBe(hashSecret("kd_abd"));
    // Known SHA-256 vector, to catch accidental encoding changes.
    expect(hashSecret("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});

describe("maskedKey", () => {
  it("joins displayPrefix and last4 with an ellipsis", () => {
    expect(maskedKey("kd_AbC123", "wxyz")).toBe("kd_AbC123\u2026wxyz");
    const generated = generateSecret("kd");
    expect(maskedKey(generated.displayPrefix, generated.last4)).toBe(
      `${generated.secret.slice(0, 9)}…${generated.secret.slice(-4)}`,
    );
  });
});

describe("timingSafeEqualHex", () => {
  it("compares hex digests", () => {
    const a = hashSecret("a");
    expect(timingSafeEqualHex(a, a)).toBe(true);
    expect(timingSafeEqualHex(a, a.toUpperCase())).toBe(true);
    expect(timingSafeEqualHex(a, hashSecret("b"))).toBe(false);
    expect(timingSafeEqualHex(a, a.slice(2))).toBe(false);
    expect(timingSafeEqualHex("", "")).toBe(true);
  });

  it("rejects non-hex input instead of comparing truncated buffers", () => {
    expect(timingSafeEqualHex("zz", "zz")).toBe(false);
    expect(timingSafeEqualHex("abc", "abc")).toBe(false);
    expect(timingSafeEqualHex("00zz", "00yy")).toBe(false);
  });
});

describe("generatePublicId", () => {
  it("produces key_ + 16 base62 chars, unique over many", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const id = generatePublicId();
      expect(id).toMatch(/^key_[0-9A-Za-z]{16}$/);
      expect(isPublicId(id)).toBe(true);
      seen.add(id);
    }
    expect(seen.size).toBe(2000);
  });

  it("isPublicId rejects other shapes", () => {
    for (const value of ["key_short", "kd_0123456789abcdef", "key_0123456789abcde!", 7, null]) {
      expect(isPublicId(value)).toBe(false);
    }
  });
});
