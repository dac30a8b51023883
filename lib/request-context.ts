// Who is calling, for sign-in throttling and the audit log. The custom server (server/index.ts)
// overwrites x-keydesk-client-ip with the address lib/net/client-ip.ts resolves (the socket, or
// the right-most untrusted X-Forwarded-For hop behind trusted proxies), so a client cannot forge
// the IP that is throttled and recorded. It sets x-keydesk-request-id the same way (lib/request-id.ts).
import type { RequestContext } from "@/lib/audit";
import { INTERNAL_REQUEST_ID_HEADER, isWellFormedRequestId } from "@/lib/request-id";

export const CLIENT_IP_HEADER = "x-keydesk-client-ip";

type HeaderSource = Headers | Record<string, string | string[] | undefined>;

function read(headers: HeaderSource, name: string): string | null {
  if (headers instanceof Headers) return headers.get(name);
  const value = headers[name];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}

export function contextFromHeaders(headers: HeaderSource): RequestContext {
  const requestId = read(headers, INTERNAL_REQUEST_ID_HEADER);
  return {
    ip: read(headers, CLIENT_IP_HEADER),
    userAgent: read(headers, "user-agent"),
    requestId: isWellFormedRequestId(requestId) ? requestId : null,
  };
}
