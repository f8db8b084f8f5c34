/**
 * The abusive client of `flood.test.ts`, run in a process of its own (so the
 * bystander's timings measure the backend, not this traffic's generation):
 *
 *   ABUSER_URL=<backend url> ABUSER_TOKENS='{"abuser":…,"pages":…,"hoarder":…,"sessions":…}' node --import tsx local-convex/test/abuser.ts
 *
 * Does everything in `FLOOD` at once, as three users (`FloodTokens`) and
 * signed out, and prints one JSON line: what the backend answered (`FloodReport`).
 */
import { randomUUID } from "node:crypto";
import { connect } from "node:net";
import { fileURLToPath } from "node:url";
import WebSocket from "ws";
import { IDENTIFY_WITHIN_MS, MAX_FRAME_BYTES, MAX_SOCKETS_PER_CLIENT } from "../limits";
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
  /** Sockets of one user (`pages`) each subscribing `bigPageCopies` copies of its ~550 kB page (the test seeds it), then never reading, while its jobs change the page. */
  bigPageSockets: 40,
  bigPageCopies: 100,
  /** Sockets of one user (`hoarder`), past its `MAX_SOCKETS_PER_CLIENT`. */
  hoardedSockets: 100,
  /** Sockets that never send anything (never sign in), past the cap of their address. */
  idleSockets: 150,
  /** Sessions of one user (`sessions`), each sending `mutationsPerSession` mutations (each a transaction, refused by the app). */
  sessions: 50,
  mutationsPerSession: 100,
  /** HTTP requests signed out whose headers, or body, trickle in (slowloris); half of each. */
  slowRequests: 100,
  /** HTTP requests with the abuser's token and something after it (`Bearer <token> <n>`). */
  headerVariants: 500,
};

/** The users the abuser floods as. */
export type FloodTokens = { abuser: string; pages: string; hoarder: string; sessions: string };

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
  /** The hoarder's sockets closed by the backend, by close code and reason. */
  hoardedClosed: Record<string, number>;
  /** Idle sockets closed by the backend (by close code) while the flood lasted. */
  idleClosed: Record<string, number>;
  /** A signed-out query while the slow requests were held: its HTTP status, each time. */
  slowProbes: number[];
  /** The header variants' HTTP statuses, counted, and one 401's message. */
  variants: Record<string, number>;
  variantMessage: string;
  /** The sessions' mutations answered. */
  sessionAnswers: number;
};

