/**
 * Production is safe by default, over HTTP against the production build
 * (`next start`, NODE_ENV=production):
 * - no Clerk keys and no flag: no way to sign in, a page saying so, and no
 *   local-auth route mints anything, not even for a cookie minted earlier;
 * - `ENABLE_LOCAL_SIGN_IN=1`: the local sign-in works, with a loud warning in
 *   the log, sessions under a day, and sign-out revoking the session itself;
 * - Clerk keys: Clerk's sign-in renders (with a test key, no Clerk servers
 *   needed), and the local sign-in is off.
 * In every mode pages carry a Content-Security-Policy (a fresh nonce per
 * request) and a Permissions-Policy, and in Chromium the sign-in page loads
 * with nothing blocked (Clerk's script included).
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { launchChromium, startWeb, type WebApp } from "./harness";
import { cspViolations } from "./pages";

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

const signOut = (web: WebApp, cookie?: string | null) =>
  fetch(`${web.url}/api/local-auth/sign-out`, { method: "POST", headers: cookie ? { cookie } : {} });

let browser: Browser | undefined;
afterAll(async () => await browser?.close());

/**
 * `/sign-in` in Chromium: its policy headers, what the CSP blocked (nothing,
 * or the test fails), and the URLs of the requests to `host` (answered with
 * an error: no network here).
 */
async function signInPageInChromium(
  web: WebApp,
  { host, cookies = {} }: { host?: string; cookies?: Record<string, string> } = {},
) {
  browser ??= await launchChromium();
  const context = await browser.newContext();
  try {
    await context.addCookies(Object.entries(cookies).map(([name, value]) => ({ name, value, url: web.url })));
    const blocked = cspViolations(context);
    const requested: string[] = [];
    if (host)
      await context.route(`https://${host}/**`, async (route) => {
        requested.push(route.request().url());
        await route.abort();
      });
    const page = await context.newPage();
    const response = await page.goto(`${web.url}/sign-in`);
    await page.waitForLoadState("networkidle");
    const headers = response!.headers();
    // The server's own script tags (those a trusted script adds later are allowed by 'strict-dynamic').
    const html = await response!.text();
    const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map(([tag]) => tag);
    const scriptsWithoutNonce = scripts.filter((tag) => !/\snonce="/.test(tag)).length;
    return { headers, blocked, requested, scripts: scripts.length, scriptsWithoutNonce };
  } finally {
    await context.close();
  }
}

/** The CSP's directives by name. */
function directives(policy: string | undefined): Map<string, string[]> {
  return new Map(
    (policy ?? "").split(";").map((directive) => {
      const [name, ...sources] = directive.trim().split(/\s+/);
      return [name!, sources] as const;
    }),
  );
}

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

  test("sign-out is off too: 404 and no Set-Cookie, with or without a cookie", async () => {
    for (const cookie of [null, earlierCookie]) {
      const response = await signOut(web, cookie);
      expect(response.status).toBe(404);
      expect(response.headers.get("set-cookie")).toBeNull();
    }
  });

  test("in Chromium the sign-in page loads under its CSP (a nonce on every script) with nothing blocked", async () => {
    const first = await signInPageInChromium(web);
    const policy = directives(first.headers["content-security-policy"]);
    expect(policy.get("script-src")).toEqual(expect.arrayContaining(["'self'", "'strict-dynamic'"]));
    expect(policy.get("script-src")!.some((source) => /^'nonce-[A-Za-z0-9+/]+=*'$/.test(source))).toBe(true);
    expect(policy.get("script-src")).not.toContain("'unsafe-inline'");
    expect(policy.get("connect-src")).toEqual(["'self'", "http://127.0.0.1:9", "ws://127.0.0.1:9"]);
    expect(policy.get("object-src")).toEqual(["'none'"]);
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
    expect(first.headers["permissions-policy"]).toContain("camera=()");
    expect(first.scripts).toBeGreaterThan(0);
    expect(first.scriptsWithoutNonce).toBe(0);
    expect(first.blocked).toEqual([]);
    // A fresh nonce per request.
    const second = await signInPageInChromium(web);
    expect(second.headers["content-security-policy"]).not.toBe(first.headers["content-security-policy"]);
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
    const out = await signOut(web);
    expect(out.status).toBe(404);
    expect(out.headers.get("set-cookie") ?? "").not.toContain(SESSION_COOKIE);
  });

  test("in Chromium the sign-in page loads Clerk's script under the CSP, with nothing blocked", async () => {
    // A development key makes a browser without Clerk's dev-browser cookie go to Clerk for one first (no network here).
    const { headers, blocked, requested, scripts, scriptsWithoutNonce } = await signInPageInChromium(web, {
      host: "clerk.recall.test",
      cookies: { __clerk_db_jwt: "dvb_offline" },
    });
    const policy = directives(headers["content-security-policy"]);
    expect(policy.get("script-src")).toEqual(expect.arrayContaining(["'strict-dynamic'"]));
    expect(policy.get("connect-src")).toEqual(
      expect.arrayContaining(["clerk.recall.test", "http://127.0.0.1:9", "ws://127.0.0.1:9"]),
    );
    expect(policy.get("frame-ancestors")).toEqual(["'none'"]);
    expect(headers["permissions-policy"]).toContain("camera=()");
    expect(requested.some((url) => /clerk.*\.js/.test(url))).toBe(true);
    expect(scripts).toBeGreaterThan(0);
    expect(scriptsWithoutNonce).toBe(0);
    expect(blocked).toEqual([]);
  });
});
