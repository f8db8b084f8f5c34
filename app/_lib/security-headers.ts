/**
 * The Content-Security-Policy and Permissions-Policy of the web app. The CSP
 * is built per request (`proxy.ts`) around a fresh nonce: Next.js reads the
 * nonce from the request's CSP header and puts it on every script it renders,
 * and `'strict-dynamic'` lets those scripts load the rest (chunks, Clerk's
 * script). No inline script runs without the nonce. Kept free of Node APIs:
 * the proxy runs it.
 */

/** The directives this app sets (all CSP Level 3 names, which Clerk's `directives` accepts too). */
export type CspDirective =
  | "default-src"
  | "script-src"
  | "style-src"
  | "img-src"
  | "font-src"
  | "connect-src"
  | "object-src"
  | "base-uri"
  | "form-action"
  | "frame-ancestors";
export type CspDirectives = Partial<Record<CspDirective, string[]>>;

/**
 * What the app itself needs, in every auth mode: its own origin, the Convex
 * deployment (`https://…` and its WebSocket `wss://…`, or `http`/`ws` for a
 * local backend), inline styles (Radix, toasts and Clerk set `style`
 * attributes, which a nonce can't cover), and no plugins, framing or
 * `<base>` tricks. In Clerk mode these are merged into Clerk's own list
 * (`clerkMiddleware`'s `contentSecurityPolicy`).
 */
export function appCspDirectives(convexUrl: string | undefined): CspDirectives {
  return {
    "default-src": ["'self'"],
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'", ...convexSources(convexUrl)],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
  };
}

/**
 * The whole policy when Clerk is not in use: `appCspDirectives` and scripts
 * only with `nonce` (plus `'unsafe-eval'` in development, which React's dev
 * build needs for its error overlays).
 */
export function contentSecurityPolicy(
  nonce: string,
  convexUrl: string | undefined,
  development = process.env.NODE_ENV === "development",
): string {
  const directives: CspDirectives = {
    ...appCspDirectives(convexUrl),
    "script-src": ["'self'", `'nonce-${nonce}'`, "'strict-dynamic'", ...(development ? ["'unsafe-eval'"] : [])],
  };
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${(sources ?? []).join(" ")}`)
    .join("; ");
}

/** A fresh nonce: 128 random bits, base64. */
export function newNonce(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return btoa(String.fromCharCode(...bytes));
}

/** The deployment's origin over HTTP and over its WebSocket (`ws`/`wss`), or nothing when none is configured. */
export function convexSources(convexUrl: string | undefined): string[] {
  if (!convexUrl) return [];
  let url: URL;
  try {
    url = new URL(convexUrl);
  } catch {
    return [];
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return [];
  const socket = url.protocol === "https:" ? "wss:" : "ws:";
  return [url.origin, `${socket}//${url.host}`];
}

/**
 * Browser features the app never uses, switched off for it and anything it
 * embeds. Only features Chromium knows are named (an unknown one is a console
 * warning); passkeys (`publickey-credentials-*`, Clerk) keep their default
 * (this origin).
 */
export const PERMISSIONS_POLICY = [
  "accelerometer=()",
  "autoplay=()",
  "browsing-topics=()",
  "camera=()",
  "display-capture=()",
  "geolocation=()",
  "gyroscope=()",
  "magnetometer=()",
  "microphone=()",
  "midi=()",
  "payment=()",
  "usb=()",
].join(", ");
