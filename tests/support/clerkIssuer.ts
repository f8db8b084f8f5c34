/**
 * A local issuer shaped like Clerk, so Clerk mode can be proven with no
 * access to Clerk's servers: the OIDC discovery document and JWKS a Clerk
 * instance publishes (`<issuer>/.well-known/openid-configuration`,
 * `<issuer>/.well-known/jwks.json`), and RS256 tokens with the claims of
 * Clerk's "convex" JWT template (`aud: "convex"`, `sub: "user_…"`, `sid`,
 * `azp`, `iat`/`nbf`/`exp`, and the template's `name`/`email`). Convex is
 * pointed at it with `CLERK_JWT_ISSUER_DOMAIN` = its URL, exactly as at a
 * Clerk instance (`convex/auth.config.ts`).
 */
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from "jose";

export type ClerkToken = {
  /** Clerk user id; default a fresh `user_…`. */
  sub?: string;
  /** Default "convex", the template's audience (Convex's `applicationID`). */
  aud?: string;
  /** Default this issuer. */
  iss?: string;
  /** Seconds from now; negative for an expired token (default 60, Clerk's lifetime). */
  expiresIn?: number;
  /** Sign with a key this issuer does not publish. */
  foreignKey?: boolean;
  /** Extra claims, as a custom template would add. */
  claims?: JWTPayload;
};

export type ClerkIssuer = { issuer: string; token(options?: ClerkToken): Promise<string>; close(): Promise<void> };

export async function startClerkIssuer(): Promise<ClerkIssuer> {
  const kid = `ins_${randomUUID().replaceAll("-", "").slice(0, 24)}`;
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const foreign = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: "RS256", use: "sig" };
  const server = createServer((req, res) => {
    const send = (body: unknown) =>
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(body));
    if (req.url === "/.well-known/openid-configuration") {
      send({
        issuer,
        jwks_uri: `${issuer}/.well-known/jwks.json`,
        authorization_endpoint: `${issuer}/oauth/authorize`,
        token_endpoint: `${issuer}/oauth/token`,
        response_types_supported: ["code"],
        subject_types_supported: ["public"],
        id_token_signing_alg_values_supported: ["RS256"],
      });
    } else if (req.url === "/.well-known/jwks.json") {
      send({ keys: [jwk] });
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  async function sign(key: CryptoKey, options: ClerkToken): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return await new SignJWT({
      azp: "http://localhost:3000",
      sid: `sess_${randomUUID().replaceAll("-", "").slice(0, 24)}`,
      name: "Ada Lovelace",
      email: "ada@example.test",
      ...options.claims,
    })
      .setProtectedHeader({ alg: "RS256", kid, typ: "JWT" })
      .setIssuer(options.iss ?? issuer)
      .setAudience(options.aud ?? "convex")
      .setSubject(options.sub ?? `user_${randomUUID().replaceAll("-", "").slice(0, 24)}`)
      .setIssuedAt(now - 1)
      .setNotBefore(now - 10)
      .setExpirationTime(now + (options.expiresIn ?? 60))
      .sign(key);
  }

  return {
    issuer,
    token: (options = {}) => sign(options.foreignKey ? foreign.privateKey : privateKey, options),
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
