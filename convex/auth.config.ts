/**
 * Who Convex trusts to say who the caller is. The functions only ever read
 * `ctx.auth.getUserIdentity()`; which provider signed the token is decided here.
 *
 * - Clerk, when `CLERK_JWT_ISSUER_DOMAIN` is set (the "convex" JWT template).
 * - The local sign-in of the web app (dev only), when `LOCAL_AUTH_ISSUER` is
 *   set: the Next.js route `/api/local-auth` signs RS256 tokens and serves its
 *   public keys at `/api/local-auth/jwks`. `npm run dev` sets it in offline mode.
 */
import type { AuthConfig } from "convex/server";
import { readDeploymentEnv } from "./lib/env";

const env = readDeploymentEnv();

const providers: AuthConfig["providers"] = [];

if (env.CLERK_JWT_ISSUER_DOMAIN) {
  providers.push({ domain: env.CLERK_JWT_ISSUER_DOMAIN, applicationID: "convex" });
}

if (env.LOCAL_AUTH_ISSUER) {
  providers.push({
    type: "customJwt",
    issuer: env.LOCAL_AUTH_ISSUER,
    jwks: `${env.LOCAL_AUTH_ISSUER}/api/local-auth/jwks`,
    algorithm: "RS256",
    applicationID: "convex",
  });
}

export default { providers } satisfies AuthConfig;
