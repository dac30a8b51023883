// Whether a request comes from Keydesk's own pages. For requests that change something (or
// write an audit event) through a cookie session: a page on another site can make the
// browser send them, cookies included (SameSite=Lax still allows top-level form posts, and a
// sibling subdomain is "same-site"). Browsers say where a request comes from in Sec-Fetch-Site
// and, for every POST, in Origin; only "same-origin" and our own origin pass. A request with
// neither header does not come from a browser, so no other site can have made it on a user's
// behalf.
const HOST_HEADERS = ["x-forwarded-host", "host"] as const;

function ownHosts(headers: Headers): Set<string> {
  const hosts = new Set<string>();
  for (const name of HOST_HEADERS) {
    const value = headers.get(name)?.split(",")[0]?.trim().toLowerCase();
    if (value) hosts.add(value);
  }
  const configured = process.env.NEXTAUTH_URL;
  if (configured) {
    try {
      hosts.add(new URL(configured).host.toLowerCase());
    } catch {
      // An unparsable NEXTAUTH_URL adds nothing; next-auth reports it on its own.
    }
  }
  return hosts;
}

export function isSameOriginRequest(headers: Headers): boolean {
  const site = headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin") return false;
  const origin = headers.get("origin");
  if (origin === null) return true;
  try {
    return ownHosts(headers).has(new URL(origin).host.toLowerCase());
  } catch {
    return false; // "null" (sandboxed frames, file: pages) and anything unparsable
  }
}
