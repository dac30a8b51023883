// The document's route when the document cannot be built: a JSON 500 in the one error shape,
// with the request's id, as the document itself says — never Next's own empty or HTML answer.
// (It has no 503: building it reads no data, and server/unavailable.test.ts shows it is served
// while the database is down.)
import { afterEach, describe, expect, it, vi } from "vitest";
import { GET as getDocument } from "@/app/api/v1/openapi.json/route";
import { checkResponse } from "./support/contract";

const build = vi.hoisted(() => ({ fails: false }));
vi.mock("@/lib/api/openapi", async (importOriginal) => {
  const actual = await importOriginal<typeof import("@/lib/api/openapi")>();
  return {
    ...actual,
    openApiDocument: (serverUrl: string) => {
      if (build.fails) throw new Error("A request or response schema of an operation is not a registered component");
      return actual.openApiDocument(serverUrl);
    },
  };
});

afterEach(() => {
  build.fails = false;
  vi.restoreAllMocks();
});

const request = () => new Request("http://0.0.0.0:3000/api/v1/openapi.json", { headers: { "x-keydesk-request-id": "req_doc" } });

describe("GET /api/v1/openapi.json", () => {
  it("answers the document", async () => {
    const response = await getDocument(request());
    expect(response.status).toBe(200);
    expect(((await response.json()) as { openapi: string }).openapi).toBe("3.1.0");
  });

  it("answers a document it cannot build with a documented JSON 500, its request id and no-store", async () => {
    build.fails = true;
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const response = await getDocument(request());
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(response.status).toBe(500);
    expect(body.error.code).toBe("internal_error");
    expect(body.error.message).not.toMatch(/schema|component/);
    expect(response.headers.get("request-id")).toBe("req_doc");
    expect(response.headers.get("cache-control")).toBe("no-store");
    expect(() => checkResponse({ method: "GET", url: "http://x/api/v1/openapi.json", status: 500, headers: response.headers, body })).not.toThrow();
    expect(logged).toHaveBeenCalledOnce();
  });
});
