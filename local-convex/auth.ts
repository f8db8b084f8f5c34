/**
 * Verifies the JWTs clients authenticate with, against the providers of the
 * app's `convex/auth.config.ts` (evaluated with this process's environment),
 * and turns their claims into the `UserIdentity` functions see.
 *
 * - `customJwt` providers: the token's `iss` must be the provider's `issuer`,
 *   its `aud` must contain `applicationID` (when set), it must be signed with
 *   `algorithm` by a key of the provider's `jwks` URL.
 * - OIDC providers (`domain`): issuer = domain, audience = `applicationID`,
 *   keys from the `jwks_uri` of `<domain>/.well-known/openid-configuration`.
 *
 * Failures are `AuthFailure`s with a message that says what to fix; they are
 * sent to the client (`AuthError` / HTTP 401), never thrown further.
 *
 * Every token must expire (`exp`) within `MAX_TOKEN_LIFETIME_MS`: a
 * token cannot be revoked, so one without an expiry, or valid for years,
 * would let whoever copied it in for as long. Verified tokens are remembered
 * until they expire (at most `VERIFIED_TOKEN_CACHE_ENTRIES`), so a client's
 * repeated requests do not each pay for a signature check.
 */
import type { AuthProvider, UserIdentity } from "convex/server";
import { createRemoteJWKSet, decodeJwt, errors as joseErrors, jwtVerify, type JWTPayload } from "jose";
import { MAX_TOKEN_LIFETIME_MS, VERIFIED_TOKEN_CACHE_ENTRIES } from "./limits";

/** A token was refused; `message` is for the client. */
export class AuthFailure extends Error {
  override readonly name = "AuthFailure";
}

export type VerifiedToken = {
  identity: UserIdentity;
  /** When the token expires (ms since the epoch): at most `MAX_TOKEN_LIFETIME_MS` from when it was verified. */
  expiresAt: number;
};

type KeySet = ReturnType<typeof createRemoteJWKSet>;

/** OIDC standard claims and the `UserIdentity` fields they become. */
const IDENTITY_FIELD_BY_CLAIM: Record<string, string> = {
  name: "name",
  given_name: "givenName",
  family_name: "familyName",
  nickname: "nickname",
  preferred_username: "preferredUsername",
  profile: "profileUrl",
  picture: "pictureUrl",
  email: "email",
  email_verified: "emailVerified",
  gender: "gender",
  birthdate: "birthday",
  zoneinfo: "timezone",
  locale: "language",
  phone_number: "phoneNumber",
  phone_number_verified: "phoneNumberVerified",
  address: "address",
  updated_at: "updatedAt",
};
/** Registered JWT claims: about the token, not the user. */
const TOKEN_CLAIMS = new Set(["iss", "sub", "aud", "exp", "nbf", "iat", "jti"]);
/** Who the user is: derived from `iss` and `sub` only, never taken from a claim of that name. */
const DERIVED_FIELDS = new Set(["tokenIdentifier", "subject", "issuer"]);

export class TokenVerifier {
  private readonly keySets = new Map<string, Promise<KeySet>>();
  /** Verified tokens, least recently used first. */
  private readonly verified = new Map<string, VerifiedToken>();

  constructor(readonly providers: readonly AuthProvider[]) {}

  /** The providers of `auth.config`'s default export (none when there is no such module). */
  static fromAuthConfig(authConfig: Record<string, unknown> | null): TokenVerifier {
    const config = authConfig?.default as { providers?: AuthProvider[] } | undefined;
    return new TokenVerifier(config?.providers ?? []);
  }

  /** One line per provider, for the startup banner. */
  describe(): string[] {
    return this.providers.map((p) => (isCustomJwt(p) ? `customJwt ${p.issuer} (keys: ${p.jwks})` : `OIDC ${p.domain}`));
  }

  /** The identity `token` proves, or an `AuthFailure`. */
  async verify(token: string): Promise<VerifiedToken> {
    const known = this.verified.get(token);
    if (known && known.expiresAt > Date.now()) {
      this.verified.delete(token);
      this.verified.set(token, known);
      return known;
    }
    this.verified.delete(token);
    const result = await this.verifyNow(token);
    this.verified.set(token, result);
    if (this.verified.size > VERIFIED_TOKEN_CACHE_ENTRIES) this.verified.delete(this.verified.keys().next().value!);
    return result;
  }

