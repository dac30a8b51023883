import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizePath } from "@/lib/keys/constraints";
import { capBytes, trailIp, trailMethod, trailPath, trailText } from "@/lib/trail/format";

describe("trail fields", () => {
  it("stores a path exactly as normalisation would, fast path or not", () => {
    const segment = fc.stringMatching(/^[A-Za-z0-9._~%;-]{0,6}$/);
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 6 }), fc.boolean(), (segments, trailing) => {
        const raw = `/${segments.join("/")}${trailing ? "/" : ""}`;
        const expected = normalizePath(raw);
        const stored = trailPath(raw);
        if (expected !== null) expect(stored).toBe(expected);
        else expect(stored).toBe(raw);
      }),
      { numRuns: 2000 },
    );
  });

  it("keeps a refused path as sent, without its query, control characters encoded, at most 1 KiB", () => {
    expect(trailPath("/a/../admin?token=secret")).toBe("/a/../admin");
    expect(trailPath("/x\r\nSet-Cookie: a")).toBe("/x%0D%0ASet-Cookie: a");
    expect(Buffer.byteLength(trailPath(`/${"€".repeat(2000)}`) ?? "")).toBeLessThanOrEqual(1024);
    expect(trailPath("")).toBeNull();
  });

  it("cuts text at a character boundary", () => {
    expect(capBytes("aé€😀", 6)).toBe("aé€");
    expect(capBytes("aé€😀", 5)).toBe("aé");
    expect(capBytes("aé€😀", 10)).toBe("aé€😀");
    expect(capBytes("😀😀", 5)).toBe("😀");
  });

  it("upper-cases ASCII methods only", () => {
    expect(trailMethod("delete")).toBe("DELETE");
    expect(trailMethod("poſt")).toBe("POſT");
    expect(trailMethod("G\u0000ET")).toBe("GET");
    expect(trailMethod("X".repeat(40))).toHaveLength(16);
  });

  it("stores addresses PostgreSQL accepts, IPv4-mapped IPv6 as IPv4, and nothing else", () => {
    expect(trailIp(" 203.0.113.7 ")).toBe("203.0.113.7");
    expect(trailIp("::ffff:198.51.100.2")).toBe("198.51.100.2");
    expect(trailIp("FE80::1%eth0")).toBe("fe80::1");
    for (const bad of ["", "localhost", "1.2.3.4.5", "1.2.3.256", "::g", "x".repeat(100)]) expect(trailIp(bad)).toBeNull();
  });

  it("turns control characters in free text into spaces", () => {
    expect(trailText("  ua\tx  ", 512)).toBe("ua x");
  });
});
