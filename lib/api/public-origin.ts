// The URL clients reach this server at — for the document's `servers`, and for the base URL and
// curl examples the dashboard shows: NEXTAUTH_URL when set (the configured public URL), else the
// origin of the request as the client sent it — its Host, and behind a trusted proxy
// (KEYDESK_TRUST_PROXY=1) X-Forwarded-Proto/-Host. Never the address the server listens on
// (0.0.0.0 is nobody's URL).
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

const first = (value: string | null) => value?.split(",")[0]?.trim() || null;

type Env = Record<string, string | undefined>;
type HeaderSource = { get(name: string): string | null };

function originFrom(headers: HeaderSource, protocol: string, fallback: string, env: Env): string {
  const configured = env.NEXTAUTH_URL?.trim();
  if (configured) {
    try {
      return new URL(configured).origin;
    } catch {
      // An unparsable NEXTAUTH_URL: fall through to the request.
    }
  }
  const trusted = env.KEYDESK_TRUST_PROXY === "1";
  const proto = (trusted && first(headers.get("x-forwarded-proto"))) || protocol;
  const host = (trusted && first(headers.get("x-forwarded-host"))) || headers.get("host");
  if (host && HOST.test(host) && (proto === "http" || proto === "https")) return `${proto}://${host.toLowerCase()}`;
  return fallback;
}

export function publicOrigin(request: Request, env: Env = process.env): string {
  const url = new URL(request.url);
  return originFrom(request.headers, url.protocol.replace(":", ""), url.origin, env);
}

/**
 * The same for a page, which has the request's headers but not its URL: the protocol is the
 * server's own (http) unless a trusted proxy says otherwise; `fallback` when no usable host came.
 */
export function publicOriginFromHeaders(headers: HeaderSource, fallback: string, env: Env = process.env): string {
  return originFrom(headers, "http", fallback, env);
}
