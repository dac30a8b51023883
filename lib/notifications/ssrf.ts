// Where webhooks may point. Keydesk makes requests on an administrator's behalf from inside the
// network it runs in, so a URL must not reach loopback, private, link-local (cloud metadata at
// 169.254.169.254), carrier-grade NAT, unique-local or any other non-global address, and must be
// https. Checked when an endpoint is saved AND at every delivery, against what the name resolves
// to at that moment: DNS can change between the two (rebinding). The delivery then connects to
// exactly the addresses checked (lib/notifications/http-post.ts), never resolving again.
//
// KEYDESK_WEBHOOK_ALLOW_PRIVATE=1 lifts both rules (plain http, private addresses) for tests and
// private networks. Addresses are classified with ipaddr.js, not hand-written patterns.
import dns from "node:dns";
import ipaddr from "ipaddr.js";

const MAX_WEBHOOK_URL_LENGTH = 2048;

/** Hostname → addresses. Injectable so tests can make any name resolve anywhere. */
export type Resolver = (hostname: string) => Promise<string[]>;

const systemResolver: Resolver = async (hostname) =>
  (await dns.promises.lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

export function allowPrivateFromEnv(): boolean {
  return process.env.KEYDESK_WEBHOOK_ALLOW_PRIVATE === "1";
}

/**
 * Only global unicast addresses. IPv4-mapped IPv6 addresses are judged as the IPv4 address they
 * carry; NAT64, 6to4 and Teredo forms are refused outright, as they can embed private addresses.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  return ipaddr.process(address).range() === "unicast";
}

export interface UrlPolicy {
  allowPrivate: boolean;
  resolve?: Resolver;
}

export type UrlCheck =
  | { ok: true; url: URL; /** What to connect to; empty when private targets are allowed. */ addresses: string[] }
  | { ok: false; message: string };

const fail = (message: string): UrlCheck => ({ ok: false, message });

function bareHost(url: URL): string {
  return url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
}

/** The URL's shape alone: parseable, http(s), no credentials. */
function checkUrlShape(raw: string, allowPrivate: boolean): { ok: true; url: URL } | { ok: false; message: string } {
  if (raw.length > MAX_WEBHOOK_URL_LENGTH) return { ok: false, message: `The URL must be at most ${MAX_WEBHOOK_URL_LENGTH} characters.` };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, message: "Enter a full URL, e.g. https://hooks.example.com/keydesk." };
  }
  if (url.protocol !== "https:" && !(allowPrivate && url.protocol === "http:")) {
    return { ok: false, message: allowPrivate ? "The URL must start with https:// or http://." : "The URL must start with https://." };
  }
  if (url.username || url.password) return { ok: false, message: "The URL must not contain a user name or password." };
  if (!url.hostname) return { ok: false, message: "The URL needs a host name." };
  return { ok: true, url };
}

/** Checks a webhook URL and, unless private targets are allowed, what its host resolves to now. */
export async function checkWebhookUrl(raw: string, policy: UrlPolicy): Promise<UrlCheck> {
  const shape = checkUrlShape(raw, policy.allowPrivate);
  if (!shape.ok) return shape;
  const { url } = shape;
  if (policy.allowPrivate) return { ok: true, url, addresses: [] };

  const host = bareHost(url).toLowerCase();
  if (host === "localhost" || host.endsWith(".localhost")) return fail("The URL must not point at this machine (localhost).");
  if (ipaddr.isValid(host)) {
    return isPublicAddress(host) ? { ok: true, url, addresses: [host] } : fail(`The URL must not point at a private or local address (${host}).`);
  }
  let addresses: string[];
  try {
    addresses = await (policy.resolve ?? systemResolver)(host);
  } catch {
    return fail(`The host name ${host} does not resolve.`);
  }
  if (addresses.length === 0) return fail(`The host name ${host} does not resolve.`);
  const blocked = addresses.find((address) => !isPublicAddress(address));
  if (blocked) return fail(`${host} resolves to a private or local address (${blocked}); webhooks must reach a public address.`);
  return { ok: true, url, addresses };
}
