// Key constraints in words: one line per rule and one sentence on how the rules combine, for
// the constraints editor, the key page and audit summaries. The rules' meaning is in
// constraints.ts; this only describes it.
import { normalizeConstraintPath, normalizeMethods, type KeyConstraint } from "@/lib/keys/constraints";
import { canonicalIpRange } from "@/lib/keys/ip";

function describeMethods(methods: readonly string[]): string {
  return methods.length === 0 ? " (any method)" : ` · ${normalizeMethods(methods).join(", ")}`;
}

/** One line of readable rule text for the UI and audit summaries. */
export function describeConstraint(constraint: KeyConstraint): string {
  switch (constraint.type) {
    case "exact":
      return `Exact path ${normalizeConstraintPath(constraint.value) ?? constraint.value}${describeMethods(constraint.methods)}`;
    case "prefix":
      return `Paths under ${normalizeConstraintPath(constraint.value) ?? constraint.value}${describeMethods(constraint.methods)}`;
    case "regex": {
      // Top-level alternation would read wrongly as `^a|b$`, so show the group the engine uses.
      const body = constraint.value.includes("|") ? `(?:${constraint.value})` : constraint.value;
      return `Paths matching ^${body}$${describeMethods(constraint.methods)}`;
    }
    case "verb":
      return constraint.methods.length === 0
        ? "No methods (matches nothing)"
        : `Methods ${normalizeMethods(constraint.methods).join(", ")} only`;
    case "ip": {
      const value = canonicalIpRange(constraint.value) ?? constraint.value;
      return value.includes("/") ? `Client IP in ${value}` : `Client IP ${value}`;
    }
  }
}

/** One sentence on how a key's rules combine, for the constraints editor and the key page. */
export function describeConstraintLogic(constraints: readonly Pick<KeyConstraint, "type">[]): string {
  const hasIp = constraints.some((constraint) => constraint.type === "ip");
  const hasPath = constraints.some((constraint) => constraint.type !== "ip");
  if (hasIp && hasPath) return "A request is allowed when it comes from one of the IP addresses AND any path or method rule matches.";
  if (hasIp) return "Requests are allowed from the listed IP addresses only, to any path with any method.";
  return "Requests are allowed when any rule matches.";
}
