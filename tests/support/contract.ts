// The contract check: every response the REST and verify test suites receive is validated
// against the OpenAPI document (ajv over the document's own component schemas). A status the
// operation does not document, a body that does not match its schema, or a missing documented
// header fails the test that received it.
import Ajv2020, { type ValidateFunction } from "ajv/dist/2020";
import addFormats from "ajv-formats";
import { openApiDocument } from "@/lib/api/openapi";
import { INTERNAL_REQUEST_ID_HEADER, newRequestId } from "@/lib/request-id";

type Json = Record<string, unknown>;

export const document = openApiDocument("http://keydesk.test");

const ajv = new Ajv2020({ strict: false, allErrors: true });
addFormats(ajv);
// One schema holding every component, so `#/components/schemas/X` resolves inside it.
ajv.addSchema({ $id: "keydesk:openapi", components: document.components }, "keydesk:openapi");
const validators = new Map<string, ValidateFunction>();

function validatorFor(ref: string): ValidateFunction {
  let validate = validators.get(ref);
  if (!validate) {
    validate = ajv.compile({ $ref: `keydesk:openapi${ref}` });
    validators.set(ref, validate);
  }
  return validate;
}

const TEMPLATES = Object.keys(document.paths).map((template) => ({
  template,
  pattern: new RegExp(`^${template.replace(/\{[A-Za-z]+\}/g, "[^/]+")}$`),
}));

/** The document's path template for a concrete path (literal paths win over parameters). */
function templateOf(pathname: string): string | null {
  try {
    decodeURIComponent(pathname);
  } catch {
    return null; // a path that cannot be decoded names nothing
  }
  const matches = TEMPLATES.filter((t) => t.pattern.test(pathname));
  return (matches.find((t) => !t.template.includes("{")) ?? matches[0])?.template ?? null;
}

export interface ObservedResponse {
  method: string;
  url: string;
  status: number;
  headers: Headers;
  /** Parsed JSON, or undefined for an empty body. */
  body: unknown;
}

export class ContractViolation extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ContractViolation";
  }
}

/** Every response observed in this test file (the suites assert on them too). */
const observed: { operation: string; status: number }[] = [];

export function checkResponse(response: ObservedResponse): void {
  const { pathname } = new URL(response.url);
  const method = response.method.toLowerCase();
  const where = `${response.method} ${pathname} → ${response.status}`;
  const fail = (message: string): never => {
    throw new ContractViolation(`${where}: ${message}\n${JSON.stringify(response.body)?.slice(0, 2000)}`);
  };
  const requestId = response.headers.get("request-id");
  if (!requestId) fail("no Request-Id header");

  const template = templateOf(pathname);
  const operation = template ? (document.paths[template] as Record<string, Json | undefined>)[method] : undefined;
  if (!operation) {
    // Paths and methods outside the document: the edge's 404/405, in the one error shape.
    if (response.status !== 404 && response.status !== 405) fail("an undocumented path or method answered something else than 404/405");
    if (response.status === 405 && !response.headers.get("allow")) fail("405 without Allow");
    if (method !== "head" && !validatorFor("#/components/schemas/Error")(response.body)) fail("not the one error shape");
    observed.push({ operation: `${response.method} (undocumented)`, status: response.status });
    return;
  }
  const responses = operation.responses as Record<string, Json>;
  const spec = responses[String(response.status)];
  if (!spec) fail(`status ${response.status} is not documented for ${operation.operationId as string} (documented: ${Object.keys(responses).join(", ")})`);
  observed.push({ operation: operation.operationId as string, status: response.status });

  for (const name of Object.keys((spec!.headers as Json | undefined) ?? {})) {
    // Idempotent-Replayed marks replays only; a 401 has no key to count calls against.
    if (name === "Idempotent-Replayed" || (name.startsWith("RateLimit-") && response.status === 401)) continue;
    if (!response.headers.get(name)) fail(`missing header ${name}`);
  }
  const content = spec!.content as Record<string, { schema: { $ref?: string } }> | undefined;
  if (method === "head") return;
  if (!content) {
    if (response.body !== undefined) fail("a body where the document says there is none");
    return;
  }
  const contentType = (response.headers.get("content-type") ?? "").split(";")[0]!.trim();
  if (!content[contentType]) fail(`content-type ${contentType}, documented ${Object.keys(content).join(", ")}`);
  if (contentType !== "application/json") {
    if (typeof response.body !== "string") fail("a text body was expected");
    return;
  }
  const schema = content["application/json"]!.schema;
  if (schema.$ref) {
    const validate = validatorFor(schema.$ref);
    if (!validate(response.body)) fail(`body does not match ${schema.$ref}: ${ajv.errorsText(validate.errors)}`);
  }
}

