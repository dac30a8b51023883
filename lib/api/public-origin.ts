// The URL clients reach this server at, for the document's `servers`: NEXTAUTH_URL when set (the
// configured public URL), else the origin of the request as the client sent it — its Host, and
// behind a trusted proxy (KEYDESK_TRUST_PROXY=1) X-Forwarded-Proto/-Host. Never the address the
// server listens on (0.0.0.0 is nobody's URL).
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

const first = (value: string | null) => value?.split(",")[0]?.trim() || null;

export function publicOrigin(request: Request, env: Record<string, string | undefined> = process.env): string {
  const configured = env.NEXTAUTH_URL?.trim();
  if (configured) {
    try {
      return new URL(configured).origin;
    } catch {
      // An unparsable NEXTAUTH_URL: fall through to the request.
    }
  }
  const url = new URL(request.url);
  const trusted = env.KEYDESK_TRUST_PROXY === "1";
  const proto = (trusted && first(request.headers.get("x-forwarded-proto"))) || url.protocol.replace(":", "");
  const host = (trusted && first(request.headers.get("x-forwarded-host"))) || request.headers.get("host");
  if (host && HOST.test(host) && (proto === "http" || proto === "https")) return `${proto}://${host.toLowerCase()}`;
  return url.origin;
}
