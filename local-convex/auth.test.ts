/**
 * Token verification against auth.config providers, in process: customJwt
 * (issuer, JWKS URL, algorithm, audience) and OIDC `domain` providers
 * (keys found through discovery), and the messages for tokens refused.
 */
import { afterAll, beforeAll, describe, expect, test, vi } from "vitest";
import { AuthFailure, TokenVerifier } from "./auth";
import { MAX_TOKEN_LIFETIME_MS } from "./limits";
import { startTestIssuer, type TestIssuer } from "./test/issuer";

let issuer: TestIssuer;
beforeAll(async () => (issuer = await startTestIssuer()));
afterAll(() => issuer.close());

const customJwt = () =>
  new TokenVerifier([
    {
      type: "customJwt",
      issuer: issuer.issuer,
      jwks: `${issuer.issuer}/api/local-auth/jwks`,
      algorithm: "RS256",
      applicationID: "convex",
    },
  ]);

describe("TokenVerifier", () => {
  test("customJwt: a valid token gives the identity and its expiry", async () => {
    const { identity, expiresAt } = await customJwt().verify(await issuer.token("ada", { name: "Ada Lovelace" }));
    expect(identity).toEqual({
      tokenIdentifier: `${issuer.issuer}|ada`,
      subject: "ada",
      issuer: issuer.issuer,
      name: "Ada Lovelace",
    });
    expect(expiresAt).toBeGreaterThan(Date.now());
  });

  test("OIDC domain providers find their keys through discovery", async () => {
    const oidc = new TokenVerifier([{ domain: `${issuer.issuer}/`, applicationID: "convex" }]);
    const { identity } = await oidc.verify(await issuer.token("grace"));
    expect(identity.tokenIdentifier).toBe(`${issuer.issuer}|grace`);
  });

  test("refuses forged, expired, foreign and malformed tokens with a reason", async () => {
    const verifier = customJwt();
    const refusal = (token: string) =>
      verifier.verify(token).then(
        () => null,
        (error: unknown) => error,
      );
    const expectRefused = async (token: string, reason: RegExp) => {
      const error = await refusal(token);
      expect(error).toBeInstanceOf(AuthFailure);
      expect((error as Error).message).toMatch(reason);
    };
    await expectRefused(await issuer.forgedToken("eve"), /signature verification failed/);
    await expectRefused(await issuer.token("eve", { expiresIn: Math.floor(Date.now() / 1000) - 60 }), /Token expired/);
    await expectRefused(
      await issuer.token("eve", { audience: "another-app" }),
      /No auth provider found.*audience "another-app"/,
    );
    await expectRefused("not.a.jwt", /Could not parse the JWT/);
    const none = await new TokenVerifier([]).verify(await issuer.token("eve")).catch((error: unknown) => error);
    expect((none as Error).message).toMatch(/No providers are configured/);
  });

  test("a token must expire, within MAX_TOKEN_LIFETIME_MS", async () => {
    const verifier = customJwt();
    const noExpiry = await issuer.token("eve", { expiresIn: null });
    await expect(verifier.verify(noExpiry)).rejects.toThrow(
      /^InvalidAuthHeader: The token has no expiry \(`exp`\)\. local-convex accepts only tokens that expire within 24 hours\.$/,
    );
    const tenYears = await issuer.token("eve", { expiresIn: "3650d" });
    await expect(verifier.verify(tenYears)).rejects.toThrow(/The token expires in 3650\.0 days\. .*within 24 hours/);
    await expect(verifier.verify(await issuer.token("eve", { expiresIn: "25h" }))).rejects.toThrow(AuthFailure);
    const { expiresAt } = await verifier.verify(await issuer.token("ada", { expiresIn: "23h" }));
    expect(expiresAt - Date.now()).toBeLessThanOrEqual(MAX_TOKEN_LIFETIME_MS);
  });

  test("a verified token is remembered until it expires", async () => {
    const verifier = customJwt();
    const token = await issuer.token("ada");
    const first = await verifier.verify(token);
    expect(await verifier.verify(token)).toBe(first); // no second signature check
    const now = Date.now();
    vi.spyOn(Date, "now").mockReturnValue(first.expiresAt + 1);
    try {
      expect(await verifier.verify(token)).not.toBe(first); // checked again once past its expiry
    } finally {
      vi.restoreAllMocks();
    }
    expect(Date.now()).toBeGreaterThanOrEqual(now);
  });

  test("says so when the signing keys cannot be fetched", async () => {
    const unreachable = new TokenVerifier([
      {
        type: "customJwt",
        issuer: issuer.issuer,
        jwks: "http://127.0.0.1:9/jwks",
        algorithm: "RS256",
        applicationID: "convex",
      },
    ]);
    await expect(unreachable.verify(await issuer.token("ada"))).rejects.toThrow(
      /Could not fetch the signing keys from http:\/\/127.0.0.1:9\/jwks/,
    );
  });
});