  private async verifyNow(token: string): Promise<VerifiedToken> {
    let claims: JWTPayload;
    try {
      claims = decodeJwt(token);
    } catch {
      throw new AuthFailure("InvalidAuthHeader: Could not parse the JWT. Check that the token is a valid JWT.");
    }
    const audiences = claims.aud === undefined ? [] : Array.isArray(claims.aud) ? claims.aud : [claims.aud];
    const provider = this.providers.find(
      (p) =>
        sameIssuer(isCustomJwt(p) ? p.issuer : p.domain, claims.iss) &&
        (p.applicationID === undefined || audiences.includes(p.applicationID)),
    );
    if (!provider) {
      const configured =
        this.providers.length > 0
          ? `Configured providers: ${this.describe().join("; ")}.`
          : "No providers are configured.";
      throw new AuthFailure(
        `NoAuthProvider: No auth provider found matching the given token (issuer ${JSON.stringify(claims.iss ?? null)}, ` +
          `audience ${JSON.stringify(claims.aud ?? null)}). Check convex/auth.config.ts. ${configured}`,
      );
    }

    let payload: JWTPayload;
    try {
      const keys = await this.keySet(provider);
      ({ payload } = await jwtVerify(token, keys, {
        ...(provider.applicationID !== undefined ? { audience: provider.applicationID } : {}),
        ...(isCustomJwt(provider) ? { algorithms: [provider.algorithm] } : {}),
      }));
    } catch (error) {
      if (error instanceof AuthFailure) throw error;
      if (error instanceof joseErrors.JWTExpired) {
        throw new AuthFailure("InvalidAuthHeader: Token expired. The client should fetch a new one.");
      }
      if (
        error instanceof TypeError ||
        error instanceof joseErrors.JWKSTimeout ||
        error instanceof joseErrors.JWKSInvalid
      ) {
        const where = isCustomJwt(provider) ? provider.jwks : `the OIDC provider ${provider.domain}`;
        throw new AuthFailure(`InvalidAuthHeader: Could not fetch the signing keys from ${where}: ${error.message}`);
      }
      throw new AuthFailure(`InvalidAuthHeader: Could not verify the token: ${(error as Error).message}`);
    }
    if (typeof payload.sub !== "string" || typeof payload.iss !== "string") {
      throw new AuthFailure("InvalidAuthHeader: The token has no `sub` or `iss` claim.");
    }
    return { identity: identityFromClaims(payload), expiresAt: expiryOf(payload) };
  }

  private keySet(provider: AuthProvider): Promise<KeySet> {
    const key = isCustomJwt(provider) ? provider.jwks : `oidc:${provider.domain}`;
    let keys = this.keySets.get(key);
    if (!keys) {
      keys = resolveKeySet(provider);
      this.keySets.set(key, keys);
      keys.catch(() => this.keySets.delete(key)); // try again next time
    }
    return keys;
  }
}

/** When a verified token expires (ms), or an `AuthFailure` if it does not expire soon enough. */
function expiryOf(payload: JWTPayload): number {
  const hours = MAX_TOKEN_LIFETIME_MS / 3_600_000;
  if (typeof payload.exp !== "number") {
    throw new AuthFailure(
      `InvalidAuthHeader: The token has no expiry (\`exp\`). local-convex accepts only tokens that expire within ${hours} hours.`,
    );
  }
  const expiresAt = payload.exp * 1000;
  if (expiresAt - Date.now() > MAX_TOKEN_LIFETIME_MS) {
    const days = ((expiresAt - Date.now()) / 86_400_000).toFixed(1);
    throw new AuthFailure(
      `InvalidAuthHeader: The token expires in ${days} days. local-convex accepts only tokens that expire within ${hours} hours.`,
    );
  }
  return expiresAt;
}

async function resolveKeySet(provider: AuthProvider): Promise<KeySet> {
  if (isCustomJwt(provider)) return createRemoteJWKSet(new URL(provider.jwks));
  const domain = provider.domain.replace(/\/+$/, "");
  const discovery = `${domain}/.well-known/openid-configuration`;
  let jwksUri: unknown;
  try {
    const response = await fetch(discovery);
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    jwksUri = ((await response.json()) as { jwks_uri?: unknown }).jwks_uri;
  } catch (error) {
    throw new AuthFailure(`InvalidAuthHeader: Could not fetch ${discovery}: ${(error as Error).message}`);
  }
  if (typeof jwksUri !== "string") throw new AuthFailure(`InvalidAuthHeader: ${discovery} has no jwks_uri`);
  return createRemoteJWKSet(new URL(jwksUri));
}

type CustomJwtProvider = Extract<AuthProvider, { type: "customJwt" }>;

function isCustomJwt(provider: AuthProvider): provider is CustomJwtProvider {
  return "type" in provider && provider.type === "customJwt";
}

function sameIssuer(configured: string, issuer: string | undefined): boolean {
  return issuer !== undefined && configured.replace(/\/+$/, "") === issuer.replace(/\/+$/, "");
}

/**
 * The identity Convex derives from verified claims: `tokenIdentifier`,
 * `subject` and `issuer` from `iss` and `sub` (a claim with one of those
 * names is ignored: a token cannot name someone else), standard fields
 * renamed, other custom claims kept.
 */
export function identityFromClaims(claims: JWTPayload): UserIdentity {
  const identity: Record<string, unknown> = {};
  for (const [claim, value] of Object.entries(claims)) {
    if (TOKEN_CLAIMS.has(claim) || DERIVED_FIELDS.has(claim) || value === undefined) continue;
    identity[IDENTITY_FIELD_BY_CLAIM[claim] ?? claim] = value;
  }
  return {
    ...identity,
    tokenIdentifier: `${claims.iss}|${claims.sub}`,
    subject: claims.sub,
    issuer: claims.iss,
  } as unknown as UserIdentity;
}
