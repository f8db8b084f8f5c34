/**
 * The HTTP function API, as `ConvexHttpClient` and plain `fetch` use it:
 *
 *   POST /api/query | /api/mutation | /api/action   {path, format?, args: [{...}] | {...}}
 *   POST /api/function                              {path, format?, args: {...}}  (any kind)
 *   POST /api/run/<module path>/<export>            {args?: {...}}                (any kind)
 *   GET  /api/run/<module path>/<export>?args=<json>                              (queries)
 *   POST /api/query_ts, /api/query_at_ts            (ConvexHttpClient.consistentQuery)
 *
 * Function results and function errors are 200 responses
 * (`{status:"success",value}` / `{status:"error",errorMessage,errorData?}`),
 * as on Convex; a refused `Authorization: Bearer <jwt>` is a 401.
 *
 * - Origins: pages the `OriginPolicy` allows get CORS headers (the web app
 *   runs on another port); requests from any other page get 403.
 * - Limits: bodies up to `MAX_HTTP_BODY_BYTES`; at most
 *   `MAX_HTTP_REQUESTS_PER_CLIENT` requests in progress per client (its
 *   `Authorization` header, or its address), more get 429; each client's
 *   transactions take turns with everybody else's (`fairnessKey`).
 * - Durability: a response is written only once every commit so far is on
 *   disk (`durable`), so what it says can never be lost.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { UserIdentity } from "convex/server";
import { convexToJson, jsonToConvex, type JSONValue, type Value } from "convex/values";
import { AuthFailure, type TokenVerifier } from "./auth";
import type { CallOutcome, DurabilityBarrier, Engine, FunctionKind } from "./engine/engine";
import { canonicalizeUdfPath, udfPathFromRunPath } from "./engine/functionPath";
import type { InFlightLimiter } from "./inFlight";
import { MAX_HTTP_BODY_BYTES, MAX_HTTP_REQUESTS_PER_CLIENT } from "./limits";
import type { OriginPolicy } from "./origin";
import { encodeU64 } from "./sync/protocol";

export type HttpDeps = {
  engine: Engine;
  verifier: TokenVerifier;
  origins: OriginPolicy;
  /** Requests in progress per client (`MAX_HTTP_REQUESTS_PER_CLIENT`). */
  inFlight: InFlightLimiter;
  /** Resolves once every commit so far is durable. */
  durable: DurabilityBarrier;
};

/** Thrown while handling a request: answered with `status` and `{code, message}`. */
class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** Handles one request (all routes). */
export async function handleHttpRequest(req: IncomingMessage, res: ServerResponse, deps: HttpDeps): Promise<void> {
  if (!deps.origins.allows(req.headers.origin)) {
    return send(res, 403, {
      code: "ForbiddenOrigin",
      message: `Requests from ${req.headers.origin} are not allowed (see --allow-origin).`,
    });
  }
  setCorsHeaders(req, res);
  if (req.method === "OPTIONS") return void res.writeHead(204).end();
  const client = req.headers.authorization ?? `address ${req.socket.remoteAddress ?? "unknown"}`;
  const leave = deps.inFlight.enter(client);
  if (!leave) {
    return send(res, 429, {
      code: "TooManyRequests",
      message: `At most ${MAX_HTTP_REQUESTS_PER_CLIENT} requests of one client may be in progress.`,
    });
  }
  try {
    const { status, body } = await respond(req, deps, client);
    await deps.durable();
    send(res, status, body);
  } finally {
    leave();
  }
}

