// GET /api/v1/openapi.json — the API's OpenAPI 3.1 document
import { NextResponse } from "next/server";
import { openApiDocument } from "@/lib/api/openapi";
import { publicOrigin } from "@/lib/api/public-origin";
import { INTERNAL_REQUEST_ID_HEADER, REQUEST_ID_HEADER } from "@/lib/request-id";

export function GET(request: Request) {
  const requestId = request.headers.get(INTERNAL_REQUEST_ID_HEADER);
  // no-store: the document names this server's URL as the request saw it, and changes with releases.
  return NextResponse.json(openApiDocument(publicOrigin(request)), {
    headers: { "cache-control": "no-store", ...(requestId ? { [REQUEST_ID_HEADER]: requestId } : {}) },
  });
}
