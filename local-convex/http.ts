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
 * - Clients (`clients.ts`): the identity a verified `Authorization: Bearer
 *   <token>` proves (anything else in the header is a 401), or the address
 *   without one; limits and turns count per client.
 * - Limits: bodies up to `MAX_HTTP_BODY_BYTES`, large ones up to
 *   `MAX_HTTP_BODY_BYTES_PER_CLIENT` at once per client (503); at most
 *   `MAX_HTTP_REQUESTS_PER_CLIENT` requests in progress per client, from its
 *   body having arrived to its response written out, and none while its
 *   unread output is past `MAX_UNSENT_BYTES_PER_CLIENT` (429); headers and
 *   whole requests sent too slowly are cut off by the server's timeouts
 *   (`server.ts`). Each client's transactions take turns with everybody
 *   else's (`fairnessKey`).
 * - Durability: a response is written only once every commit so far is on
 *   disk (`durable`), so what it says can never be lost.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { UserIdentity } from "convex/server";
import { convexToJson, jsonToConvex, type JSONValue, type Value } from "convex/values";
import { AuthFailure, type TokenVerifier } from "./auth";
import { clientKey, type Clients } from "./clients";
import type { CallOutcome, DurabilityBarrier, Engine, FunctionKind } from "./engine/engine";
import { canonicalizeUdfPath, udfPathFromRunPath } from "./engine/functionPath";
import type { InFlightLimiter } from "./inFlight";
import {
  LARGE_FRAME_BYTES,
  MAX_HTTP_BODY_BYTES,
  MAX_HTTP_BODY_BYTES_PER_CLIENT,
  MAX_HTTP_REQUESTS_PER_CLIENT,
  MAX_UNSENT_BYTES_PER_CLIENT,
} from "./limits";
import type { OriginPolicy } from "./origin";
import { encodeU64 } from "./sync/protocol";

export type HttpDeps = {
  engine: Engine;
  verifier: TokenVerifier;
  origins: OriginPolicy;
  /** Requests in progress per client (`MAX_HTTP_REQUESTS_PER_CLIENT`). */
  inFlight: InFlightLimiter;
  /** What each client holds (unread output, large bodies being received). */
  clients: Clients;
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
    return void send(res, 403, {
      code: "ForbiddenOrigin",
      message: `Requests from ${req.headers.origin} are not allowed (see --allow-origin).`,
    });
  }
  setCorsHeaders(req, res);
  if (req.method === "OPTIONS") return void res.writeHead(204).end();
  // The request's place among its client's: taken once its body has arrived, given back once the response is written out.
  let admitted: string | null = null;
  const admit = (client: string) => {
    const leave = deps.clients.unsentOf(client) < MAX_UNSENT_BYTES_PER_CLIENT ? deps.inFlight.enter(client) : null;
    if (!leave) {
      throw new HttpError(
        429,
        "TooManyRequests",
        `At most ${MAX_HTTP_REQUESTS_PER_CLIENT} requests of one client may be in progress, and none while it has not read ${MAX_UNSENT_BYTES_PER_CLIENT} bytes of responses.`,
      );
    }
    res.once("close", leave);
    admitted = client;
  };
  const { status, body } = await respond(req, deps, admit);
  await deps.durable();
  const bytes = send(res, status, body);
  if (admitted === null) return;
  const client: string = admitted;
  deps.clients.addUnsent(client, bytes);
  res.once("close", () => deps.clients.addUnsent(client, -bytes));
}

/** The status and body that answer `req`; `admit(client)` before the function runs (throws if it may not). */
async function respond(
  req: IncomingMessage,
  deps: HttpDeps,
  admit: (client: string) => void,
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
    const client = clientKey(identity, req.socket.remoteAddress ?? null);
    if (endpoint === "query_ts") return { status: 200, body: { ts: encodeU64(deps.engine.lastCommitTs) } };

    const body = req.method === "POST" ? await readJson(req, client, deps.clients) : {};
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
    const decodedArgs = decodeArgs(args);
    admit(client);
    const outcome = await deps.engine.call({
      udfPath,
      args: decodedArgs,
      ...(kind ? { kind } : {}),
      identity,
      caller: "client",
      origin: "http",
      request: { ip: req.socket.remoteAddress ?? null, userAgent: req.headers["user-agent"] ?? null },
      fairnessKey: client,
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

/** `Bearer`, one or more spaces, one token (a JWT's characters), nothing after it. */
const BEARER = /^Bearer +([A-Za-z0-9._~+/-]+=*)$/i;

/** The identity the request's `Authorization` header proves (null without one); anything but one bearer token is refused. */
async function authenticate(req: IncomingMessage, verifier: TokenVerifier): Promise<UserIdentity | null> {
  const header = req.headers.authorization;
  if (header === undefined || header === "") return null;
  const bearer = BEARER.exec(header);
  if (bearer) return (await verifier.verify(bearer[1]!)).identity;
  if (/^Convex /i.test(header)) throw new AuthFailure("InvalidAuthHeader: local-convex does not accept admin keys.");
  throw new AuthFailure("InvalidAuthHeader: Expected `Authorization: Bearer <token>`, one token and nothing after it.");
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

/**
 * The body as a JSON object. A large one (from `LARGE_FRAME_BYTES`) counts
 * toward its client's `MAX_HTTP_BODY_BYTES_PER_CLIENT` while it is received.
 */
async function readJson(req: IncomingMessage, client: string, clients: Clients): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  let counted = 0;
  try {
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > MAX_HTTP_BODY_BYTES)
        throw new HttpError(413, "RequestTooLarge", `Request bodies are limited to ${MAX_HTTP_BODY_BYTES} bytes.`);
      if (size >= LARGE_FRAME_BYTES) {
        if (!clients.mayReceive(client, size - counted)) {
          throw new HttpError(
            503,
            "TooMuchDataAtOnce",
            `One client may send at most ${MAX_HTTP_BODY_BYTES_PER_CLIENT} bytes of large requests at once; try again when they are done.`,
          );
        }
        clients.addReceiving(client, size - counted);
        counted = size;
      }
      chunks.push(chunk as Buffer);
    }
  } finally {
    clients.addReceiving(client, -counted);
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

/** Writes the response: JSON, or text for a string body. Returns its size in bytes. */
function send(res: ServerResponse, status: number, body: unknown): number {
  const data = Buffer.from(typeof body === "string" ? `${body}\n` : JSON.stringify(body), "utf8");
  const type = typeof body === "string" ? "text/plain; charset=utf-8" : "application/json";
  res.writeHead(status, { "Content-Type": type }).end(data);
  return data.length;
}
