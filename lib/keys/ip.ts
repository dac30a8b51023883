// Client addresses for the "ip" constraint kind: parsing, the canonical text of a rule, matching.
// ipaddr.js does the address arithmetic; this module only makes its parser strict. No Node APIs:
// the constraints editor validates rules in the browser with the same functions.
//
// Decisions:
// - IPv4 only in four-part decimal (`10.0.0.1`). ipaddr.js (like inet_aton) also reads `10.1`,
//   `0xa.0.0.1` and `010.0.0.1` (octal: 8.0.0.1); such forms mean different addresses to
//   different programs, so they are refused, also inside IPv6 (`::ffff:010.0.0.1`).
// - No zone ids (`fe80::1%eth0`): a zone names an interface of one host, not a client.
// - IPv4-mapped IPv6 addresses (`::ffff:10.1.2.3`, what a dual-stack socket reports for an IPv4
//   client) are the IPv4 address, for requests and for rules alike. Otherwise IPv4 and IPv6 never
//   match each other: `::/0` covers every IPv6 client and no IPv4 one.
// - A range with host bits set (`10.1.2.3/8`) is refused rather than silently widened: the
//   writer may have meant the one address.
import ipaddr from "ipaddr.js";

type Address = ipaddr.IPv4 | ipaddr.IPv6;

/** A parsed rule: a network and its prefix length (32 or 128 for a single address). */
export interface IpRange {
  address: Address;
  prefix: number;
}

/** The longest textual address worth parsing (IPv6 with an embedded IPv4 is 45 characters). */
const MAX_ADDRESS_LENGTH = 64;
const PREFIX = /^(?:0|[1-9][0-9]{0,2})$/;

function unmapped(address: Address): Address {
  return address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress()
    ? (address as ipaddr.IPv6).toIPv4Address()
    : address;
}

/** A strictly written IPv4 or IPv6 address, mapped IPv6 turned into IPv4; null otherwise. */
export function parseIpAddress(text: string): Address | null {
  if (text.length === 0 || text.length > MAX_ADDRESS_LENGTH) return null;
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (text.includes("%") || !ipaddr.IPv6.isValid(text)) return null;
  // An embedded IPv4 part must be four-part decimal too.
  if (text.includes(".") && !ipaddr.IPv4.isValidFourPartDecimal(text.slice(text.lastIndexOf(":") + 1))) return null;
  return unmapped(ipaddr.IPv6.parse(text));
}

function bits(address: Address): number {
  return address.kind() === "ipv4" ? 32 : 128;
}

function hostBitsSet(address: Address, prefix: number): boolean {
  const bytes = address.toByteArray();
  return bytes.some((byte, index) => {
    const keep = Math.max(0, Math.min(8, prefix - index * 8));
    return (byte & (0xff >> keep)) !== 0;
  });
}

export type IpRangeResult = { ok: true; range: IpRange } | { ok: false; message: string };

/** Parses a rule value: one address or a CIDR range, IPv4 or IPv6; the message says what is wrong. */
export function parseIpRange(raw: string): IpRangeResult {
  const text = raw.trim();
  if (text === "") return { ok: false, message: "Enter an IP address or a CIDR range, e.g. 203.0.113.7 or 10.0.0.0/8" };
  const slash = text.indexOf("/");
  const addressText = slash === -1 ? text : text.slice(0, slash);
  const parsed = parseIpAddress(addressText);
  if (!parsed) {
    return { ok: false, message: `"${addressText.slice(0, MAX_ADDRESS_LENGTH)}" is not an IP address; write IPv4 as four decimal numbers (10.0.0.1) or IPv6 without a zone (2001:db8::1)` };
  }
  // A mapped address was turned into IPv4, so its prefix counts from bit 96 of the IPv6 form.
  const mapped = parsed.kind() === "ipv4" && !ipaddr.IPv4.isValidFourPartDecimal(addressText);
  let prefix = bits(parsed);
  if (slash !== -1) {
    const prefixText = text.slice(slash + 1);
    const max = mapped ? 128 : bits(parsed);
    if (!PREFIX.test(prefixText) || Number(prefixText) > max) {
      return { ok: false, message: `The prefix length after "/" must be a number from 0 to ${max}` };
    }
    prefix = Number(prefixText);
    if (mapped) {
      if (prefix < 96) return { ok: false, message: "An IPv4-mapped range needs a prefix length of at least 96; write it as an IPv4 range instead" };
      prefix -= 96;
    }
  }
  if (hostBitsSet(parsed, prefix)) {
    const cidr = `${parsed.toString()}/${prefix}`;
    const network = parsed.kind() === "ipv4" ? ipaddr.IPv4.networkAddressFromCIDR(cidr) : ipaddr.IPv6.networkAddressFromCIDR(cidr);
    return {
      ok: false,
      message: `${text} has bits set after the first ${prefix}: write the network, ${network.toString()}/${prefix}, or the single address ${parsed.toString()}`,
    };
  }
  return { ok: true, range: { address: parsed, prefix } };
}

/** The canonical text of a rule: `10.0.0.0/8`, `2001:db8::/32`, or a bare address for /32 and /128. */
function formatIpRange(range: IpRange): string {
  return range.prefix === bits(range.address) ? range.address.toString() : `${range.address.toString()}/${range.prefix}`;
}

/** Canonical text of a rule value, or null when it is not a valid address or range. */
export function canonicalIpRange(raw: string): string | null {
  const parsed = parseIpRange(raw);
  return parsed.ok ? formatIpRange(parsed.range) : null;
}

export function ipInRange(address: Address, range: IpRange): boolean {
  return address.kind() === range.address.kind() && address.match(range.address, range.prefix);
}

/** Bounded cache of parsed rule values (null: a value that does not parse, which matches nothing). */
const RANGE_CACHE_LIMIT = 1000;
const rangeCache = new Map<string, IpRange | null>();

/** The parsed form of a stored rule value, cached: verification matches the same rules all day. */
export function compiledIpRange(value: string): IpRange | null {
  const cached = rangeCache.get(value);
  if (cached !== undefined) return cached;
  const parsed = parseIpRange(value);
  if (rangeCache.size >= RANGE_CACHE_LIMIT) {
    const oldest = rangeCache.keys().next();
    if (!oldest.done) rangeCache.delete(oldest.value);
  }
  const range = parsed.ok ? parsed.range : null;
  rangeCache.set(value, range);
  return range;
}
