/**
 * A tiny OIDC-style token issuer for local-convex's tests: signs RS256 JWTs
 * the way the web app's local sign-in does (iss = the issuer URL, aud
 * "convex") and serves its public keys at `<issuer>/api/local-auth/jwks`,
 * where `convex/auth.config.ts` (with `LOCAL_AUTH_ISSUER` = the issuer URL)
 * looks for them, and an OIDC discovery document pointing there.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from "jose";

export type TestIssuer = {
  issuer: string;
  /** A valid token for `subject` (expires in `expiresIn`, default 1 hour; null: no `exp` claim). */
  token(subject: string, options?: TokenOptions): Promise<string>;
  /** A token with the right claims, signed by a key the issuer does not publish. */
  forgedToken(subject: string): Promise<string>;
  close(): Promise<void>;
};

type TokenOptions = { name?: string; expiresIn?: string | number | null; audience?: string };

export async function startTestIssuer(): Promise<TestIssuer> {
  const { privateKey, publicKey } = await generateKeyPair("RS256");
  const other = await generateKeyPair("RS256");
  const jwk = { ...(await exportJWK(publicKey)), kid: "test-key", alg: "RS256", use: "sig" };
  const server = createServer((req, res) => {
    if (req.url === "/api/local-auth/jwks") {
      res.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify({ keys: [jwk] }));
    } else if (req.url === "/.well-known/openid-configuration") {
      // As an OIDC provider (`domain` in auth.config) publishes where its keys are.
      res
        .writeHead(200, { "Content-Type": "application/json" })
        .end(JSON.stringify({ issuer, jwks_uri: `${issuer}/api/local-auth/jwks` }));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const sign = (key: CryptoKey, subject: string, options: TokenOptions = {}) => {
    const jwt = new SignJWT({ name: options.name ?? subject })
      .setProtectedHeader({ alg: "RS256", kid: "test-key" })
      .setIssuer(issuer)
      .setAudience(options.audience ?? "convex")
      .setSubject(subject)
      .setIssuedAt();
    if (options.expiresIn !== null) jwt.setExpirationTime(options.expiresIn ?? "1h");
    return jwt.sign(key);
  };

  return {
    issuer,
    token: (subject, options) => sign(privateKey, subject, options),
    forgedToken: (subject) => sign(other.privateKey, subject),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
