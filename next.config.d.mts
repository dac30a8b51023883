// Types for next.config.mjs, so server code (server/api-edge.ts) can share its header list.
import type { NextConfig } from "next";

export const securityHeaders: { key: string; value: string }[];
declare const nextConfig: NextConfig;
export default nextConfig;
