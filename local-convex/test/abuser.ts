/**
 * The abusive client of `flood.test.ts`, run in a process of its own (so the
 * bystander's timings measure the backend, not this traffic's generation):
 *
 *   ABUSER_URL=<backend url> ABUSER_TOKEN=<jwt> node --import tsx local-convex/test/abuser.ts
 *
 * Does everything in `FLOOD` at once and prints one JSON line: what the
 * backend answered (`FloodReport`).
 */
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import { MAX_FRAME_BYTES } from "../limits";
import { RawSyncClient } from "./rawClient";

/** The flood's shape. */
export const FLOOD = {
  /** Sockets sending one frame past `MAX_FRAME_BYTES` each. */
  oversizedSockets: 12,
  /** Sockets sending one frame just under it, naming a huge function (each costs ~40 MB while decoded; they are decoded one at a time). */
  hugeNameFrames: 1,
  /** Sockets subscribing `subscriptionsPerSocket` queries each, kept busy by the abuser's own jobs. */
  subscribingSockets: 1,
  subscriptionsPerSocket: 5000,
  /** Parallel HTTP calls of a function that does not exist. */
  refusedHttpCalls: 2000,
  /** WebSocket mutations of a function that does not exist, on one socket. */
  refusedWsCalls: 2000,
  /** Frames naming a 2 MB function, on one socket (the first ends it). */
  longNameFrames: 40,
  /** In every refused function name, to look for in the data file. */
  marker: "refusedFloodMarker",
};

export type FloodReport = {
  oversizedCloseCodes: number[];
  /** HTTP statuses of the refused calls, counted. */
  refusedHttp: Record<string, number>;
  refusedWs: number;
  /** The FatalError that ended the socket naming a 2 MB function. */
  longNameError: string;
  /** Per subscribing socket: results in its first Transition with results, and how many of them were refusals (with the first message). */
  subscriptions: Array<{ results: number; refused: number; refusal: string }>;
  /** When each part was over (ms from the start). */
  doneAtMs: Record<string, number>;
};

/** Floods the backend at `url` as the user of `token`. */
export async function flood(url: string, token: string): Promise<FloodReport> {
  const started = performance.now();
  const doneAtMs: Record<string, number> = {};
  const done = <T>(part: string, promise: Promise<T>) =>
    promise.finally(() => (doneAtMs[part] = Math.round(performance.now() - started)));
  const signedIn = async () => {
    const raw = new RawSyncClient(url);
    await raw.send({
      type: "Connect",
      sessionId: randomUUID(),
      connectionCount: 0,
      lastCloseReason: null,
      clientTs: Date.now(),
    });
    await raw.send({ type: "Authenticate", baseVersion: 0, tokenType: "User", value: token });
    return raw;
  };

  // Thousands of subscriptions, which the abuser's own jobs keep invalidating.
  const subscribers = await Promise.all(Array.from({ length: FLOOD.subscribingSockets }, signedIn));
  await Promise.all(
    subscribers.map((raw) =>
      raw.send({
        type: "ModifyQuerySet",
        baseVersion: 0,
        newVersion: 1,
        modifications: Array.from({ length: FLOOD.subscriptionsPerSocket }, (_, queryId) => ({
          type: "Add",
          queryId,
          udfPath: queryId % 2 ? "generationJobs:getRecentJobs" : "myQuestions:listMyQuestions",
          args: [
            queryId % 2 ? { limit: (queryId % 50) + 1 } : { paginationOpts: { numItems: queryId + 1, cursor: null } },
          ],
        })),
      }),
    ),
  );
  const call = (path: string, args: Record<string, unknown>) =>
    fetch(`${url}/api/mutation`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${token}` },
      body: JSON.stringify({ path, args }),
    });
  const jobs = done(
    "jobs",
    Promise.all(
      [0, 1, 2].map((i) =>
        call("generationJobs:createJob", { prompt: `Abuse topic ${i}` }).then((r) => r.arrayBuffer()),
      ),
    ),
  );

  // Oversized frames (closed at their header), and frames just under the limit naming a huge function.
  const hugeName = `${FLOOD.marker}${"x".repeat(MAX_FRAME_BYTES - 1024)}`;
  const oversized = done(
    "frames",
    Promise.all([
      ...Array.from({ length: FLOOD.oversizedSockets }, () => sendOnce(url, "x".repeat(MAX_FRAME_BYTES + 1024))),
      ...Array.from({ length: FLOOD.hugeNameFrames }, () =>
        sendOnce(url, JSON.stringify({ type: "Mutation", requestId: 0, udfPath: hugeName, args: [{}] })),
      ),
    ]),
  );

  // A burst of refused calls: over HTTP in parallel, and over one socket.
  const refusedHttp: Record<string, number> = {};
  const http = done(
    "http",
    Promise.all(
      Array.from({ length: FLOOD.refusedHttpCalls }, (_, i) =>
        call(`${FLOOD.marker}${i}:missing`, {}).then(
          async (response) => {
            await response.arrayBuffer();
            refusedHttp[response.status] = (refusedHttp[response.status] ?? 0) + 1;
          },
          () => (refusedHttp.failed = (refusedHttp.failed ?? 0) + 1),
        ),
      ),
    ),
  );
  const caller = await signedIn();
  for (let requestId = 0; requestId < FLOOD.refusedWsCalls; requestId++) {
    await caller.send({ type: "Mutation", requestId, udfPath: `${FLOOD.marker}:missing${requestId}`, args: [{}] });
  }
  let refusedWs = 0;
  await done(
    "ws",
    caller.next((m) => m.type === "MutationResponse" && m.success === false && ++refusedWs === FLOOD.refusedWsCalls, {
      from: 0,
      timeoutMs: 30_000,
    }),
  );
  caller.close();

  // A name no function can have is a protocol violation: the first one ends the socket, the rest is never read.
  const namer = await signedIn();
  const longName = `${FLOOD.marker}${"y".repeat(2 * 1024 * 1024)}`;
  for (let requestId = 0; requestId < FLOOD.longNameFrames; requestId++)
    await namer.send({ type: "Mutation", requestId, udfPath: longName, args: [{}] });
  const fatal = await done(
    "longNames",
    namer.next((m) => m.type === "FatalError", { timeoutMs: 30_000 }),
  );
  await namer.closed;

  const [oversizedCloseCodes] = await Promise.all([oversized, http, jobs]);
  const subscriptions = [];
  for (const raw of subscribers) {
    const served = await raw.next((m) => m.type === "Transition" && (m.modifications as unknown[]).length > 0, {
      from: 0,
      timeoutMs: 30_000,
    });
    const results = served.modifications as Array<{ type: string; errorMessage?: string }>;
    const refused = results.filter((m) => m.type === "QueryFailed");
    subscriptions.push({ results: results.length, refused: refused.length, refusal: refused[0]?.errorMessage ?? "" });
    raw.close();
  }
  doneAtMs.subscriptions = Math.round(performance.now() - started);
  return { oversizedCloseCodes, refusedHttp, refusedWs, longNameError: fatal.error as string, subscriptions, doneAtMs };
}

/** Opens a socket, sends `frame`; resolves with the close code (-1 if the socket failed first). */
function sendOnce(url: string, frame: string): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${url.replace(/^http/, "ws")}/api/1.48.0/sync`);
    ws.once("open", () => ws.send(frame, () => {}));
    ws.once("close", (code) => resolve(code));
    ws.once("error", () => resolve(-1));
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const report = await flood(process.env.ABUSER_URL!, process.env.ABUSER_TOKEN!);
  console.log(JSON.stringify(report));
  process.exit(0);
}
