/**
 * Which web pages may talk to local-convex. A browser tells the server the
 * page a request comes from (`Origin`) on WebSocket upgrades and cross-origin
 * fetches; since the backend listens on the developer's machine, any site
 * the developer visits could otherwise open a socket to 127.0.0.1 and read or
 * write the development data. Allowed:
 *
 * - no `Origin` at all: not a browser page (Node clients, curl, the tests);
 * - loopback pages: http(s)://localhost, *.localhost, 127.x.x.x and [::1], any port
 *   (where `npm run dev` serves the web app);
 * - the origins given with `--allow-origin` (the web app's address when it is
 *   served from elsewhere).
 *
 * Anything else (`null` included: sandboxed frames, local files) is refused:
 * WebSocket upgrades with 403, HTTP requests with 403 and no CORS headers.
 */

export class OriginPolicy {
  private readonly allowed: Set<string>;

  /** `allowed`: origins besides loopback ones (throws on one that is not an http(s) origin). */
  constructor(allowed: readonly string[] = []) {
    this.allowed = new Set(allowed.map(normalizeOrigin));
  }

  /** Whether a request with this `Origin` header (undefined: none) may be served. */
  allows(origin: string | undefined): boolean {
    if (origin === undefined) return true;
    if (isLoopbackOrigin(origin)) return true;
    try {
      return this.allowed.has(normalizeOrigin(origin));
    } catch {
      return false;
    }
  }

  /** For the startup banner. */
  describe(): string {
    return ["loopback pages", ...this.allowed].join(", ");
  }
}

/** `text` as an origin (`scheme://host[:port]`, lower case, default port dropped). Throws if it is not an http(s) URL. */
export function normalizeOrigin(text: string): string {
  const url = new URL(text);
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new Error(`Not an http(s) origin: ${text}`);
  return url.origin;
}

/** Whether `origin` is a page served from this machine's loopback interface. */
export function isLoopbackOrigin(origin: string): boolean {
  let url: URL;
  try {
    url = new URL(origin);
  } catch {
    return false;
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") return false;
  const host = url.hostname;
  return (
    host === "localhost" ||
    host.endsWith(".localhost") ||
    host === "[::1]" ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)
  );
}
