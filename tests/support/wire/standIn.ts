/**
 * A local HTTP server that stands in for a model provider's API, so the real
 * AI SDK providers (`@ai-sdk/google`, `@ai-sdk/openai-compatible`) can be
 * pointed at it and fail the way they fail over real HTTP: real status codes
 * and error bodies, real SSE streams, real dropped sockets and real hangs.
 *
 * The wire format (paths, frames, error bodies) is a `WireFormat`
 * (`gemini.ts`, `openai.ts`); this file plays a `Scenario` per request:
 *
 *   content  the text to send, as steps (one step = one SSE frame; pauses
 *            between them), then an ending: the format's normal finish, the
 *            socket destroyed (a connection dropped mid-stream), a hang (the
 *            socket stays open until the client goes away), the provider's
 *            safety stop, a frame that is not JSON, or an error reported
 *            inside the stream (the provider's error body for
 *            `STREAM_ERROR_STATUS`, as a frame);
 *   status   an HTTP error status with a body (by default the provider's own
 *            body for that status) and headers, before any byte of content;
 *   blocked  the provider refusing the prompt (Gemini's `promptFeedback`
 *            block, OpenAI's `refusal`);
 *   silence  the connection is accepted and nothing is ever answered, not
 *            even headers.
 *
 * Every request is recorded (path, headers, parsed body, the prompt's text,
 * whether the client went away before the end) so tests can assert what the
 * provider sent and how many times (the SDK's own retries). It listens on
 * 127.0.0.1, port 0; `close()` destroys every socket, hung ones included.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import type { StreamStep } from "../../../convex/lib/ai/modelStream";

/** One step of content: a piece of text sent as one frame, a pause, a wait
 * for a promise, or a callback run when the server reaches it. */
export type WireStep = Exclude<StreamStep, { error: unknown }>;

/** How a content reply ends. */
export type ContentEnd = "finish" | "drop" | "hang" | "filtered" | "garbage" | "error";

export type Scenario =
  | { reply: "content"; steps: Iterable<WireStep>; end?: ContentEnd }
  | { reply: "status"; status: number; body?: unknown; headers?: Record<string, string> }
  | { reply: "blocked" }
  | { reply: "silence" };

/** A request as the stand-in received it. */
export type WireRequest = {
  /** 0-based order of arrival. */
  index: number;
  method: string;
  /** Path and query, e.g. `/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse`. */
  path: string;
  headers: IncomingMessage["headers"];
  /** The parsed JSON body (the raw text if it was not JSON). */
  body: unknown;
  /** A streamed call (SSE) rather than one JSON answer. */
  streaming: boolean;
  /** Every text part of the request's messages, system prompt included. */
  prompt: string;
  /** `Date.now()` on arrival. */
  at: number;
  /** True once the client closed the connection before the reply was complete. */
  abandoned: boolean;
};

/** Token counts a reply reports (the stand-in counts four characters a token). */
export type WireUsage = { promptTokens: number; completionTokens: number };

/** What a format needs to know to write one frame or answer. */
export type ReplyContext = { request: WireRequest; usage: WireUsage };

/** A provider's wire format: its routes, frames and error bodies. */
export type WireFormat = {
  name: string;
  /** The path the provider's `baseURL` points at, e.g. `/v1beta`. */
  basePath: string;
  /** Whether a request is a streamed call; null for a route the API does not have (404). */
  route(path: string, body: unknown): { streaming: boolean } | null;
  promptOf(body: unknown): string;
  /** The frame for one piece of content text. */
  delta(text: string, context: ReplyContext): unknown;
  /** The frames that end a stream normally, or with the provider's safety stop. */
  finish(reason: "stop" | "filtered", context: ReplyContext): unknown[];
  /** The frames of a stream whose prompt is refused. */
  blockedStream(context: ReplyContext): unknown[];
  /** What follows the last frame, if anything (OpenAI's `[DONE]`). */
  terminator?: string;
  /** The one JSON answer of a call that is not streamed. */
  answer(text: string, reason: "stop" | "filtered", context: ReplyContext): unknown;
  blockedAnswer(context: ReplyContext): unknown;
  /** The provider's error body for an HTTP status. */
  errorBody(status: number): unknown;
};

export type StandIn = {
  /** The base URL to give the provider (`http://127.0.0.1:PORT` + the format's base path). */
  url: string;
  /** Every request so far, in order of arrival. */
  requests: WireRequest[];
  /** Sets how the next requests are answered. */
  respond(handler: (request: WireRequest) => Scenario): void;
  /** Stops listening and destroys every open socket (hung ones too). */
  close(): Promise<void>;
};

/** The non-JSON frame of a `garbage` ending (what a broken proxy might send). */
export const GARBAGE = "<html><body>502 Bad Gateway</body></html>";

/** The status whose error body an "error" ending sends as a frame (the model overloaded mid-answer). */
export const STREAM_ERROR_STATUS = 503;

const CHARS_PER_TOKEN = 4;

