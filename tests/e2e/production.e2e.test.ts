/**
 * Production is safe by default, over HTTP against the production build
 * (`next start`, NODE_ENV=production):
 * - no Clerk keys and no flag: no way to sign in, a page saying so, and no
 *   local-auth route mints anything, not even for a cookie minted earlier;
 * - `ENABLE_LOCAL_SIGN_IN=1`: the local sign-in works, with a loud warning in
 *   the log, sessions under a day, and sign-out revoking the session itself;
 * - Clerk keys: Clerk's sign-in renders (with a test key, no Clerk servers
 *   needed), and the local sign-in is off.
 */
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { startWeb, type WebApp } from "./harness";

const SESSION_COOKIE = "qj_local_session";
const DAY_SECONDS = 24 * 60 * 60;

/** Signs in with `name`; the session cookie's value and its Set-Cookie attributes. */
async function signIn(web: WebApp, name: string) {
  const response = await fetch(`${web.url}/api/local-auth/session`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ name }),
  });
  const setCookie = response.headers.get("set-cookie") ?? "";
  const value = setCookie.match(new RegExp(`${SESSION_COOKIE}=([^;]+)`))?.[1] ?? null;
  return { status: response.status, setCookie, cookie: value && `${SESSION_COOKIE}=${value}` };
}

const get = (web: WebApp, path: string, cookie?: string | null) =>
  fetch(`${web.url}${path}`, { redirect: "manual", headers: cookie ? { cookie } : {} });

describe("with the local sign-in enabled (what npm run dev sets)", () => {
  let web: WebApp;
  beforeAll(async () => {
    web = await startWeb({ ENABLE_LOCAL_SIGN_IN: "1", CONVEX_URL: "http://127.0.0.1:9" });
  });
  afterAll(() => web?.close());

  test("signing in works, the session lasts under a day, and the production log carries a loud warning", async () => {
    const { status, setCookie, cookie } = await signIn(web, "Ada");
    expect(status).toBe(200);
    expect(setCookie).toMatch(/HttpOnly/i);
    const maxAge = Number(setCookie.match(/Max-Age=(\d+)/i)?.[1]);
    expect(maxAge).toBeGreaterThan(0);
    expect(maxAge).toBeLessThanOrEqual(DAY_SECONDS);

    const token = await get(web, "/api/local-auth/token", cookie);
    expect(token.status).toBe(200);
    expect(((await token.json()) as { token: string }).token.split(".")).toHaveLength(3);
    expect((await get(web, "/api/local-auth/jwks")).status).toBe(200);
    expect(web.output.join("")).toContain("WARNING: ENABLE_LOCAL_SIGN_IN is set in a production build.");
  });

  test("sign-out revokes the session: a copy of the old cookie mints nothing more", async () => {
    const { cookie } = await signIn(web, "Grace");
    expect((await get(web, "/api/local-auth/token", cookie)).status).toBe(200);

    const signOut = await fetch(`${web.url}/api/local-auth/sign-out`, { method: "POST", headers: { cookie: cookie! } });
    expect(signOut.status).toBe(200);
    expect(signOut.headers.get("set-cookie")).toMatch(new RegExp(`${SESSION_COOKIE}=;`));

    expect((await get(web, "/api/local-auth/token", cookie)).status).toBe(401);
    expect((await get(web, "/api/local-auth/session", cookie)).status).toBe(401);
    // A fresh sign-in with the same name still works.
    const again = await signIn(web, "Grace");
    expect((await get(web, "/api/local-auth/token", again.cookie)).status).toBe(200);
  });
});

describe("with no Clerk keys and no flag (a production deploy as is)", () => {
  let web: WebApp;
  let earlierCookie: string | null;
  beforeAll(async () => {
    // A session minted while the local sign-in was on, with the same signing key.
    const enabled = await startWeb({ ENABLE_LOCAL_SIGN_IN: "1", CONVEX_URL: "http://127.0.0.1:9" });
    earlierCookie = (await signIn(enabled, "Mallory")).cookie;
    await enabled.close();
    web = await startWeb({ CONVEX_URL: "http://127.0.0.1:9" });
  });
  afterAll(() => web?.close());

  test("the sign-in page says sign-in is not configured, naming what to set", async () => {
    const page = await get(web, "/sign-in");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("Sign-in is not configured");
    for (const name of [
      "NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY",
      "CLERK_SECRET_KEY",
      "CLERK_JWT_ISSUER_DOMAIN",
      "ENABLE_LOCAL_SIGN_IN=1",
    ]) {
      expect(html).toContain(name);
    }
    expect(html).not.toContain("Display name");
  });

  test("no local-auth route signs anyone in or mints a token", async () => {
    const { status, setCookie } = await signIn(web, "alice");
    expect(status).toBe(404);
    expect(setCookie).not.toContain(SESSION_COOKIE);
    const form = await fetch(`${web.url}/api/local-auth/session`, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: "name=alice",
      redirect: "manual",
    });
    expect(form.status).toBe(404);
    expect((await get(web, "/api/local-auth/token")).status).toBe(404);
    expect((await get(web, "/api/local-auth/jwks")).status).toBe(404);
  });

  test("a session cookie minted while the local sign-in was on is worth nothing now", async () => {
    expect(earlierCookie).toBeTruthy();
    expect((await get(web, "/api/local-auth/token", earlierCookie)).status).toBe(404);
    const home = await get(web, "/", earlierCookie);
    expect(home.status).toBe(307);
    expect(home.headers.get("location")).toMatch(/\/sign-in$/);
  });

  test("nothing warns about the local sign-in, because it is off", () => {
    expect(web.output.join("")).not.toContain("ENABLE_LOCAL_SIGN_IN is set");
  });
});

describe("in Clerk mode", () => {
  // A publishable key is `pk_test_` + base64("<frontend API host>$"): the app
  // renders with it; the browser would load Clerk's script from that host.
  const publishableKey = `pk_test_${Buffer.from("clerk.recall.test$").toString("base64")}`;
  let web: WebApp;
  beforeAll(async () => {
    web = await startWeb(
      {
        NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY: publishableKey,
        CLERK_SECRET_KEY: "sk_test_offline0000000000000000000000000000",
        CONVEX_URL: "http://127.0.0.1:9",
        ENABLE_LOCAL_SIGN_IN: "1", // ignored: Clerk keys win
      },
      { allInterfaces: true },
    );
  });
  afterAll(() => web?.close());

  test("the sign-in page renders Clerk's sign-in, not the local one", async () => {
    const page = await get(web, "/sign-in");
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("clerk.recall.test");
    expect(html).not.toContain("Display name");
    expect(html).not.toContain("Sign-in is not configured");
  });

  test("the local sign-in is off", async () => {
    expect((await signIn(web, "alice")).status).toBe(404);
    expect((await get(web, "/api/local-auth/token")).status).toBe(404);
  });
});
