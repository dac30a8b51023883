import { describe, expect, it } from "vitest";
import { CopyBinaryBuffer, encodeInet, encodeText, encodeUuid, FieldMemo } from "@/lib/trail/copy-binary";

describe("binary COPY encoding", () => {
  it("frames a payload with the signature, rows of length-prefixed fields and the trailer", () => {
    const out = new CopyBinaryBuffer(16); // small on purpose: it must grow
    out.begin();
    out.row(3);
    out.text("é");
    out.null();
    out.field(encodeUuid("00112233-4455-6677-8899-aabbccddeeff"));
    const payload = out.end();
    expect(payload.subarray(0, 11).toString("latin1")).toBe("PGCOPY\n\xff\r\n\0");
    expect(payload.readInt32BE(11)).toBe(0);
    expect(payload.readInt32BE(15)).toBe(0);
    expect(payload.readInt16BE(19)).toBe(3);
    expect(payload.readInt32BE(21)).toBe(2);
    expect(payload.subarray(25, 27).toString("utf8")).toBe("é");
    expect(payload.readInt32BE(27)).toBe(-1);
    expect(payload.readInt32BE(31)).toBe(16);
    expect(payload.subarray(35, 51).toString("hex")).toBe("00112233445566778899aabbccddeeff");
    expect(payload.readInt16BE(51)).toBe(-1);
    expect(payload.length).toBe(53);
  });

  it("writes timestamps as microseconds since 2000-01-01 UTC", () => {
    for (const ms of [946_684_800_000, 946_684_800_001, 1_764_600_000_123, 4_102_444_800_999]) {
      const out = new CopyBinaryBuffer();
      out.begin();
      out.timestamp(ms);
      const payload = out.end();
      expect(payload.readInt32BE(19)).toBe(8);
      expect(payload.readBigInt64BE(23)).toBe((BigInt(ms) - 946_684_800_000n) * 1000n);
    }
  });

  it("encodes addresses as PostgreSQL's inet: family, bits, cidr flag, length, bytes", () => {
    expect(encodeInet("203.0.113.7").toString("hex")).toBe("00000008" + "02200004" + "cb007107");
    expect(encodeInet("::1").toString("hex")).toBe("00000014" + "03800010" + "0".repeat(31) + "1");
    expect(encodeInet("2001:db8::1:0:0:ff").subarray(8).toString("hex")).toBe("20010db80000000000010000000000ff");
    expect(encodeInet("64:ff9b::198.51.100.9").subarray(8).toString("hex")).toBe("0064ff9b0000000000000000c6336409");
    expect(encodeInet("1:2:3:4:5:6:7:8").subarray(8).toString("hex")).toBe("00010002000300040005000600070008");
    expect(encodeInet("::").subarray(8).toString("hex")).toBe("0".repeat(32));
    expect(encodeInet(null).readInt32BE(0)).toBe(-1);
  });

  it("writes short ASCII, text that turns non-ASCII midway and long text alike, as UTF-8", () => {
    const values = ["/invoices/12", "abc€d", "x".repeat(100), `${"y".repeat(70)}é`, ""];
    const out = new CopyBinaryBuffer(8);
    out.begin();
    for (const value of values) out.text(value);
    const payload = out.end();
    let at = 19;
    for (const value of values) {
      const bytes = payload.readInt32BE(at);
      expect(payload.subarray(at + 4, at + 4 + bytes).toString("utf8")).toBe(value);
      at += 4 + bytes;
    }
    expect(payload.readInt16BE(at)).toBe(-1);
  });

  it("counts text in UTF-8 bytes, lone surrogates as the replacement character", () => {
    expect(encodeText("😀").toString("hex")).toBe("00000004f09f9880");
    expect(encodeText("\ud800").toString("hex")).toBe("00000003efbfbd");
    expect(encodeText(null).readInt32BE(0)).toBe(-1);
  });

  it("formats each distinct value once per batch", () => {
    let calls = 0;
    const memo = new FieldMemo<string | null, string>((raw) => {
      calls += 1;
      return `<${raw}>`;
    });
    expect(["a", "a", "b", "a", null, null, "b"].map((raw) => memo.get(raw))).toEqual(["<a>", "<a>", "<b>", "<a>", "<null>", "<null>", "<b>"]);
    expect(calls).toBe(3);
  });
});
