// GET /api/v1/openapi.json — the API's OpenAPI 3.1 document
import { NextResponse } from "next/server";
import { openApiDocument } from "@/lib/api/openapi";

export function GET(request: Request) {
  return NextResponse.json(openApiDocument(new URL(request.url).origin), { headers: { "cache-control": "public, max-age=300" } });
}
