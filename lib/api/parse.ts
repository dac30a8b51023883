// Strict parsing of a REST request against its operation (lib/api/operations.ts). The API
// refuses instead of guessing: an unknown, repeated or invalid query parameter, an unknown body
// field or a wrong type is a 422 whose message and `issues` name the parameter. (The dashboard's
// URLs keep falling back to defaults; that is a page's business, not an API's.)
import type { z } from "zod";
import { ApiError } from "@/lib/api/errors";

type Issues = Record<string, string[]>;

/** Own properties only: a field called `constructor` or `__proto__` is a name like any other. */
function add(issues: Issues, name: string, message: string) {
  if (Object.hasOwn(issues, name)) issues[name]!.push(message);
  else Object.defineProperty(issues, name, { value: [message], enumerable: true, writable: true, configurable: true });
}

function failed(where: string, issues: Issues): ApiError {
  const names = Object.keys(issues);
  const first = names[0]!;
  const message =
    names.length === 1
      ? `Invalid ${where} \`${first}\`: ${issues[first]![0]}`
      : `Invalid ${where}s: ${names.map((n) => `\`${n}\``).join(", ")}. See \`issues\`.`;
  return new ApiError(422, "validation_failed", message, issues);
}

/**
 * Issues are keyed by the parameter or top-level field, as the services key theirs; where inside
 * it the problem is (`ratelimits[0].limit`) starts the message.
 */
function zodIssues(error: z.ZodError, issues: Issues = {}): Issues {
  for (const issue of error.issues) {
    const [head, ...rest] = issue.path;
    const inner = rest.map((part) => (typeof part === "number" ? `[${part}]` : `.${String(part)}`)).join("");
    if (issue.code === "unrecognized_keys") {
      // An unknown top-level field is named itself; one inside a field, under that field.
      if (head === undefined) for (const key of issue.keys) add(issues, key, "Unknown field");
      else add(issues, String(head), `${String(head)}${inner}: unknown field(s) ${issue.keys.join(", ")}`);
    } else if (head === undefined) add(issues, "body", issue.message);
    else add(issues, String(head), inner ? `${String(head)}${inner}: ${issue.message}` : issue.message);
  }
  return issues;
}

/** Query parameters: each at most once, none unknown, each valid. */
export function parseQuery<T extends z.ZodObject>(schema: T, params: URLSearchParams): z.output<T> {
  const issues: Issues = {};
  const values: Record<string, string> = {};
  const known = new Set(Object.keys(schema.shape));
  for (const [name, value] of params) {
    if (!known.has(name)) add(issues, name, `Unknown query parameter; this operation takes ${[...known].join(", ") || "none"}`);
    else if (name in values) add(issues, name, "Given more than once");
    else values[name] = value;
  }
  // Every problem at once: unknown and repeated names, and the known values that are invalid.
  const parsed = schema.safeParse(values);
  if (parsed.success && Object.keys(issues).length === 0) return parsed.data;
  if (!parsed.success) zodIssues(parsed.error, issues);
  throw failed("query parameter", issues);
}

/** A JSON body already read; unknown fields are refused by the strict schemas. */
export function parseBody<T extends z.ZodType>(schema: T, body: unknown): z.output<T> {
  const parsed = schema.safeParse(body);
  if (parsed.success) return parsed.data;
  throw failed("field", zodIssues(parsed.error));
}

/** Path parameters that cannot name anything are a 404, like a well-formed id that names nothing. */
export function parsePath<T extends z.ZodObject>(schema: T, params: Record<string, string | string[] | undefined>, what: string): z.output<T> {
  const parsed = schema.safeParse(params);
  if (parsed.success) return parsed.data;
  throw new ApiError(404, "not_found", `${what} not found.`);
}
