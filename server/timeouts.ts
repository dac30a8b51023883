// Connection timeouts for Keydesk's one HTTP server. Node's defaults let a client take 60 s to send
// its headers and 300 s for the whole request, checked only every 30 s: a few hundred slow clients
// would hold that many sockets for minutes. These bound every route; the verification endpoint
// adds its own, shorter body deadline (verify-handler.ts).
import type http from "node:http";

/** The whole header block must arrive within this. */
const HEADERS_TIMEOUT_MS = 10_000;
/** The whole request (headers and body) must arrive within this, on any route. */
const REQUEST_TIMEOUT_MS = 30_000;
/** Longer than the 60 s idle timeout of common load balancers, so they close first. */
const KEEP_ALIVE_TIMEOUT_MS = 65_000;
/** How often Node checks the two timeouts above (its default is 30 s, making them that late). */
const CONNECTIONS_CHECKING_INTERVAL_MS = 1_000;

/** Options for http.createServer: the interval can only be set there. */
export const serverOptions: http.ServerOptions = { connectionsCheckingInterval: CONNECTIONS_CHECKING_INTERVAL_MS };

export function applyServerTimeouts(server: http.Server): void {
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
}
