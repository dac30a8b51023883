// The client's IP address, for sign-in throttling and the audit log. The custom server calls
// clientIp(req) for every request it hands to Next.js and puts the answer in a header of its own
// (lib/request-context.ts), so nothing a client sends can choose the address that is recorded.
//
// Behind a reverse proxy the socket address is the proxy's. With KEYDESK_TRUST_PROXY=1 the
// address is taken from X-Forwarded-For, walking it from the right (the entry the nearest proxy
// appended) and skipping only addresses of trusted proxies: everything left of those was written
// by the client and proves nothing. KEYDESK_TRUSTED_PROXIES says which hops are proxies: a number
// of hops (default 1: just the peer), or a list of addresses, CIDR ranges and the names
// "loopback", "private" and "linklocal". Addresses are parsed with ipaddr.js.
import type { IncomingMessage } from "node:http";
import ipaddr from "ipaddr.js";

type Address = ipaddr.IPv4 | ipaddr.IPv6;
type Range = [Address, number];

export type ProxyTrust =
  | { kind: "none" }
  | { kind: "hops"; hops: number }
  | { kind: "ranges"; ranges: Range[] };

const MAX_HOPS = 10;

const NAMED_RANGES: Record<string, string[]> = {
  loopback: ["127.0.0.0/8", "::1/128"],
  private: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
  linklocal: ["169.254.0.0/16", "fe80::/10"],
};

/** An IPv4 (dotted quad only) or IPv6 address, IPv4-mapped IPv6 folded to IPv4; else null. */
export function parseAddress(raw: string | undefined): Address | null {
  if (!raw) return null;
  let text = raw.trim();
  // Some proxies append ports: "[2001:db8::1]:443", "203.0.113.7:5678".
  const bracketed = /^\[([^\]]+)\](?::\d{1,5})?$/.exec(text);
  if (bracketed?.[1]) text = bracketed[1];
  else if (text.split(":").length === 2) text = text.slice(0, text.indexOf(":"));
  if (ipaddr.IPv4.isValidFourPartDecimal(text)) return ipaddr.IPv4.parse(text);
  if (ipaddr.IPv6.isValid(text)) return ipaddr.process(text);
  return null;
}

function parseRange(entry: string): Range[] | null {
  const named = NAMED_RANGES[entry.toLowerCase()];
  if (named) return named.map((cidr) => ipaddr.parseCIDR(cidr));
  if (entry.includes("/")) {
    if (!ipaddr.isValidCIDR(entry)) return null;
    const [address, bits] = ipaddr.parseCIDR(entry);
    // "::ffff:10.0.0.0/104" means the IPv4 range, which is what mapped peers are folded to.
    if (address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress() && bits >= 96) {
      return [[(address as ipaddr.IPv6).toIPv4Address(), bits - 96]];
    }
    return [[address, bits]];
  }
  const address = parseAddress(entry);
  return address ? [[address, address.kind() === "ipv4" ? 32 : 128]] : null;
}

/** Reads KEYDESK_TRUST_PROXY and KEYDESK_TRUSTED_PROXIES; throws on values it cannot use. */
export function proxyTrustFromEnv(env: Record<string, string | undefined>): ProxyTrust {
  const spec = env.KEYDESK_TRUSTED_PROXIES?.trim();
  if (env.KEYDESK_TRUST_PROXY !== "1") {
    if (spec) throw new Error("KEYDESK_TRUSTED_PROXIES is set but KEYDESK_TRUST_PROXY is not 1: set both, or neither");
    return { kind: "none" };
  }
  if (!spec) return { kind: "hops", hops: 1 };
  if (/^\d+$/.test(spec)) {
    const hops = Number(spec);
    if (hops < 1 || hops > MAX_HOPS) throw new Error(`KEYDESK_TRUSTED_PROXIES: a hop count must be 1–${MAX_HOPS}, got ${spec}`);
    return { kind: "hops", hops };
  }
  const ranges: Range[] = [];
  const bad: string[] = [];
  for (const entry of spec.split(/[\s,]+/).filter(Boolean)) {
    const parsed = parseRange(entry);
    if (parsed) ranges.push(...parsed);
    else bad.push(entry);
  }
  if (bad.length) {
    throw new Error(`KEYDESK_TRUSTED_PROXIES: not an address, CIDR range or one of loopback/private/linklocal: ${bad.join(", ")}`);
  }
  return { kind: "ranges", ranges };
}

function isTrusted(address: Address, index: number, trust: ProxyTrust): boolean {
  switch (trust.kind) {
    case "none":
      return false;
    case "hops":
      return index < trust.hops;
    case "ranges":
      return trust.ranges.some(([range, bits]) => range.kind() === address.kind() && address.match(range, bits));
  }
}

/**
 * The address of whoever is behind the trusted proxies: the socket address, then the
 * X-Forwarded-For entries from right to left, stopping at the first one that is not a trusted
 * proxy. A malformed entry stops the walk at the last address a trusted hop vouched for.
 */
export function resolveClientIp(remoteAddress: string | undefined, forwardedFor: string | string[] | undefined, trust: ProxyTrust): string {
  const socket = parseAddress(remoteAddress);
  if (!socket) return remoteAddress || "unknown";
  const header = Array.isArray(forwardedFor) ? forwardedFor.join(",") : (forwardedFor ?? "");
  const hops = header.split(",").map((entry) => entry.trim()).filter(Boolean).reverse();
  let client = socket;
  for (let index = 0; isTrusted(client, index, trust) && index < hops.length; index += 1) {
    const next = parseAddress(hops[index]);
    if (!next) break;
    client = next;
  }
  return client.toString();
}

// Read once: a bad setting stops the server at start rather than at the first request.
const trustFromEnv = proxyTrustFromEnv(process.env);

export function clientIp(req: IncomingMessage): string {
  return resolveClientIp(req.socket.remoteAddress, req.headers["x-forwarded-for"], trustFromEnv);
}