/** Floods the backend at `url` as the users of `tokens`. */
export async function flood(url: string, tokens: FloodTokens): Promise<FloodReport> {
  const token = tokens.abuser;
  const started = performance.now();
  const doneAtMs: Record<string, number> = {};
  const done = <T>(part: string, promise: Promise<T>) =>
    promise.finally(() => (doneAtMs[part] = Math.round(performance.now() - started)));
  const signedIn = async (as = token) => {
    const raw = new RawSyncClient(url);
    await raw.send({
      type: "Connect",
      sessionId: randomUUID(),
      connectionCount: 0,
      lastCloseReason: null,
      clientTs: Date.now(),
    });
    await raw.send({ type: "Authenticate", baseVersion: 0, tokenType: "User", value: as });
    return raw;
  };
  const call = (path: string, args: Record<string, unknown>, as = token) =>
    fetch(`${url}/api/mutation`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${as}` },
      body: JSON.stringify({ path, args }),
    });
  const jobs = done(
    "jobs",
    Promise.all(
      [0, 1, 2].map((i) =>
        call("generationJobs:createJob", { prompt: `Abuse topic ${i}` }).then(
          (r) => r.arrayBuffer(),
          () => null, // its connection may time out: the jobs only keep the subscriptions busy
        ),
      ),
    ),
  );
  const everything: Array<{ close(): void }> = [];

  // One user's big page on many sockets, many copies each, never read, changed by its jobs.
  const bigPages = done(
    "bigPages",
    Promise.all([
      ...[0, 1, 2].map((i) =>
        call("generationJobs:createJob", { prompt: `Page topic ${i}` }, tokens.pages).then(
          (r) => r.arrayBuffer(),
          () => null,
        ),
      ),
      ...Array.from({ length: FLOOD.bigPageSockets }, async () => {
        const raw = await signedIn(tokens.pages);
        everything.push(raw);
        await raw.send({
          type: "ModifyQuerySet",
          baseVersion: 0,
          newVersion: 1,
          modifications: Array.from({ length: FLOOD.bigPageCopies }, (_, queryId) => ({
            type: "Add",
            queryId,
            udfPath: "myQuestions:listMyQuestions",
            args: [{ paginationOpts: { numItems: 100, cursor: null } }],
          })),
        });
        raw.stopReading();
      }),
    ]),
  );

  // One user's sockets past its cap; sockets that never send anything.
  const hoardedClosed: Record<string, number> = {};
  const hoarded = done(
    "hoarded",
    Promise.all(
      Array.from({ length: FLOOD.hoardedSockets }, async () => {
        const raw = await signedIn(tokens.hoarder);
        everything.push(raw);
        void raw.closed.then(({ code, reason }) => {
          const key = `${code} ${reason}`;
          hoardedClosed[key] = (hoardedClosed[key] ?? 0) + 1;
        });
      }),
    ),
  );
  // Sockets that never send anything (opened once the others are in): identified as their address after a while, past its cap.
  const idleClosed: Record<string, number> = {};
  let idleClosures = 0;
  const idle = done(
    "idle",
    hoarded.then(
      () =>
        new Promise<void>((resolve) => {
          const deadline = setTimeout(resolve, 2 * IDENTIFY_WITHIN_MS);
          for (let i = 0; i < FLOOD.idleSockets; i++) {
            const ws = new WebSocket(`${url.replace(/^http/, "ws")}/api/1.48.0/sync`);
            ws.on("error", () => {});
            ws.once("close", (code) => {
              idleClosed[code] = (idleClosed[code] ?? 0) + 1;
              if (++idleClosures < FLOOD.idleSockets - MAX_SOCKETS_PER_CLIENT) return;
              clearTimeout(deadline);
              resolve();
            });
            everything.push({ close: () => ws.terminate() });
          }
        }),
    ),
  );

  // Many sessions of one user, each with a stream of mutations (refused by the app, each a transaction).
  let sessionAnswers = 0;
  const sessions = done(
    "sessions",
    Promise.all(
      Array.from({ length: FLOOD.sessions }, async () => {
        const raw = await signedIn(tokens.sessions);
        everything.push(raw);
        for (let requestId = 0; requestId < FLOOD.mutationsPerSession;) {
          const from = raw.received.length;
          const batch = Math.min(50, FLOOD.mutationsPerSession - requestId);
          for (let i = 0; i < batch; i++, requestId++)
            await raw.send({
              type: "Mutation",
              requestId,
              udfPath: "review:recordReview",
              args: [{ questionId: `nothing-${requestId}`, rating: "good" }],
            });
          let answered = 0;
          await raw.next((m) => m.type === "MutationResponse" && ++answered === batch, { from, timeoutMs: 60_000 });
          sessionAnswers += batch;
        }
      }),
    ),
  );

  // Slowloris: signed-out requests whose headers, or body, trickle in; meanwhile a signed-out query must be served.
  const slow = Array.from({ length: FLOOD.slowRequests }, (_, i) => trickle(url, i % 2 === 0 ? "headers" : "body"));
  everything.push(...slow);
  const slowProbes: number[] = [];
  const probes = done(
    "slowloris",
    (async () => {
      for (let probe = 0; probe < 5; probe++) {
        await new Promise((resolve) => setTimeout(resolve, 500));
        // A connection the pool reuses just as the server closes it is tried again (the client's race, not a refusal).
        for (let attempt = 0; ; attempt++) {
          try {
            const response = await fetch(`${url}/api/query`, {
              method: "POST",
              headers: { "Content-Type": "application/json" },
              body: JSON.stringify({ path: "generationJobs:getRecentJobs", args: {} }),
            });
            await response.arrayBuffer();
            slowProbes.push(response.status);
            break;
          } catch (error) {
            if (attempt === 2) throw error;
          }
        }
      }
    })(),
  );

  // The token with something after it: every variant is refused, none is a client of its own.
  const variants: Record<string, number> = {};
  let variantMessage = "";
  const headerVariants = done(
    "variants",
    Promise.all(
      Array.from({ length: FLOOD.headerVariants }, (_, i) =>
        fetch(`${url}/api/query`, {
          method: "POST",
          headers: { "Content-Type": "application/json", Authorization: `Bearer ${token} ${i}` },
          body: JSON.stringify({ path: "generationJobs:getRecentJobs", args: {} }),
        }).then(
          async (response) => {
            const body = (await response.json()) as { message?: string };
            if (response.status === 401) variantMessage = body.message ?? "";
            variants[response.status] = (variants[response.status] ?? 0) + 1;
          },
          () => (variants.failed = (variants.failed ?? 0) + 1),
        ),
      ),
    ),
  );

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
          udfPath: "generationJobs:getRecentJobs",
          args: [{ limit: (queryId % 50) + 1 }],
        })),
      }),
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

  const [oversizedCloseCodes] = await Promise.all([
    oversized,
    http,
    jobs,
    bigPages,
    hoarded,
    idle,
    sessions,
    probes,
    headerVariants,
  ]);
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
  for (const connection of everything) connection.close();
  return {
    oversizedCloseCodes,
    refusedHttp,
    refusedWs,
    longNameError: fatal.error as string,
    subscriptions,
    doneAtMs,
    hoardedClosed,
    idleClosed,
    slowProbes,
    variants,
    variantMessage,
    sessionAnswers,
  };
}

/** A signed-out HTTP request whose headers, or whose body, trickle in a byte every 200 ms until closed. */
function trickle(url: string, part: "headers" | "body"): { close(): void } {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  socket.on("error", () => {});
  const head = "POST /api/query HTTP/1.1\r\nHost: local\r\nContent-Type: application/json\r\nContent-Length: 10000\r\n";
  socket.write(part === "headers" ? `${head}X-Slow: ` : `${head}\r\n{"path":`);
  const timer = setInterval(() => socket.write(part === "headers" ? "x" : " "), 200);
  socket.once("close", () => clearInterval(timer));
  return { close: () => socket.destroy() };
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
  const report = await flood(process.env.ABUSER_URL!, JSON.parse(process.env.ABUSER_TOKENS!) as FloodTokens);
  console.log(JSON.stringify(report));
  process.exit(0);
}
