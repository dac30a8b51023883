// Which Host headers may run first-run setup. DNS rebinding lets a web page on the attacker's
// domain talk to a Keydesk on the visitor's machine or network, but the browser then sends the
// attacker's domain as Host. Setup is therefore accepted only for the host in NEXTAUTH_URL,
// "localhost", and IP-literal hosts (which rebinding cannot produce). The setup token is the
// main defence; this check stops a rebinding page before it can even try tokens.
import ipaddr from "ipaddr.js";

export const SETUP_HOST_REFUSED =
  "Setup is only possible at this server's own address (NEXTAUTH_URL, localhost or an IP address), not through another domain name.";

export function isSetupHostAllowed(hostHeader: string | null | undefined, publicUrl = process.env.NEXTAUTH_URL): boolean {
  // A bare host[:port]; "evil.example@127.0.0.1" would otherwise parse as 127.0.0.1.
  if (!hostHeader || !/^[A-Za-z0-9.\-:[\]]{1,300}$/.test(hostHeader)) return false;
  let hostname: string;
  try {
    hostname = new URL(`http://${hostHeader}`).hostname.toLowerCase();
  } catch {
    return false;
  }
  if (hostname === "localhost") return true;
  const literal = hostname.startsWith("[") && hostname.endsWith("]") ? hostname.slice(1, -1) : hostname;
  if (ipaddr.IPv4.isValidFourPartDecimal(literal) || ipaddr.IPv6.isValid(literal)) return true;
  if (!publicUrl) return false;
  try {
    return new URL(publicUrl).hostname.toLowerCase() === hostname;
  } catch {
    return false;
  }
}
