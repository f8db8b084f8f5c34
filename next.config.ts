/**
 * Next.js configuration of the web app.
 *
 * Nothing here depends on environment variables: the Convex URL and the auth
 * mode are read at request time (see `app/_lib/runtime-env.ts`), so one build
 * runs against any backend and `next build` needs no env at all. The
 * Content-Security-Policy is per request (a nonce), so `proxy.ts` sets it.
 */
import type { NextConfig } from "next";
import { PERMISSIONS_POLICY } from "./app/_lib/security-headers";

const securityHeaders = [
  { key: "X-Content-Type-Options", value: "nosniff" },
  { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
  { key: "X-Frame-Options", value: "DENY" },
  { key: "Permissions-Policy", value: PERMISSIONS_POLICY },
];

const nextConfig: NextConfig = {
  poweredByHeader: false,
  turbopack: { root: import.meta.dirname },
  headers() {
    return Promise.resolve([{ source: "/:path*", headers: securityHeaders }]);
  },
};

export default nextConfig;