type Media = { schema?: Json; example?: unknown; examples?: Record<string, { value?: unknown }> };

function schemaValidator(schema: Json): ValidateFunction {
  return typeof schema.$ref === "string" ? validatorFor(schema.$ref) : ajv.compile(schema);
}

/** The examples of one media type or parameter that do not match its schema, as messages. */
function mediaViolations(where: string, media: Media): string[] {
  const all = [
    ...(media.example === undefined ? [] : [["example", media.example] as const]),
    ...Object.entries(media.examples ?? {}).map(([name, example]) => [name, example.value] as const),
  ];
  if (all.length === 0) return [];
  if (!media.schema) return [`${where}: examples without a schema`];
  const validate = schemaValidator(media.schema);
  return all.flatMap(([name, value]) => (validate(value) ? [] : [`${where} example "${name}": ${ajv.errorsText(validate.errors)}`]));
}

/**
 * Every example in `doc` — request bodies, responses and parameters — that does not match the
 * schema next to it, as one message each (`<operationId> <status|request|parameter> example …`).
 */
export function exampleViolations(doc: typeof document): string[] {
  const found: string[] = [];
  for (const item of Object.values(doc.paths) as Record<string, Json>[]) {
    for (const operation of Object.values(item)) {
      const id = operation.operationId as string;
      const body = operation.requestBody as { content: Record<string, Media> } | undefined;
      for (const media of Object.values(body?.content ?? {})) found.push(...mediaViolations(`${id} request`, media));
      for (const [status, response] of Object.entries(operation.responses as Record<string, { content?: Record<string, Media> }>)) {
        for (const media of Object.values(response.content ?? {})) found.push(...mediaViolations(`${id} ${status}`, media));
      }
      for (const parameter of (operation.parameters as (Media & { name?: string })[]) ?? []) {
        found.push(...mediaViolations(`${id} parameter ${parameter.name ?? "(shared)"}`, parameter));
      }
    }
  }
  for (const [name, parameter] of Object.entries(doc.components.parameters as Record<string, Media>)) found.push(...mediaViolations(`parameter ${name}`, parameter));
  return found;
}

/** The body as the contract check takes it: parsed JSON, a text body (scanner rules), or undefined when empty. */
function bodyOf(where: string, status: number, contentType: string, text: string): unknown {
  try {
    if (contentType.startsWith("application/json") || text === "") return text === "" ? undefined : JSON.parse(text);
    if (/^application\/(toml|yaml)/.test(contentType)) return text;
    throw new Error("not JSON");
  } catch {
    throw new ContractViolation(`${where} → ${status}: not JSON: ${text.slice(0, 200)}`);
  }
}

/** fetch that checks the response against the contract and hands back the parsed body too. */
export async function contractFetch(url: string, init: RequestInit = {}): Promise<{ status: number; headers: Headers; body: unknown; response: Response }> {
  const response = await fetch(url, init);
  const body = bodyOf(`${init.method ?? "GET"} ${url}`, response.status, response.headers.get("content-type") ?? "", await response.text());
  checkResponse({ method: init.method ?? "GET", url, status: response.status, headers: response.headers, body });
  return { status: response.status, headers: response.headers, body, response };
}

/**
 * A route handler the way suites that call handlers directly use it, with every answer checked
 * against the contract like contractFetch's. The request gets a request id as the custom server
 * would give it (the handlers echo it as `Request-Id`); the response is handed back unread.
 */
export function contractChecked<A extends unknown[], R extends Response>(handler: (request: Request, ...rest: A) => Promise<R> | R) {
  return async (request: Request, ...rest: A): Promise<R> => {
    if (!request.headers.has(INTERNAL_REQUEST_ID_HEADER)) request.headers.set(INTERNAL_REQUEST_ID_HEADER, newRequestId());
    const response = await handler(request, ...rest);
    const body = bodyOf(`${request.method} ${request.url}`, response.status, response.headers.get("content-type") ?? "", await response.clone().text());
    checkResponse({ method: request.method, url: request.url, status: response.status, headers: response.headers, body });
    return response;
  };
}
