// POST|GET /api/bench/noop — the "trivial Next.js route handler" ceiling that `npm run bench`
// (bench/run.ts) measures verification against. It does nothing, and exists only while the server
// runs with KEYDESK_BENCH=1: otherwise it answers 404 like any unknown API path.
import { NextResponse } from "next/server";

export const dynamic = "force-dynamic";

function noop(): NextResponse {
  if (process.env.KEYDESK_BENCH !== "1") {
    return NextResponse.json({ error: { code: "not_found", message: "Not found" } }, { status: 404, headers: { "cache-control": "no-store" } });
  }
  return NextResponse.json({ ok: true }, { headers: { "cache-control": "no-store" } });
}

export function GET(): NextResponse {
  return noop();
}

export function POST(): NextResponse {
  return noop();
}
