// The proxy routes and sets per-request security headers. It sends visitors without a session
// cookie to sign-in (keeping the URL they wanted) and tells pages which URL was requested. It is
// not a security boundary: every page, action and route handler checks the caller itself
// (lib/auth/session.ts). Each response gets a Content-Security-Policy with a fresh nonce, which
// Next.js puts on its own scripts, so no inline script runs without it.
import { NextResponse, type NextRequest } from "next/server";
import { safeCallbackPath } from "@/lib/auth/callback-url";
import { ORIGINAL_URL_HEADER, SESSION_COOKIE_NAMES } from "@/lib/auth/session-policy";

const PUBLIC_PATHS = ["/sign-in", "/setup", "/invite", "/api/"];

function contentSecurityPolicy(nonce: string, dev: boolean): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    // React and Radix set style attributes; styles cannot run code.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const isPublic = PUBLIC_PATHS.some((p) => pathname === p || pathname.startsWith(p.endsWith("/") ? p : `${p}/`));
  const hasSession = SESSION_COOKIE_NAMES.some((name) => request.cookies.has(name));

  if (!isPublic && !hasSession) {
    const url = request.nextUrl.clone();
    url.pathname = "/sign-in";
    const callback = safeCallbackPath(pathname + search);
    url.search = callback === "/" ? "" : `?callbackUrl=${encodeURIComponent(callback)}`;
    return NextResponse.redirect(url);
  }

  const nonce = btoa(crypto.randomUUID());
  const csp = contentSecurityPolicy(nonce, process.env.NODE_ENV === "development");
  const headers = new Headers(request.headers);
  headers.set(ORIGINAL_URL_HEADER, pathname + search);
  headers.set("x-nonce", nonce);
  headers.set("content-security-policy", csp);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("content-security-policy", csp);
  const forwardedProto = request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim();
  if ((forwardedProto ?? request.nextUrl.protocol.replace(":", "")) === "https") {
    response.headers.set("strict-transport-security", "max-age=63072000; includeSubDomains");
  }
  return response;
}

export const config = {
  matcher: [
    {
      source: "/((?!_next/static|_next/image|favicon.ico|icon.svg|robots.txt).*)",
      // Prefetches do not render HTML; a nonce there would only differ from the page's.
      missing: [
        { type: "header", key: "next-router-prefetch" },
        { type: "header", key: "purpose", value: "prefetch" },
      ],
    },
  ],
};
