// GET /api/v1/openapi.json — the API's OpenAPI 3.1 document
//
// Building it reads no data, and the custom server passes it through while the database is down
// (server/unavailable.ts), so it has no 503. A document that cannot be built (a schema missing
// from the registry, say) is a 500 in the one error shape, not Next's own answer.
import { NextResponse } from "next/server";
import { NO_STORE, toErrorResponse } from "@/lib/api/errors";
import { openApiDocument } from "@/lib/api/openapi";
import { publicOrigin } from "@/lib/api/public-origin";
import { INTERNAL_REQUEST_ID_HEADER, REQUEST_ID_HEADER } from "@/lib/request-id";

export function GET(request: Request) {
  const requestId = request.headers.get(INTERNAL_REQUEST_ID_HEADER);
  let response: NextResponse;
  try {
    // no-store: the document names this server's URL as the request saw it, and changes with releases.
    response = NextResponse.json(openApiDocument(publicOrigin(request)), { headers: NO_STORE });
  } catch (error) {
    response = toErrorResponse(error);
  }
  if (requestId) response.headers.set(REQUEST_ID_HEADER, requestId);
  return response;
}
