/**
 * Clerk mode without Clerk's servers: the backend (local-convex, running the
 * real `convex/auth.config.ts`) trusts a Clerk-shaped issuer named by
 * `CLERK_JWT_ISSUER_DOMAIN`, exactly as it would a Clerk instance. Its tokens
 * are accepted, the identity is issuer + subject, and tokens with the wrong
 * audience or issuer, expired or signed by another key are refused.
 */
import { ConvexHttpClient } from "convex/browser";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { api } from "../../convex/_generated/api";
import { startLocalConvex, type LocalConvexProcess } from "local-convex";
import { startClerkIssuer, type ClerkIssuer } from "../support/clerkIssuer";

let clerk: ClerkIssuer;
let backend: LocalConvexProcess;
beforeAll(async () => {
  clerk = await startClerkIssuer();
  backend = await startLocalConvex({
    env: { CLERK_JWT_ISSUER_DOMAIN: clerk.issuer, LOCAL_AUTH_ISSUER: "", ENABLE_SAMPLE_MODEL: "" },
  });
}, 60_000);
afterAll(async () => {
  await backend?.close();
  await clerk?.close();
});

function clientWith(token: string) {
  const client = new ConvexHttpClient(backend.url);
  client.setAuth(token);
  return client;
}

describe("a Clerk-shaped issuer named by CLERK_JWT_ISSUER_DOMAIN", () => {
  test("its tokens are accepted, and the user is its issuer + subject, whatever the session", async () => {
    const ada = await clerk.token({ sub: "user_ada" });
    const jobId = await clientWith(ada).mutation(api.generationJobs.createJob, { prompt: "Clerk mode" });
    // Another session of the same Clerk user (new sid, new token) is the same user.
    const adaElsewhere = await clerk.token({ sub: "user_ada", claims: { azp: "https://app.example.test" } });
    expect((await clientWith(adaElsewhere).query(api.generationJobs.getJobById, { jobId }))?.prompt).toBe("Clerk mode");
    // Another Clerk user is someone else.
    const grace = await clerk.token({ sub: "user_grace" });
    expect(await clientWith(grace).query(api.generationJobs.getJobById, { jobId })).toBeNull();
  });

  test.each([
    ["the wrong audience", { aud: "another-app" }],
    ["another issuer", { iss: "https://clerk.example.test" }],
    ["an expired token", { expiresIn: -120 }],
    ["a key the issuer does not publish", { foreignKey: true }],
  ])("refuses %s", async (_what, options) => {
    const token = await clerk.token({ sub: "user_ada", ...options });
    await expect(clientWith(token).mutation(api.generationJobs.createJob, { prompt: "Refused" })).rejects.toThrow(
      /Unauthenticated|InvalidAuthHeader|expired|signature/,
    );
    expect(
      await clientWith(await clerk.token({ sub: "user_ada" })).query(api.generationJobs.getRecentJobs, {}),
    ).toEqual(expect.not.arrayContaining([expect.objectContaining({ prompt: "Refused" })]));
  });
});
