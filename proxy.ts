/**
 * Request gate (Next.js 16 `proxy`, formerly middleware).
 *
 * - Clerk mode (NEXT_PUBLIC_CLERK_PUBLISHABLE_KEY set): `clerkMiddleware`, as
 *   Clerk documents; the signed-in layout protects its pages with
 *   `auth.protect()` (Clerk's resource-based checks, not route matchers).
 * - Local mode (the default): visitors without a session cookie are sent to
 *   `/sign-in?next=<where they were going>`. This is the optimistic check; the
 *   app layout verifies the cookie's signature before rendering anything.
 *
 * Both modes read their env at request time, so the build needs none.
 *
 * Every page gets a Content-Security-Policy with a fresh nonce
 * (`app/_lib/security-headers.ts`): built here in local mode, and by
 * `clerkMiddleware`'s own `contentSecurityPolicy` (Clerk's sources plus the
 * app's) in Clerk mode. The request carries the policy too, which is where
 * Next.js (and Clerk) read the nonce for the scripts they render.
 */
import { clerkMiddleware } from "@clerk/nextjs/server";
import { NextResponse, type NextFetchEvent, type NextRequest } from "next/server";
import { SESSION_COOKIE, SIGN_IN_PATH } from "@/app/_lib/local-auth/constants";
import { clerkPublishableKey, convexUrl } from "@/app/_lib/runtime-env";
import { appCspDirectives, contentSecurityPolicy, newNonce } from "@/app/_lib/security-headers";

/** Reachable without signing in (the sign-in page, the local-auth API, static metadata). */
const PUBLIC_PATHS = [SIGN_IN_PATH, "/api/local-auth", "/favicon.ico", "/icon.svg", "/robots.txt"];

function isPublicPath(pathname: string): boolean {
  return PUBLIC_PATHS.some((path) => pathname === path || pathname.startsWith(`${path}/`));
}

// Authentication only, no route gating (pages call `auth.protect()`). The
// publishable key is read per request (never inlined at build time); Clerk
// reads CLERK_SECRET_KEY from the server environment itself.
const clerkProxy = clerkMiddleware(
  () => undefined,
  () => ({
    publishableKey: clerkPublishableKey(),
    signInUrl: SIGN_IN_PATH,
    contentSecurityPolicy: { strict: true, directives: appCspDirectives(convexUrl()) },
  }),
);

function localProxy(request: NextRequest): NextResponse {
  const { pathname, search } = request.nextUrl;
  if (isPublicPath(pathname) || request.cookies.has(SESSION_COOKIE)) return withContentSecurityPolicy(request);
  if (pathname.startsWith("/api/")) {
    return NextResponse.json({ error: "Not signed in." }, { status: 401 });
  }
  const signIn = new URL(SIGN_IN_PATH, request.url);
  const next = `${pathname}${search}`;
  if (next !== "/") signIn.searchParams.set("next", next);
  return NextResponse.redirect(signIn);
}

/** Lets the request through, with a nonce'd policy on it (for Next.js to read) and on the response. */
function withContentSecurityPolicy(request: NextRequest): NextResponse {
  const policy = contentSecurityPolicy(newNonce(), convexUrl());
  const headers = new Headers(request.headers);
  headers.set("content-security-policy", policy);
  const response = NextResponse.next({ request: { headers } });
  response.headers.set("Content-Security-Policy", policy);
  return response;
}

export function proxy(request: NextRequest, event: NextFetchEvent) {
  if (clerkPublishableKey()) return clerkProxy(request, event);
  return localProxy(request);
}

export const config = {
  matcher: [
    // Everything but Next.js internals and static files (Clerk's recommended matcher).
    "/((?!_next|[^?]*\\.(?:html?|css|js(?!on)|jpe?g|webp|png|gif|svg|ttf|woff2?|ico|csv|docx?|xlsx?|zip|webmanifest)).*)",
    "/(api|trpc)(.*)",
  ],
};
