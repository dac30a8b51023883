// Which paths exist under /api/v1 and which methods each takes, from the operation table: the
// custom server answers everything else itself, as JSON (server/api-edge.ts), before Next could
// answer with an HTML page or an empty 405. Framework-free.
import { OPERATIONS } from "@/lib/api/operations";

export const API_V1_PREFIX = "/api/v1";

interface Route {
  template: string;
  pattern: RegExp;
  methods: Set<string>;
}

function compile(template: string): RegExp {
  const source = template
    .split("/")
    .map((segment) => (/^\{[A-Za-z]+\}$/.test(segment) ? "[^/]+" : segment.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")))
    .join("/");
  return new RegExp(`^${source}$`);
}

const ROUTES: Route[] = [];
for (const operation of OPERATIONS) {
  let route = ROUTES.find((r) => r.template === operation.path);
  if (!route) ROUTES.push((route = { template: operation.path, pattern: compile(operation.path), methods: new Set() }));
  route.methods.add(operation.method.toUpperCase());
}

export type RouteMatch = { found: false } | { found: true; template: string; allowed: string[]; methodAllowed: boolean };

/** Whether `pathname` (no query) names an operation's path, and whether `method` is one it takes. HEAD goes where GET does. */
export function matchApiRoute(method: string, pathname: string): RouteMatch {
  // Literal segments win over parameters (`/keys/verify` is not `/keys/{keyId}`).
  const matches = ROUTES.filter((route) => route.pattern.test(pathname));
  const route = matches.find((r) => !r.template.includes("{")) ?? matches[0];
  if (!route) return { found: false };
  const allowed = [...route.methods];
  if (route.methods.has("GET")) allowed.push("HEAD");
  return { found: true, template: route.template, allowed, methodAllowed: allowed.includes(method.toUpperCase()) };
}

export function isApiV1Path(pathname: string): boolean {
  return pathname === API_V1_PREFIX || pathname.startsWith(`${API_V1_PREFIX}/`);
}
