import http from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { parseAddress, proxyTrustFromEnv, resolveClientIp, type ProxyTrust } from "@/lib/net/client-ip";

const trust = (env: Record<string, string>) => proxyTrustFromEnv(env);
const none: ProxyTrust = { kind: "none" };
const oneHop = trust({ KEYDESK_TRUST_PROXY: "1" });

describe("without KEYDESK_TRUST_PROXY", () => {
  it("uses the socket address and ignores X-Forwarded-For entirely", () => {
    expect(resolveClientIp("203.0.113.9", "198.51.100.1", none)).toBe("203.0.113.9");
    expect(resolveClientIp("::ffff:203.0.113.9", undefined, none)).toBe("203.0.113.9");
    expect(resolveClientIp(undefined, "198.51.100.1", none)).toBe("unknown");
  });
});

describe("one trusted hop (KEYDESK_TRUST_PROXY=1 alone)", () => {
  it("takes the entry the proxy appended, never one the client wrote", () => {
    // The client sent "X-Forwarded-For: 1.1.1.1"; the proxy appended the real peer.
    expect(resolveClientIp("10.0.0.2", "1.1.1.1, 203.0.113.50", oneHop)).toBe("203.0.113.50");
    expect(resolveClientIp("10.0.0.2", ["1.1.1.1, 8.8.8.8", "203.0.113.50"], oneHop)).toBe("203.0.113.50");
    expect(resolveClientIp("10.0.0.2", "203.0.113.50", oneHop)).toBe("203.0.113.50");
  });

  it("falls back to the socket when there is no header", () => {
    expect(resolveClientIp("10.0.0.2", undefined, oneHop)).toBe("10.0.0.2");
    expect(resolveClientIp("10.0.0.2", "", oneHop)).toBe("10.0.0.2");
    expect(resolveClientIp("10.0.0.2", " , ,", oneHop)).toBe("10.0.0.2");
  });

  it.each([
    ["garbage", "10.0.0.2"],
    ["1.1.1.1, not-an-ip", "10.0.0.2"],
    ["1.1.1.1, 203.0.113.5\u0000", "10.0.0.2"],
    ["1.1.1.1, 0x7f.1", "10.0.0.2"],
    ["1.1.1.1, 999.1.1.1", "10.0.0.2"],
    ["1.1.1.1, unknown", "10.0.0.2"],
    ["1.1.1.1, 203.0.113.5:4711", "203.0.113.5"],
    ["1.1.1.1, [2001:db8::7]:443", "2001:db8::7"],
    ["1.1.1.1, ::ffff:203.0.113.5", "203.0.113.5"],
    ["1.1.1.1, 2001:DB8:0:0::7", "2001:db8::7"],
  ])("X-Forwarded-For %j → %s", (header, expected) => {
    expect(resolveClientIp("10.0.0.2", header, oneHop)).toBe(expected);
  });
});

describe("hop counts", () => {
  it("skips exactly that many proxies", () => {
    const two = trust({ KEYDESK_TRUST_PROXY: "1", KEYDESK_TRUSTED_PROXIES: "2" });
    expect(resolveClientIp("10.0.0.2", "6.6.6.6, 203.0.113.50, 10.0.0.1", two)).toBe("203.0.113.50");
    // Fewer entries than hops: the left-most there is, which a trusted proxy wrote.
    expect(resolveClientIp("10.0.0.2", "10.0.0.1", two)).toBe("10.0.0.1");
  });

  it("refuses nonsense counts", () => {
    expect(() => trust({ KEYDESK_TRUST_PROXY: "1", KEYDESK_TRUSTED_PROXIES: "0" })).toThrow(/hop count/);
    expect(() => trust({ KEYDESK_TRUST_PROXY: "1", KEYDESK_TRUSTED_PROXIES: "99" })).toThrow(/hop count/);
  });
});

describe("trusted ranges", () => {
  const ranges = trust({ KEYDESK_TRUST_PROXY: "1", KEYDESK_TRUSTED_PROXIES: "loopback, 10.0.0.0/8 2001:db8:ffff::/48,192.0.2.10" });

  it("skips every trusted proxy from the right and stops at the first stranger", () => {
    expect(resolveClientIp("127.0.0.1", "6.6.6.6, 203.0.113.50, 192.0.2.10, 10.1.2.3", ranges)).toBe("203.0.113.50");
    expect(resolveClientIp("::1", "203.0.113.50", ranges)).toBe("203.0.113.50");
    expect(resolveClientIp("::ffff:10.9.9.9", "2001:db8::1", ranges)).toBe("2001:db8::1");
    expect(resolveClientIp("2001:db8:ffff::9", "198.51.100.4", ranges)).toBe("198.51.100.4");
  });

  it("ignores X-Forwarded-For from a peer that is not a trusted proxy", () => {
    expect(resolveClientIp("203.0.113.99", "1.2.3.4", ranges)).toBe("203.0.113.99");
  });

  it("answers with the nearest proxy when every hop is trusted", () => {
    expect(resolveClientIp("10.0.0.2", "10.0.0.1, 127.0.0.1", ranges)).toBe("10.0.0.1");
  });

  it("refuses settings it cannot parse, and trusted proxies without KEYDESK_TRUST_PROXY", () => {
    expect(() => trust({ KEYDESK_TRUST_PROXY: "1", KEYDESK_TRUSTED_PROXIES: "10.0.0.0/33" })).toThrow(/10\.0\.0\.0\/33/);
    expect(() => trust({ KEYDESK_TRUST_PROXY: "1", KEYDESK_TRUSTED_PROXIES: "proxy.internal" })).toThrow(/proxy\.internal/);
    expect(() => trust({ KEYDESK_TRUSTED_PROXIES: "10.0.0.0/8" })).toThrow(/KEYDESK_TRUST_PROXY/);
  });
});

describe("parseAddress", () => {
  it.each(["1", "1.2.3", "01.2.3.4x", "::g", "", "[::1", "1.2.3.4:5:6"])("refuses %j", (raw) => {
    expect(parseAddress(raw)).toBeNull();
  });
});

describe("over real HTTP, behind a real proxy", () => {
  it("a client cannot choose its address with a forged X-Forwarded-For", async () => {
    const seen: string[] = [];
    const app = http.createServer((req, res) => {
      seen.push(resolveClientIp(req.socket.remoteAddress, req.headers["x-forwarded-for"], oneHop));
      res.end();
    });
    // What nginx's $proxy_add_x_forwarded_for does: append the peer's address.
    const proxy = http.createServer((req, res) => {
      const prior = req.headers["x-forwarded-for"];
      const forwarded = [prior, req.socket.remoteAddress].filter(Boolean).join(", ");
      const upstream = http.request(
        { host: "127.0.0.1", port: (app.address() as AddressInfo).port, path: req.url, method: req.method, headers: { ...req.headers, "x-forwarded-for": forwarded } },
        (answer) => answer.pipe(res),
      );
      req.pipe(upstream);
    });
    await new Promise<void>((resolve) => app.listen(0, "127.0.0.1", resolve));
    await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
    const { port } = proxy.address() as AddressInfo;
    try {
      await (await fetch(`http://127.0.0.1:${port}/`, { headers: { "x-forwarded-for": "6.6.6.6" } })).text();
      await (await fetch(`http://127.0.0.1:${port}/`)).text();
    } finally {
      proxy.close();
      app.close();
    }
    expect(seen).toEqual(["127.0.0.1", "127.0.0.1"]);
  });
});