/** The status and body that answer `req`. */
async function respond(
  req: IncomingMessage,
  deps: HttpDeps,
  client: string,
): Promise<{ status: number; body: unknown }> {
  const url = new URL(req.url ?? "/", "http://local");
  try {
    if (req.method === "GET" && (url.pathname === "/" || url.pathname === "/version")) {
      return {
        status: 200,
        body: "local-convex: a local Convex-compatible backend for development. Point a Convex client at this URL.",
      };
    }
    const route = /^\/api\/(query|mutation|action|function|query_ts|query_at_ts|run\/(.+))$/.exec(url.pathname);
    if (!route || (req.method !== "POST" && !(req.method === "GET" && route[2] !== undefined))) {
      throw new HttpError(404, "NotFound", `No route ${req.method} ${url.pathname}`);
    }
    const endpoint = route[1]!;
    const identity = await authenticate(req, deps.verifier);
    if (endpoint === "query_ts") return { status: 200, body: { ts: encodeU64(deps.engine.lastCommitTs) } };

    const body = req.method === "POST" ? await readJson(req) : {};
    let udfPath: string;
    let args: unknown;
    let kind: FunctionKind | undefined;
    if (route[2] !== undefined) {
      udfPath = udfPathFromRunPath(decodeURIComponent(route[2]));
      args = req.method === "GET" ? parseJson(url.searchParams.get("args") ?? "{}") : body.args;
      if (req.method === "GET") kind = "query";
    } else {
      if (typeof body.path !== "string") throw new HttpError(400, "BadRequest", "The body needs a string `path`.");
      if (body.componentPath) throw new HttpError(400, "BadRequest", "componentPath is only for admin clients.");
      udfPath = canonicalizeUdfPath(body.path);
      args = Array.isArray(body.args) ? body.args[0] : body.args;
      kind = endpoint === "function" ? undefined : endpoint === "query_at_ts" ? "query" : (endpoint as FunctionKind);
    }
    const outcome = await deps.engine.call({
      udfPath,
      args: decodeArgs(args),
      ...(kind ? { kind } : {}),
      identity,
      caller: "client",
      origin: "http",
      request: { ip: req.socket.remoteAddress ?? null, userAgent: req.headers["user-agent"] ?? null },
      fairnessKey: `http ${client}`,
    });
    return { status: 200, body: responseBody(outcome) };
  } catch (error) {
    if (error instanceof HttpError) return { status: error.status, body: { code: error.code, message: error.message } };
    if (error instanceof AuthFailure) return { status: 401, body: { code: "Unauthenticated", message: error.message } };
    return { status: 400, body: { code: "BadRequest", message: (error as Error).message } };
  }
}

function responseBody(outcome: CallOutcome): Record<string, unknown> {
  const logLines = outcome.logLines.length > 0 ? { logLines: outcome.logLines } : {};
  if (outcome.ok) return { status: "success", value: convexToJson(outcome.value), ...logLines };
  return {
    status: "error",
    errorMessage: outcome.errorMessage,
    ...(outcome.errorData !== undefined ? { errorData: convexToJson(outcome.errorData) } : {}),
    ...logLines,
  };
}

async function authenticate(req: IncomingMessage, verifier: TokenVerifier): Promise<UserIdentity | null> {
  const header = req.headers.authorization;
  if (!header) return null;
  const [scheme, token] = header.split(/\s+/, 2);
  if (scheme === "Bearer" && token) return (await verifier.verify(token)).identity;
  if (scheme === "Convex") throw new AuthFailure("InvalidAuthHeader: local-convex does not accept admin keys.");
  throw new AuthFailure("InvalidAuthHeader: Expected `Authorization: Bearer <token>`.");
}

function decodeArgs(args: unknown): Record<string, Value> {
  const decoded = args === undefined || args === null ? {} : jsonToConvex(args as JSONValue);
  if (typeof decoded !== "object" || decoded === null || Array.isArray(decoded) || decoded instanceof ArrayBuffer) {
    throw new HttpError(400, "BadRequest", "Function arguments must be an object.");
  }
  return decoded as Record<string, Value>;
}

function setCorsHeaders(req: IncomingMessage, res: ServerResponse): void {
  res.setHeader("Access-Control-Allow-Origin", req.headers.origin ?? "*");
  res.setHeader("Vary", "Origin");
  res.setHeader("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
  res.setHeader(
    "Access-Control-Allow-Headers",
    req.headers["access-control-request-headers"] ?? "Content-Type, Authorization, Convex-Client",
  );
  res.setHeader("Access-Control-Max-Age", "86400");
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_HTTP_BODY_BYTES)
      throw new HttpError(413, "RequestTooLarge", `Request bodies are limited to ${MAX_HTTP_BODY_BYTES} bytes.`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  const body = text.trim() === "" ? {} : parseJson(text);
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new HttpError(400, "BadJsonBody", "The request body must be a JSON object.");
  }
  return body as Record<string, unknown>;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new HttpError(400, "BadJsonBody", "The request body is not valid JSON.");
  }
}

/** Writes the response: JSON, or text for a string body. */
function send(res: ServerResponse, status: number, body: unknown): void {
  if (typeof body === "string")
    return void res.writeHead(status, { "Content-Type": "text/plain; charset=utf-8" }).end(`${body}\n`);
  res.writeHead(status, { "Content-Type": "application/json" }).end(JSON.stringify(body));
}
