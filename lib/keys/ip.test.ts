import { describe, expect, it } from "vitest";
import { canonicalIpRange, compiledIpRange, ipInRange, parseIpAddress, parseIpRange } from "./ip";

function inRange(address: string, range: string): boolean {
  const parsedAddress = parseIpAddress(address);
  const parsedRange = parseIpRange(range);
  if (!parsedRange.ok) throw new Error(`bad range in test: ${range}`);
  return parsedAddress !== null && ipInRange(parsedAddress, parsedRange.range);
}

describe("parseIpAddress", () => {
  it.each([
    ["10.0.0.1", "10.0.0.1"],
    ["255.255.255.255", "255.255.255.255"],
    ["0.0.0.0", "0.0.0.0"],
    ["2001:db8::1", "2001:db8::1"],
    ["2001:DB8:0:0:0:0:0:1", "2001:db8::1"],
    ["::", "::"],
    ["::1", "::1"],
    // IPv4-mapped IPv6 (what a dual-stack socket reports for an IPv4 client) is the IPv4 address.
    ["::ffff:10.1.2.3", "10.1.2.3"],
    ["::FFFF:a01:203", "10.1.2.3"],
    ["0:0:0:0:0:ffff:10.1.2.3", "10.1.2.3"],
  ])("reads %s as %s", (input, expected) => {
    expect(parseIpAddress(input)?.toString()).toBe(expected);
  });

  it.each([
    "",
    " 10.0.0.1",
    "10.0.0.1 ",
    "10.0.0.256",
    "10.0.0",
    "10.1",
    "167772161",
    "010.0.0.1",
    "0xa.0.0.1",
    "10.0.0.1.",
    "10.0.0.1/32",
    "10.0.0.1:8080",
    "[::1]",
    "[::1]:443",
    "fe80::1%eth0",
    "fe80::1%25eth0",
    "::ffff:010.0.0.1",
    "::ffff:0xa.0.0.1",
    "1::2::3",
    "1:2:3:4:5:6:7:8:9",
    "١٠.٠.٠.١",
    "localhost",
    "unknown",
    "x".repeat(10_000),
    "1".repeat(100),
  ])("refuses %j", (input) => {
    expect(parseIpAddress(input)).toBeNull();
  });
});

describe("parseIpRange", () => {
  it.each([
    ["10.0.0.0/8", "10.0.0.0/8"],
    [" 10.0.0.0/8 ", "10.0.0.0/8"],
    ["10.0.0.1", "10.0.0.1"],
    ["10.0.0.1/32", "10.0.0.1"],
    ["0.0.0.0/0", "0.0.0.0/0"],
    ["2001:DB8::/32", "2001:db8::/32"],
    ["2001:db8::1/128", "2001:db8::1"],
    ["::/0", "::/0"],
    ["::ffff:10.0.0.0/104", "10.0.0.0/8"],
    ["::ffff:10.1.2.3/128", "10.1.2.3"],
    ["::ffff:10.1.2.3", "10.1.2.3"],
  ])("canonicalises %s to %s", (input, expected) => {
    expect(canonicalIpRange(input)).toBe(expected);
  });

  it.each([
    ["", /Enter an IP address/],
    ["10.1.2.3/8", /bits set after the first 8: write the network, 10\.0\.0\.0\/8, or the single address 10\.1\.2\.3/],
    ["2001:db8::1/32", /write the network, 2001:db8::\/32/],
    ["10.0.0.0/33", /from 0 to 32/],
    ["2001:db8::/129", /from 0 to 128/],
    ["10.0.0.0/-1", /prefix length/],
    ["10.0.0.0/", /prefix length/],
    ["10.0.0.0/8/8", /prefix length/],
    ["10.0.0.0/ 8", /prefix length/],
    ["10.0.0.0/0x8", /prefix length/],
    ["10.0.0.0/0008", /prefix length/],
    ["::ffff:10.0.0.0/95", /at least 96/],
    ["10.0.0.0/8 ; DROP TABLE", /prefix length/],
    ["010.0.0.0/8", /is not an IP address/],
    ["fe80::/10%eth0", /prefix length/],
    ["*", /is not an IP address/],
    ["10.0.0.*", /is not an IP address/],
  ])("refuses %j", (input, message) => {
    const result = parseIpRange(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });
});

describe("ipInRange", () => {
  it("matches IPv4 CIDR edges exactly", () => {
    expect(inRange("10.0.0.0", "10.0.0.0/8")).toBe(true);
    expect(inRange("10.255.255.255", "10.0.0.0/8")).toBe(true);
    expect(inRange("9.255.255.255", "10.0.0.0/8")).toBe(false);
    expect(inRange("11.0.0.0", "10.0.0.0/8")).toBe(false);
    expect(inRange("192.168.1.127", "192.168.1.0/25")).toBe(true);
    expect(inRange("192.168.1.128", "192.168.1.0/25")).toBe(false);
    expect(inRange("203.0.113.7", "203.0.113.7")).toBe(true);
    expect(inRange("203.0.113.8", "203.0.113.7")).toBe(false);
    expect(inRange("1.2.3.4", "0.0.0.0/0")).toBe(true);
  });

  it("matches IPv6 CIDR edges exactly", () => {
    expect(inRange("2001:db8::", "2001:db8::/32")).toBe(true);
    expect(inRange("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db8::/32")).toBe(true);
    expect(inRange("2001:db9::", "2001:db8::/32")).toBe(false);
    expect(inRange("2001:db7:ffff::", "2001:db8::/32")).toBe(false);
    expect(inRange("2001:db8::1", "2001:db8::1")).toBe(true);
    expect(inRange("2001:db8::2", "2001:db8::1")).toBe(false);
    expect(inRange("::1", "::/0")).toBe(true);
  });

  it("matches IPv4-mapped addresses against IPv4 ranges, and rules written mapped against IPv4 clients", () => {
    expect(inRange("::ffff:10.1.2.3", "10.0.0.0/8")).toBe(true);
    expect(inRange("::ffff:11.1.2.3", "10.0.0.0/8")).toBe(false);
    expect(inRange("10.1.2.3", "::ffff:10.0.0.0/104")).toBe(true);
    expect(inRange("::ffff:10.1.2.3", "::ffff:10.0.0.0/104")).toBe(true);
  });

  it("never matches IPv4 against IPv6 ranges or the other way round", () => {
    expect(inRange("10.1.2.3", "::/0")).toBe(false);
    expect(inRange("::ffff:10.1.2.3", "::/0")).toBe(false);
    expect(inRange("2001:db8::1", "0.0.0.0/0")).toBe(false);
    // ::a01:203 is not mapped (no ffff): an IPv6 address that only looks like 10.1.2.3.
    expect(inRange("::a01:203", "10.0.0.0/8")).toBe(false);
  });
});

describe("compiledIpRange", () => {
  it("caches parsed rules and records values that do not parse as matching nothing", () => {
    expect(compiledIpRange("10.0.0.0/8")).toBe(compiledIpRange("10.0.0.0/8"));
    expect(compiledIpRange("not an address")).toBeNull();
  });
});
