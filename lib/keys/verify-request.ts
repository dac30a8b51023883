// The fields of a verification request, `{ "key", "project", "method"?, "path"?, "ip"?, "cost"?,
// "userAgent"?, "requestId"? }`, and their parsing. One table: a new field is one line here and its type
// follows. Fields not in the table are ignored, so callers may send more than we read.
//
// Only types are checked here; what the values mean (a malformed secret, an unknown project, a
// path that cannot be normalized, an address that does not parse) is decided by verification.
import { MAX_COST, parseCost } from "@/lib/keys/limits/types";

type FieldResult<T> = { ok: true; value: T } | { ok: false; message: string };
type FieldParser<T> = (value: unknown) => FieldResult<T>;

function requiredText(name: string, what: string): FieldParser<string> {
  return (value) => {
    if (value === undefined || value === null) return { ok: false, message: `"${name}" is required: send ${what}` };
    return typeof value === "string" ? { ok: true, value } : { ok: false, message: `"${name}" must be a string: ${what}` };
  };
}

/** Absent or null means "not given"; anything else must be a string. */
function optionalText(name: string): FieldParser<string | undefined> {
  return (value) => {
    if (value === undefined || value === null) return { ok: true, value: undefined };
    return typeof value === "string" ? { ok: true, value } : { ok: false, message: `"${name}" must be a string` };
  };
}

/** `cost`: what the request takes from the key's usage limits, an integer 0…1000 (1 when absent). */
function cost(value: unknown): FieldResult<number> {
  const parsed = parseCost(value);
  return parsed === null ? { ok: false, message: `"cost" must be a whole number from 0 to ${MAX_COST} (1 when left out)` } : { ok: true, value: parsed };
}

const VERIFY_REQUEST_FIELDS = {
  key: requiredText("key", "the secret that was presented to your API"),
  project: requiredText("project", 'the slug or id of the project your API belongs to, e.g. "project": "default"'),
  method: optionalText("method"),
  path: optionalText("path"),
  ip: optionalText("ip"),
  cost,
  /** The calling API's client, for the request trail only (stored capped at 512 bytes). */
  userAgent: optionalText("userAgent"),
  /** The calling API's id for the request, for the request trail only (stored capped at 128 bytes). */
  requestId: optionalText("requestId"),
} satisfies Record<string, FieldParser<unknown>>;

type Fields = typeof VERIFY_REQUEST_FIELDS;
type FieldName = keyof Fields;

/** A parsed verification request. */
export type VerifyRequest = { [K in FieldName]: Fields[K] extends FieldParser<infer T> ? T : never };

/** What callers hand in: a JSON body's fields, unchecked. */
export type VerifyInput = { [K in FieldName]?: unknown } & Record<string, unknown>;

const FIELD_NAMES = Object.keys(VERIFY_REQUEST_FIELDS) as FieldName[];

export function parseVerifyRequest(input: VerifyInput): { ok: true; request: VerifyRequest } | { ok: false; message: string } {
  const request: Partial<Record<FieldName, unknown>> = {};
  for (const name of FIELD_NAMES) {
    // Own properties only: a body's prototype chain is not input.
    const result = VERIFY_REQUEST_FIELDS[name](Object.hasOwn(input, name) ? input[name] : undefined);
    if (!result.ok) return result;
    request[name] = result.value;
  }
  return { ok: true, request: request as VerifyRequest };
}