/** Starts a stand-in for `format` on 127.0.0.1, on a free port. */
export async function startStandIn(
  format: WireFormat,
  handler: (request: WireRequest) => Scenario = () => ({ reply: "silence" }),
): Promise<StandIn> {
  let answer = handler;
  const requests: WireRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    void handle(req, res).catch((error: unknown) => {
      console.error(`${format.name} stand-in: ${String(error)}`);
      res.destroy();
    });
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const raw = await readBody(req);
    const body = parseJson(raw);
    const path = req.url ?? "/";
    const route = path.startsWith(format.basePath) ? format.route(path.slice(format.basePath.length), body) : null;
    if (route === null) {
      sendJson(res, 404, format.errorBody(404));
      return;
    }
    const request: WireRequest = {
      index: requests.length,
      method: req.method ?? "POST",
      path,
      headers: req.headers,
      body,
      streaming: route.streaming,
      prompt: format.promptOf(body),
      at: Date.now(),
      abandoned: false,
    };
    requests.push(request);
    const exchange: Exchange = { request, res, gone: Promise.resolve(), dropped: false };
    exchange.gone = new Promise<void>((resolve) =>
      res.once("close", () => {
        if (!res.writableFinished && !exchange.dropped) request.abandoned = true;
        resolve();
      }),
    );
    await play(format, answer(request), exchange);
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${format.basePath}`,
    requests,
    respond(next) {
      answer = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

/** One request and its response; `gone` resolves when the connection closes. */
type Exchange = { request: WireRequest; res: ServerResponse; gone: Promise<void>; dropped: boolean };

async function play(format: WireFormat, scenario: Scenario, exchange: Exchange): Promise<void> {
  const { request, res, gone } = exchange;
  const usage: WireUsage = { promptTokens: tokens(request.prompt), completionTokens: 0 };
  const context = { request, usage };
  switch (scenario.reply) {
    case "silence":
      return gone; // headers never come; the client can only give up
    case "status":
      sendJson(res, scenario.status, scenario.body ?? format.errorBody(scenario.status), scenario.headers);
      return;
    case "blocked":
      if (request.streaming) await sendFrames(res, format, format.blockedStream(context));
      else sendJson(res, 200, format.blockedAnswer(context));
      return;
    case "content":
      break;
  }
  const end = scenario.end ?? "finish";
  let text = "";
  if (request.streaming) {
    res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    res.flushHeaders();
  }
  const isGone = trackGone(gone);
  for (const step of scenario.steps) {
    if (isGone()) return;
    if (typeof step === "string") {
      text += step;
      usage.completionTokens = tokens(text);
      if (request.streaming) await write(res, frame(format.delta(step, context)));
    } else if ("delayMs" in step) {
      await Promise.race([new Promise((resolve) => setTimeout(resolve, step.delayMs)), gone]);
    } else if ("until" in step) {
      await Promise.race([step.until.then(noop, noop), gone]);
    } else {
      step.call();
    }
  }
  if (isGone()) return;
  switch (end) {
    case "drop":
      // Headers (and every frame so far) were flushed; a non-streamed call
      // is dropped before its answer. The client sees the connection close mid-response.
      if (!request.streaming) {
        res.writeHead(200, { "content-type": "application/json" });
        await write(res, text.slice(0, Math.floor(text.length / 2)));
      }
      exchange.dropped = true;
      res.socket?.destroy();
      return;
    case "hang":
      return gone;
    case "garbage":
    case "error": {
      const data = end === "garbage" ? GARBAGE : JSON.stringify(format.errorBody(STREAM_ERROR_STATUS));
      if (request.streaming) {
        await write(res, `data: ${data}\n\n`);
        res.end();
      } else {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(data);
      }
      return;
    }
    case "finish":
    case "filtered": {
      const reason = end === "finish" ? "stop" : "filtered";
      if (request.streaming) await sendFrames(res, format, format.finish(reason, context), false);
      else sendJson(res, 200, format.answer(text, reason, context));
    }
  }
}

/** Writes `frames` as SSE events (and the format's terminator), then ends the response. */
async function sendFrames(res: ServerResponse, format: WireFormat, frames: unknown[], head = true): Promise<void> {
  if (head) res.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
  for (const data of frames) await write(res, frame(data));
  if (format.terminator !== undefined) await write(res, `data: ${format.terminator}\n\n`);
  res.end();
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=UTF-8", ...headers });
  res.end(text);
}

const frame = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;

/** Resolves once `chunk` is handed to the socket, so a drop after it cannot lose it. */
function write(res: ServerResponse, chunk: string): Promise<void> {
  return new Promise((resolve) => {
    if (res.destroyed) resolve();
    else res.write(chunk, () => resolve());
  });
}

function trackGone(gone: Promise<void>): () => boolean {
  let isGone = false;
  void gone.then(() => (isGone = true));
  return () => isGone;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function tokens(text: string): number {
  return Math.ceil(text.length / CHARS_PER_TOKEN);
}

function noop() {}
