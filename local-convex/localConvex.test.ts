/**
 * local-convex with the official clients (`ConvexClient`, `ConvexHttpClient`,
 * `ConvexReactClient`) and a raw protocol client, running the app's real
 * functions, offline. Each backend is a child process on a free port
 * (`startLocalConvex`); tokens come from a small in-test issuer.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { ConvexClient, ConvexHttpClient } from "convex/browser";
import { ConvexReactClient } from "convex/react";
import { getFunctionName, makeFunctionReference } from "convex/server";
import { ConvexError } from "convex/values";
import WebSocket from "ws";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { api } from "../convex/_generated/api";
import type { Id } from "../convex/_generated/dataModel";
import { startLocalConvex, type LocalConvexProcess } from "./index";
import {
  MAX_HTTP_REQUESTS_PER_CLIENT,
  MAX_QUERIES_PER_SOCKET,
  MAX_RESULT_BYTES_PER_CLIENT,
  MAX_RESULT_BYTES_PER_SOCKET,
  MAX_SOCKETS_PER_CLIENT,
  MAX_UNIDENTIFIED_SOCKETS_PER_ADDRESS,
  SIGN_IN_GRACE_MS,
} from "./limits";
import { readStoredData } from "./storage/recovery";
import { decodeU64 } from "./sync/protocol";
import { startTestIssuer, type TestIssuer } from "./test/issuer";
import { seedBigPage } from "./test/seed";
import { RawSyncClient, type Message } from "./test/rawClient";

let issuer: TestIssuer;
let backend: LocalConvexProcess;
const clients: Array<{ close(): unknown }> = [];

beforeAll(async () => {
  issuer = await startTestIssuer();
  backend = await startLocalConvex({
    env: { LOCAL_AUTH_ISSUER: issuer.issuer, ENABLE_SAMPLE_MODEL: "1", SAMPLE_MODEL_CHUNK_DELAY_MS: "2" },
    pingAfterMs: 150,
  });
}, 30_000);

afterAll(async () => {
  await Promise.all(clients.map((c) => c.close()));
  await backend?.close();
  await issuer?.close();
});

/** A ConvexClient signed in as `user` (a fresh user per test keeps rate limits apart). */
function clientAs(user: string | null): ConvexClient {
  const client = new ConvexClient(backend.url);
  if (user) client.setAuth(() => issuer.token(user));
  clients.push(client);
  return client;
}

/** Resolves with the first result of `query` that satisfies `done`. */
function until<T>(
  client: ConvexClient,
  query: Parameters<ConvexClient["onUpdate"]>[0],
  args: Record<string, unknown>,
  done: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting on ${getFunctionName(query)}`)), timeoutMs);
    const unsubscribe = client.onUpdate(query, args, (value: T) => {
      if (!done(value)) return;
      clearTimeout(timer);
      queueMicrotask(() => unsubscribe());
      resolve(value);
    });
  });
}

/** The data file's layout, as far as these tests read it. */
type DataFile = {
  components: Record<
    string,
    { nextDocId: number; tables: Record<string, Array<{ _id: string; [field: string]: unknown }>> }
  >;
};

type PublicJob = {
  _id: Id<"generationJobs">;
  status: string;
  questionsSaved: number;
  lastProgressAt: number;
  errorCode?: string;
};

describe("ConvexClient", () => {
  test("a subscription sees a mutation's write, and the mutation resolves only once it is visible", async () => {
    const client = clientAs("alice");
    const updates: PublicJob[][] = [];
    client.onUpdate(api.generationJobs.getRecentJobs, {}, (jobs) => void updates.push(jobs as PublicJob[]));
    await until(client, api.generationJobs.getRecentJobs, {}, () => true);

    const jobId = await client.mutation(api.generationJobs.createJob, { prompt: "NATO alphabet" });
    // When the promise resolves, the subscribed query already reflects the write.
    const local = client.client.localQueryResult("generationJobs:getRecentJobs", {}) as PublicJob[];
    expect(local.map((j) => j._id)).toContain(jobId);
    expect(updates[0]).toEqual([]);
    expect(updates.at(-1)!.map((j) => j._id)).toEqual([jobId]);
  });

  test("errors reach the client with their message and ConvexError data", async () => {
    const client = clientAs("alice-errors");
    const error = await client.mutation(api.generationJobs.createJob, { prompt: "ab" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConvexError);
    expect((error as ConvexError<{ code: string }>).data).toMatchObject({ code: "INVALID_PROMPT" });
    expect((error as Error).message).toContain("Uncaught ConvexError");

    const signedOut = clientAs(null);
    const unauthenticated = await signedOut
      .mutation(api.generationJobs.createJob, { prompt: "React hooks" })
      .catch((e: unknown) => e);
    expect((unauthenticated as ConvexError<{ code: string }>).data).toMatchObject({ code: "UNAUTHENTICATED" });
  });

  test("a scheduled action's progress arrives as live updates, each within 100 ms of its write", async () => {
    const client = clientAs("frank");
    const jobId = await client.mutation(api.generationJobs.createJob, { prompt: "NATO alphabet" });
    const seen: Array<{ job: PublicJob; latencyMs: number }> = [];
    const done = new Promise<void>((resolve) => {
      client.onUpdate(api.generationJobs.getJobById, { jobId }, (job) => {
        if (!job) return;
        // lastProgressAt is set (Date.now()) inside the mutation that wrote this state.
        seen.push({ job, latencyMs: Date.now() - job.lastProgressAt });
        if (job.status === "completed") resolve();
      });
    });
    await done;

    const statuses = [...new Set(seen.map((s) => s.job.status))];
    expect(statuses).toEqual(expect.arrayContaining(["processing", "completed"]));
    const savedCounts = seen.map((s) => s.job.questionsSaved);
    expect(savedCounts).toEqual([...savedCounts].sort((a, b) => a - b));
    const final = savedCounts.at(-1)!;
    expect(savedCounts.some((n) => n > 0 && n < final)).toBe(true); // questions arrived while the job ran
    const latencies = seen.map((s) => s.latencyMs).sort((a, b) => a - b);
    console.log(
      `progress updates: ${seen.length}, latency median ${latencies[latencies.length >> 1]} ms, max ${latencies.at(-1)} ms`,
    );
    expect(latencies[latencies.length >> 1]).toBeLessThan(100);
    expect(latencies.at(-1)).toBeLessThan(1000);
  });
});

describe("paginated subscriptions", () => {
  test("keep their page boundary (journal): new items at the top make the page grow", async () => {
    const client = clientAs("pat");
    const finish = async (prompt: string) => {
      const jobId = await client.mutation(api.generationJobs.createJob, { prompt });
      return (await until<PublicJob | null>(
        client,
        api.generationJobs.getJobById,
        { jobId },
        (job) => job?.status === "completed",
      ))!;
    };
    await finish("NATO alphabet");
    const args = { paginationOpts: { numItems: 3, cursor: null } };
    type Page = { page: Array<{ question: string }>; isDone: boolean };
    const first = await until<Page>(client, api.myQuestions.listMyQuestions, args, (p) => p.page.length > 0);
    expect(first.page).toHaveLength(3);

    const pages: Page[] = [];
    client.onUpdate(api.myQuestions.listMyQuestions, args, (page) => void pages.push(page));
    const second = await finish("React hooks"); // its questions are newer: they sort before the page's end
    const grown = pages.at(-1)!;
    expect(second.questionsSaved).toBeGreaterThan(0);
    expect(grown.page.length).toBe(3 + second.questionsSaved);
    expect(grown.page.slice(-3).map((q) => q.question)).toEqual(first.page.map((q) => q.question));
    expect(grown.isDone).toBe(false);
  });
});

describe("ConvexHttpClient", () => {
  test("queries, mutations and errors with ConvexError data", async () => {
    const http = new ConvexHttpClient(backend.url);
    http.setAuth(await issuer.token("bob"));
    const error = await http.mutation(api.generationJobs.createJob, { prompt: "ab" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConvexError);
    expect((error as ConvexError<{ code: string }>).data).toMatchObject({ code: "INVALID_PROMPT" });

    const jobId = await http.mutation(api.generationJobs.createJob, { prompt: "React hooks" });
    expect(await http.query(api.generationJobs.getJobById, { jobId })).toMatchObject({
      _id: jobId,
      prompt: "React hooks",
    });
    const other = new ConvexHttpClient(backend.url);
    other.setAuth(await issuer.token("not-bob"));
    expect(await other.query(api.generationJobs.getJobById, { jobId })).toBeNull();
    expect(await http.query(api.generationJobs.getModelInfo, {})).toEqual({
      kind: "sample",
      name: "offline sample model",
    });
  });

  test("refuses bad tokens with a 401 the client throws", async () => {
    const forged = new ConvexHttpClient(backend.url);
    forged.setAuth(await issuer.forgedToken("mallory"));
    await expect(forged.query(api.generationJobs.getRecentJobs, {})).rejects.toThrow(/signature verification failed/);
    const expired = new ConvexHttpClient(backend.url);
    expired.setAuth(await issuer.token("mallory", { expiresIn: Math.floor(Date.now() / 1000) - 60 }));
    await expect(expired.query(api.generationJobs.getRecentJobs, {})).rejects.toThrow(/Token expired/);
    const wrongAudience = new ConvexHttpClient(backend.url);
    wrongAudience.setAuth(await issuer.token("mallory", { audience: "someone-else" }));
    await expect(wrongAudience.query(api.generationJobs.getRecentJobs, {})).rejects.toThrow(/No auth provider found/);
  });

  test("/api/run and CORS preflight", async () => {
    const run = await fetch(`${backend.url}/api/run/generationJobs/getModelInfo`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ args: {} }),
    });
    expect(await run.json()).toEqual({ status: "success", value: { kind: "sample", name: "offline sample model" } });

    const preflight = await fetch(`${backend.url}/api/mutation`, {
      method: "OPTIONS",
      headers: {
        Origin: "http://localhost:3000",
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type,authorization,convex-client",
      },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get("access-control-allow-origin")).toBe("http://localhost:3000");
    expect(preflight.headers.get("access-control-allow-headers")).toContain("authorization");
  });
});

describe("origins", () => {
  /** The HTTP status of a WebSocket upgrade from a page at `origin` (101: accepted). */
  function upgradeStatus(origin: string): Promise<number> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`${backend.url.replace(/^http/, "ws")}/api/1.48.0/sync`, { origin });
      ws.once("open", () => {
        ws.close();
        resolve(101);
      });
      ws.once("unexpected-response", (_request, response) => {
        resolve(response.statusCode ?? 0);
        ws.terminate();
      });
      ws.once("error", reject);
    });
  }

  test("a page from a foreign origin can neither open a socket nor call the HTTP API; loopback pages can", async () => {
    expect(await upgradeStatus("https://evil.example")).toBe(403);
    expect(await upgradeStatus("http://localhost.evil.example:3000")).toBe(403);
    expect(await upgradeStatus("http://localhost:3000")).toBe(101);
    expect(await upgradeStatus("http://127.0.0.1:4000")).toBe(101);

    const call = (origin: string) =>
      fetch(`${backend.url}/api/query`, {
        method: "POST",
        headers: { Origin: origin, "Content-Type": "application/json" },
        body: JSON.stringify({ path: "aiGeneration:getModelInfo", args: {} }),
      });
    const foreign = await call("https://evil.example");
    expect(foreign.status).toBe(403);
    expect(foreign.headers.get("access-control-allow-origin")).toBeNull();
    const local = await call("http://localhost:3000");
    expect(local.status).toBe(200);
    expect(local.headers.get("access-control-allow-origin")).toBe("http://localhost:3000");
  });
});

describe("ConvexReactClient", () => {
  test("watchQuery and mutation, with auth", async () => {
    const react = new ConvexReactClient(backend.url, {
      webSocketConstructor: WebSocket as unknown as typeof globalThis.WebSocket,
      unsavedChangesWarning: false,
    });
    clients.push(react);
    const authenticated = new Promise<boolean>((resolve) => react.setAuth(() => issuer.token("carol"), resolve));
    const watch = react.watchQuery(api.generationJobs.getRecentJobs, {});
    // The query is subscribed while it has a listener (as while a component using it is mounted).
    let notify = () => {};
    watch.onUpdate(() => notify());
    const changed = () => new Promise<void>((resolve) => (notify = resolve));

    expect(await authenticated).toBe(true);
    while (watch.localQueryResult() === undefined) await changed();
    expect(watch.localQueryResult()).toEqual([]);
    const jobId = await react.mutation(api.generationJobs.createJob, { prompt: "Periodic table" });
    expect(watch.localQueryResult()?.map((j) => j._id)).toEqual([jobId]);
    while (watch.localQueryResult()?.[0]?.status !== "completed") await changed();
  });
});

describe("auth", () => {
  test("the identity reaches the functions; each user sees only their own data", async () => {
    const dave = clientAs("dave");
    const erin = clientAs("erin");
    const jobId = await dave.mutation(api.generationJobs.createJob, { prompt: "Periodic table" });
    expect(await dave.query(api.generationJobs.getJobById, { jobId })).toMatchObject({ _id: jobId });
    expect(await erin.query(api.generationJobs.getJobById, { jobId })).toBeNull();
  });

  test("forged and expired tokens get AuthError, the client falls back to signed out, the server carries on", async () => {
    for (const badToken of [
      await issuer.forgedToken("mallory"),
      await issuer.token("mallory", { expiresIn: Math.floor(Date.now() / 1000) - 60 }),
    ]) {
      const client = new ConvexClient(backend.url);
      clients.push(client);
      const authState = new Promise<boolean>((resolve) => client.setAuth(() => Promise.resolve(badToken), resolve));
      expect(await authState).toBe(false);
      // Signed out, the queries answer as for anyone signed out.
      expect(await client.query(api.generationJobs.getRecentJobs, {})).toEqual([]);
    }
    expect(await clientAs("dave").query(api.generationJobs.getModelInfo, {})).toMatchObject({ kind: "sample" });

    const raw = new RawSyncClient(backend.url);
    await raw.send({
      type: "Connect",
      sessionId: randomUUID(),
      connectionCount: 0,
      lastCloseReason: "InitialConnect",
      clientTs: Date.now(),
    });
    await raw.send({ type: "Authenticate", baseVersion: 0, tokenType: "User", value: "not-a-jwt" });
    expect(await raw.next((m) => m.type === "AuthError")).toMatchObject({ baseVersion: 0, authUpdateAttempted: true });
    expect((await raw.closed).code).toBe(1005); // closed without a status, as the backend does
  });
});

describe("internal functions", () => {
  test("are refused over the WebSocket and HTTP", async () => {
    const client = clientAs("ivan");
    const jobId = await client.mutation(api.generationJobs.createJob, { prompt: "React hooks" });
    const failJob = makeFunctionReference<"mutation">("jobTransitions:failJob");
    const failArgs = { jobId, errorCode: "UNKNOWN", errorMessage: "forged", retryable: false };
    const notFound = /Could not find public function for 'jobTransitions:failJob'/;

    await expect(client.mutation(failJob, failArgs)).rejects.toThrow(notFound);
    await expect(
      client.action(makeFunctionReference<"action">("aiGeneration:processJob"), { jobId, userId: "x" }),
    ).rejects.toThrow(/Could not find public function for 'aiGeneration:processJob'/);
    const http = new ConvexHttpClient(backend.url);
    http.setAuth(await issuer.token("ivan"));
    await expect(http.mutation(failJob, failArgs)).rejects.toThrow(notFound);
    const run = await fetch(`${backend.url}/api/run/generationJobs/recoverStuckJobs`, { method: "POST", body: "{}" });
    expect(await run.json()).toMatchObject({
      status: "error",
      errorMessage: expect.stringMatching(/Could not find public function/) as unknown,
    });

    const job = await client.query(api.generationJobs.getJobById, { jobId });
    expect(job?.errorMessage).toBeUndefined();
  });
});

describe("scale", () => {
  test("50 concurrent subscribed clients each see their own update", async () => {
    const users = Array.from({ length: 50 }, (_, i) => `crowd-${i}`);
    const crowd = users.map((user) => clientAs(user));
    await Promise.all(crowd.map((c) => until(c, api.generationJobs.getRecentJobs, {}, () => true)));

    const started = performance.now();
    const seen = crowd.map((c) =>
      until<PublicJob[]>(c, api.generationJobs.getRecentJobs, {}, (jobs) => jobs.length === 1),
    );
    const ids = await Promise.all(
      crowd.map((c, i) => c.mutation(api.generationJobs.createJob, { prompt: `Topic number ${i}` })),
    );
    const results = await Promise.all(seen);
    console.log(
      `50 clients: all mutations answered and all updates received in ${Math.round(performance.now() - started)} ms`,
    );
    results.forEach((jobs, i) => expect(jobs.map((j) => j._id)).toEqual([ids[i]]));
  }, 30_000);
});

describe("sync protocol", () => {
  async function connect(sessionId: string, connectionCount = 0, user = "judy") {
    const raw = new RawSyncClient(backend.url);
    await raw.send({
      type: "Connect",
      sessionId,
      connectionCount,
      lastCloseReason: connectionCount ? "closed" : "InitialConnect",
      clientTs: Date.now(),
    });
    await raw.send({ type: "Authenticate", baseVersion: 0, tokenType: "User", value: await issuer.token(user) });
    await raw.send({
      type: "ModifyQuerySet",
      baseVersion: 0,
      newVersion: 1,
      modifications: [{ type: "Add", queryId: 0, udfPath: "generationJobs:getRecentJobs", args: [{}] }],
    });
    return raw;
  }

  /** Every Transition starts exactly where the previous one ended. */
  function expectChained(messages: Message[]) {
    let version: unknown = { querySet: 0, identity: 0, ts: "AAAAAAAAAAA=" };
    for (const m of messages.filter((m) => m.type === "Transition")) {
      expect(m.startVersion).toEqual(version);
      version = m.endVersion;
    }
  }

  test("versions chain, a Transition follows each MutationResponse, re-sent mutations run once, idle sockets get Pings", async () => {
    const sessionId = randomUUID();
    const raw = await connect(sessionId);
    // The sign-in and the query set may arrive in one Transition or, on a busy machine, in two that chain.
    const first = await raw.next(
      (m) => m.type === "Transition" && (m.endVersion as { querySet: number }).querySet === 1,
    );
    const opening = raw.received.slice(0, raw.received.indexOf(first) + 1).filter((m) => m.type === "Transition");
    expect(opening[0]).toMatchObject({ startVersion: { querySet: 0, identity: 0, ts: "AAAAAAAAAAA=" } });
    for (const [i, transition] of opening.entries())
      if (i > 0) expect(transition.startVersion).toEqual(opening[i - 1]!.endVersion);
    expect(first).toMatchObject({
      endVersion: { querySet: 1, identity: 1 },
      modifications: [{ type: "QueryUpdated", queryId: 0, value: [], logLines: [], journal: null }],
    });

    await raw.send({
      type: "Mutation",
      requestId: 0,
      udfPath: "generationJobs:createJob",
      args: [{ prompt: "NATO alphabet" }],
    });
    const response = await raw.next((m) => m.type === "MutationResponse");
    expect(response).toMatchObject({ requestId: 0, success: true, logLines: [] });
    const commitTs = decodeU64(response.ts as string);
    const index = raw.received.indexOf(response);
    const after = await raw.next(
      (m) => m.type === "Transition" && decodeU64((m.endVersion as { ts: string }).ts) >= commitTs,
      { from: index + 1 },
    );
    expect(raw.received.indexOf(after)).toBeGreaterThan(index);

    // The client re-sends an unresolved mutation on a new socket: same answer, no second job.
    const again = await connect(sessionId, 1);
    await again.next((m) => m.type === "Transition");
    await again.send({
      type: "Mutation",
      requestId: 0,
      udfPath: "generationJobs:createJob",
      args: [{ prompt: "NATO alphabet" }],
    });
    const replay = await again.next((m) => m.type === "MutationResponse");
    expect(replay).toEqual(response);
    await again.next((m) => m.type === "Transition" && decodeU64((m.endVersion as { ts: string }).ts) >= commitTs, {
      from: again.received.indexOf(replay) + 1,
    });
    const jobs = await again.next((m) => m.type === "Transition" && (m.modifications as unknown[]).length > 0, {
      from: 0,
    });
    expect((jobs.modifications as Array<{ value: unknown[] }>)[0]!.value).toHaveLength(1);

    // Unsubscribe: QueryRemoved.
    await raw.send({
      type: "ModifyQuerySet",
      baseVersion: 1,
      newVersion: 2,
      modifications: [{ type: "Remove", queryId: 0 }],
    });
    await raw.next(
      (m) => m.type === "Transition" && (m.modifications as Message[]).some((x) => x.type === "QueryRemoved"),
    );

    // Idle: a Ping (this backend pings after 150 ms of silence).
    await raw.next((m) => m.type === "Ping", { timeoutMs: 2000 });
    expectChained(raw.received);
    expectChained(again.received);

    // A version that does not follow is a protocol error: FatalError, then the socket closes.
    await raw.send({ type: "ModifyQuerySet", baseVersion: 7, newVersion: 8, modifications: [] });
    expect(await raw.next((m) => m.type === "FatalError")).toMatchObject({
      error: expect.stringMatching(/BaseVersionMismatch/) as unknown,
    });
    await raw.closed;
    again.close();
  });

  test("a mutation re-sent under another identity (a victim's session and request id) is neither answered nor run", async () => {
    const sessionId = randomUUID();
    const create = {
      type: "Mutation",
      requestId: 0,
      udfPath: "generationJobs:createJob",
      args: [{ prompt: "Secret" }],
    };
    const victim = await connect(sessionId, 0, "victim");
    await victim.send(create);
    expect(await victim.next((m) => m.type === "MutationResponse")).toMatchObject({ success: true });
    victim.close();

    const intruder = await connect(sessionId, 1, "intruder");
    await intruder.send(create);
    expect(await intruder.next((m) => m.type === "MutationResponse")).toMatchObject({
      success: false,
      result: expect.stringMatching(
        /^RequestMadeByAnotherIdentity: request 0 of this session was made by another identity/,
      ) as unknown,
    });
    const jobs = await intruder.next((m) => m.type === "Transition" && (m.modifications as unknown[]).length > 0, {
      from: 0,
    });
    expect((jobs.modifications as Array<{ value: unknown[] }>)[0]!.value).toEqual([]);
    intruder.close();
  });
});

describe("limits per client", () => {
  /** A raw client of `user` (signed out: null), connected and signed in. */
  async function rawAs(user: string | null, url = backend.url): Promise<RawSyncClient> {
    const raw = new RawSyncClient(url);
    clients.push(raw);
    await raw.send({ type: "Connect", sessionId: randomUUID(), connectionCount: 0, lastCloseReason: null });
    if (user)
      await raw.send({ type: "Authenticate", baseVersion: 0, tokenType: "User", value: await issuer.token(user) });
    return raw;
  }
  /** The first `count` closes of `sockets` (code and reason), waiting at most 15 s for them (a busy machine). */
  async function firstCloses(
    sockets: Array<Promise<{ code: number; reason: string }>>,
    count: number,
  ): Promise<Array<{ code: number; reason: string }>> {
    const closes: Array<{ code: number; reason: string }> = [];
    await new Promise<void>((resolve) => {
      setTimeout(resolve, 15_000);
      for (const closed of sockets) void closed.then((close) => closes.push(close) >= count && resolve());
    });
    return closes;
  }

  test("sockets: one client past MAX_SOCKETS_PER_CLIENT is closed (1013), another's are not; idle sockets give way to new ones, after a grace", async () => {
    const hoarder = await Promise.all(Array.from({ length: MAX_SOCKETS_PER_CLIENT + 6 }, () => rawAs("hoarder")));
    const refused = await firstCloses(
      hoarder.map((raw) => raw.closed),
      6,
    );
    expect(refused).toEqual(
      Array.from({ length: 6 }, () => ({
        code: 1013,
        reason: `TooManySockets: this client already has ${MAX_SOCKETS_PER_CLIENT} open connections`,
      })),
    );
    // Another client, meanwhile: served.
    expect(await clientAs("not-a-hoarder").query(api.generationJobs.getRecentJobs, {})).toEqual([]);

    // Sockets that never sign in or send anything: at MAX_UNIDENTIFIED_SOCKETS_PER_ADDRESS, a new one is let in
    // only once the oldest has had SIGN_IN_GRACE_MS to sign in, and that one is closed.
    const open = (): Promise<{ ws: WebSocket; closed: Promise<{ code: number; reason: string }> } | number> =>
      new Promise((resolve) => {
        const ws = new WebSocket(`${backend.url.replace(/^http/, "ws")}/api/1.48.0/sync`);
        clients.push({ close: () => ws.terminate() });
        const closed = new Promise<{ code: number; reason: string }>((done) =>
          ws.once("close", (code, reason) => done({ code, reason: reason.toString() })),
        );
        ws.once("open", () => resolve({ ws, closed }));
        ws.once("unexpected-response", (_request, response) => resolve(response.statusCode ?? 0));
        ws.once("error", () => {});
      });
    const openingFrom = Date.now();
    const idle = await Promise.all(Array.from({ length: MAX_UNIDENTIFIED_SOCKETS_PER_ADDRESS }, open));
    expect(idle.every((socket) => typeof socket !== "number")).toBe(true);
    const extra = await open();
    // While all of them are younger than SIGN_IN_GRACE_MS, refused; on a machine so slow that opening them took
    // longer, the oldest has had its grace and the new one is let in (what the rest of the test checks).
    if (Date.now() - openingFrom < SIGN_IN_GRACE_MS) expect(extra).toBe(503);
    else expect(typeof extra).not.toBe("number");
    let late: Awaited<ReturnType<typeof open>> = 503;
    for (const deadline = Date.now() + SIGN_IN_GRACE_MS + 5000; late === 503 && Date.now() < deadline;)
      late = await new Promise((resolve) => setTimeout(() => void open().then(resolve), 100));
    expect(typeof late).not.toBe("number");
    const oldest = idle[0] as { closed: Promise<{ code: number; reason: string }> };
    expect(await oldest.closed).toEqual({
      code: 1013,
      reason: "TooManySockets: too many connections from this address have not signed in",
    });
    for (const raw of hoarder) raw.close();
  }, 40_000);

  test("query results: a socket holds at most MAX_RESULT_BYTES_PER_SOCKET, a client its share; past them, TooMuchData on that socket only", async () => {
    const user = "bulky";
    const client = clientAs(user);
    await Promise.all(
      ["Planets", "Rivers", "Mountains"].map((prompt) => client.mutation(api.generationJobs.createJob, { prompt })),
    );
    await until<PublicJob[]>(client, api.generationJobs.getRecentJobs, {}, (jobs) =>
      jobs.every((j) => j.status === "completed"),
    );
    const copies = (raw: RawSyncClient, count: number) =>
      raw.send({
        type: "ModifyQuerySet",
        baseVersion: 0,
        newVersion: 1,
        modifications: Array.from({ length: count }, (_, queryId) => ({
          type: "Add",
          queryId,
          udfPath: "myQuestions:listMyQuestions",
          args: [{ paginationOpts: { numItems: 100, cursor: null } }],
        })),
      });
    const served = async (raw: RawSyncClient) => {
      const transition = await raw.next((m) => m.type === "Transition" && (m.modifications as unknown[]).length > 0, {
        from: 0,
      });
      const modifications = transition.modifications as Array<{ type: string; errorMessage?: string }>;
      const updated = modifications.filter((m) => m.type === "QueryUpdated");
      return {
        size: Buffer.byteLength(JSON.stringify(transition)),
        results: updated.length,
        resultBytes: Buffer.byteLength(JSON.stringify(updated)),
        refusals: modifications.filter((m) => m.type === "QueryFailed").map((m) => m.errorMessage!),
      };
    };
    // One socket, a thousand copies of a ~30 kB result: about 8 MiB of them are served, the rest refused.
    const first = await rawAs(user);
    await copies(first, MAX_QUERIES_PER_SOCKET);
    const one = await served(first);
    expect(one.size).toBeLessThanOrEqual(MAX_RESULT_BYTES_PER_SOCKET + MAX_QUERIES_PER_SOCKET * 256); // results, refusals
    // Most of the socket's share is used (however large one result is: it grows with what a question stores).
    expect(one.resultBytes).toBeGreaterThan(MAX_RESULT_BYTES_PER_SOCKET / 2);
    expect(one.refusals.length).toBe(MAX_QUERIES_PER_SOCKET - one.results);
    expect(one.refusals[0]).toMatch(
      /^TooMuchData: this query's result \(\d+ kB\) would take the results this connection holds past 8\.0 MiB\./,
    );
    // More sockets of the same client, each within its own share: past the client's, refusals name the client.
    const more = await Promise.all(Array.from({ length: 4 }, () => rawAs(user)));
    await Promise.all(more.map((raw) => copies(raw, one.results)));
    const others = await Promise.all(more.map(served));
    expect(others.reduce((sum, s) => sum + s.results, one.results) * (one.size / one.results)).toBeLessThanOrEqual(
      MAX_RESULT_BYTES_PER_CLIENT * 1.05,
    );
    expect(others.flatMap((s) => s.refusals)[0]).toMatch(/this client's connections hold past/);
    // Another client's same query on a socket of its own: served whole.
    const neighbour = await rawAs("bulky-neighbour");
    await copies(neighbour, 10);
    expect((await served(neighbour)).refusals).toEqual([]);
    for (const raw of [first, ...more]) raw.close();
  }, 30_000);

  test("memory: past the ceiling, the client holding the most is disconnected (1013), one holding little is not", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "local-convex-memory-"));
    const dataFile = path.join(dir, "data.json");
    seedBigPage(dataFile, `${issuer.issuer}|heavy`);
    // A ceiling the backend's own baseline is already past: only what clients hold decides who goes.
    const small = await startLocalConvex({ dataFile, env: { LOCAL_AUTH_ISSUER: issuer.issuer }, maxMemoryMb: 64 });
    const subscribe = (raw: RawSyncClient, udfPath: string, args: unknown, copies = 1) =>
      raw.send({
        type: "ModifyQuerySet",
        baseVersion: 0,
        newVersion: 1,
        modifications: Array.from({ length: copies }, (_, queryId) => ({
          type: "Add",
          queryId,
          udfPath,
          args: [args],
        })),
      });
    const light = await rawAs("light", small.url);
    await subscribe(light, "generationJobs:getRecentJobs", {});
    await light.next((m) => m.type === "Transition");
    const heavy = await rawAs("heavy", small.url);
    await subscribe(heavy, "myQuestions:listMyQuestions", { paginationOpts: { numItems: 100, cursor: null } }, 10);
    expect(await heavy.closed).toEqual({
      code: 1013,
      reason: "OverMemoryLimit: the backend is near its memory ceiling",
    });
    expect(small.output.join("\n")).toMatch(
      /Memory at \d+ MB of the 64 MB ceiling: closing the connections of the client holding the most/,
    );
    await light.send({
      type: "ModifyQuerySet",
      baseVersion: 1,
      newVersion: 2,
      modifications: [{ type: "Add", queryId: 1, udfPath: "generationJobs:getRecentJobs", args: [{ limit: 1 }] }],
    });
    expect(
      await light.next((m) => m.type === "Transition" && (m.endVersion as { querySet: number }).querySet === 2),
    ).toBeTruthy();
    light.close();
    expect(await small.close()).toBe(0);
    rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  test("HTTP: anything but one bearer token is refused; a client sending slowly holds nothing of another's", async () => {
    const call = (authorization?: string) =>
      fetch(`${backend.url}/api/query`, {
        method: "POST",
        headers: { "Content-Type": "application/json", ...(authorization ? { Authorization: authorization } : {}) },
        body: JSON.stringify({ path: "generationJobs:getRecentJobs", args: {} }),
      });
    const token = await issuer.token("variant");
    for (const variant of [`Bearer ${token} 1`, `Bearer ${token},x`, `Bearer ${token} Bearer ${token}`]) {
      const response = await call(variant);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({
        code: "Unauthenticated",
        message: "InvalidAuthHeader: Expected `Authorization: Bearer <token>`, one token and nothing after it.",
      });
    }
    expect((await call(`bearer  ${token}`)).status).toBe(200);

    // More requests than MAX_HTTP_REQUESTS_PER_CLIENT, signed out, whose bodies never finish arriving.
    const { port } = new URL(backend.url);
    const slow = await Promise.all(
      Array.from({ length: MAX_HTTP_REQUESTS_PER_CLIENT + 8 }, () => {
        const socket = connect(Number(port), "127.0.0.1");
        return new Promise<typeof socket>((resolve) =>
          socket.once("connect", () => {
            socket.write(
              'POST /api/query HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"pa',
            );
            resolve(socket);
          }),
        );
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 200));
    const anonymous = await call();
    expect(anonymous.status).toBe(200);
    for (const socket of slow) socket.destroy();
  });
});

describe("cli", () => {
  test("a port in use is reported clearly", async () => {
    const blocker = createServer().listen(0, "127.0.0.1");
    await new Promise((resolve) => blocker.once("listening", resolve));
    const port = (blocker.address() as { port: number }).port;
    await expect(startLocalConvex({ port })).rejects.toThrow(new RegExp(`Port ${port} on 127.0.0.1 is already in use`));
    blocker.close();
  });
});

describe("restart", () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(path.join(tmpdir(), "local-convex-"))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("data survives a crash: ids stay valid and the action that was running is failed", async () => {
    const dataFile = path.join(dir, "data.json");
    const env = { LOCAL_AUTH_ISSUER: issuer.issuer };
    const first = await startLocalConvex({ dataFile, env, preload: ["local-convex/test/stallingModel.ts"] });
    // A second backend on the same data file would overwrite it: refused.
    await expect(startLocalConvex({ dataFile })).rejects.toThrow(/Another local-convex \(pid \d+\) is using/);
    let client = new ConvexClient(first.url);
    client.setAuth(() => issuer.token("grace"));
    // The preloaded module set the model the app's functions use: one shared module instance.
    expect(await client.query(api.generationJobs.getModelInfo, {})).toEqual({
      kind: "openai-compatible",
      name: "stalling test model",
    });
    const jobId = await client.mutation(api.generationJobs.createJob, { prompt: "Planets" });
    await until<PublicJob | null>(client, api.generationJobs.getJobById, { jobId }, (job) => job?.questionsSaved === 1);

    // What the client saw is durable: crash at once (the action is still running).
    await client.close();
    await first.kill();

    // A function scheduled for later, as a previous run would leave it, is armed again at
    // startup; one that finished more than a week ago is forgotten, as on Convex. (The data
    // is edited as one snapshot holding everything, journal included.)
    const stored = readStoredData(dataFile) as unknown as DataFile;
    const root = stored.components[""]!;
    const newId = () =>
      `${root.nextDocId++}`.padStart(32 - "_scheduled_functions".length, "0") + "_scheduled_functions";
    const [scheduledId, oldId] = [newId(), newId()];
    const scheduled = { _creationTime: Date.now(), name: "maintenance:cleanup", args: [{}] };
    root.tables._scheduled_functions!.push(
      { ...scheduled, _id: scheduledId, scheduledTime: Date.now() + 50, state: { kind: "pending" } },
      { ...scheduled, _id: oldId, scheduledTime: Date.now() - 8 * 86_400_000, state: { kind: "success" } },
    );
    writeFileSync(dataFile, JSON.stringify(stored));

    // Restarted with the clock 3 minutes on: the sweeper (an interval cron, which runs at
    // startup) finds the job silent and its action failed, and fails it as INTERRUPTED.
    const second = await startLocalConvex({
      dataFile,
      env: { ...env, LOCAL_CONVEX_TEST_CLOCK_OFFSET_MS: String(3 * 60_000) },
      preload: ["local-convex/test/clockOffset.ts"],
      cronSpeed: 600,
    });
    expect(second.output.join("\n")).toMatch(
      /aiGeneration:processJob was running when local-convex stopped: marked failed/,
    );
    client = new ConvexClient(second.url);
    client.setAuth(() => issuer.token("grace"));
    const job = await until<PublicJob | null>(
      client,
      api.generationJobs.getJobById,
      { jobId },
      (j) => j?.status === "failed",
    );
    expect(job).toMatchObject({ errorCode: "INTERRUPTED", retryable: true, questionsSaved: 1 });
    expect(await client.query(api.myQuestions.listJobQuestions, { jobId })).toHaveLength(1);
    // New ids continue after the restored ones.
    const next = await client.mutation(api.generationJobs.createJob, { prompt: "More planets" });
    expect(next).not.toBe(jobId);
    expect(Number(next.match(/^\d+/)![0])).toBeGreaterThan(Number(jobId.match(/^\d+/)![0]));
    await client.close();

    // A graceful stop saves everything.
    expect(await second.close()).toBe(0);
    const final = (readStoredData(dataFile) as unknown as DataFile).components[""]!.tables;
    expect(final.generationJobs!.find((j) => j._id === jobId)?.status).toBe("failed");
    expect(final.generationJobs!.some((j) => j._id === next)).toBe(true);
    expect(final._scheduled_functions!.find((f) => f._id === scheduledId)?.state).toEqual({ kind: "success" });
    expect(final._scheduled_functions!.some((f) => f._id === oldId)).toBe(false);
    expect(second.output.join("\n")).toMatch(/mutation maintenance:cleanup .*scheduled/);
    // --cron-speed 600: the one-minute sweeper ran every 100 ms.
    expect(second.output.filter((line) => line.includes("maintenance:recoverStuckJobs")).length).toBeGreaterThan(1);
  }, 30_000);

  test("a full disk: writes get a coded error, reads go on, and writes are taken again once space is freed, without a restart", async () => {
    const dataFile = path.join(dir, "full.json");
    const full = path.join(dir, "disk-is-full");
    const options = {
      dataFile,
      env: { LOCAL_AUTH_ISSUER: issuer.issuer, LOCAL_CONVEX_TEST_DISK_FULL: full },
      preload: ["local-convex/test/stallingModel.ts", "local-convex/test/diskFull.ts"],
    };
    let backend = await startLocalConvex(options);
    let client = new ConvexClient(backend.url, { logger: false }); // the refusals are expected
    client.setAuth(() => issuer.token("kim"));
    const before = await client.mutation(api.generationJobs.createJob, { prompt: "Before the disk filled" });
    await until<PublicJob | null>(
      client,
      api.generationJobs.getJobById,
      { jobId: before },
      (j) => j?.questionsSaved === 1,
    );

    writeFileSync(full, "");
    const refused = await client
      .mutation(api.generationJobs.createJob, { prompt: "While it is full" })
      .catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(ConvexError);
    expect((refused as ConvexError<{ code: string; message: string }>).data).toEqual({
      code: "StorageUnavailable",
      message: expect.stringMatching(
        /^The backend can't save data \(ENOSPC: no space left on device, write\), so nothing was changed\./,
      ) as unknown,
    });
    const overHttp = await fetch(`${backend.url}/api/mutation`, {
      method: "POST",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${await issuer.token("kim")}` },
      body: JSON.stringify({ path: "generationJobs:createJob", args: { prompt: "Over HTTP" } }),
    });
    expect(overHttp.status).toBe(200);
    expect(await overHttp.json()).toMatchObject({ status: "error", errorData: { code: "StorageUnavailable" } });
    expect(await client.query(api.generationJobs.getRecentJobs, {})).toHaveLength(1); // reads go on; nothing half-written

    rmSync(full); // space freed: within a retry or two, writes are taken again
    let after: Id<"generationJobs"> | null = null;
    for (const deadline = Date.now() + 10_000; after === null && Date.now() < deadline;) {
      after = await client.mutation(api.generationJobs.createJob, { prompt: "After space was freed" }).catch((e) => {
        expect((e as ConvexError<{ code: string }>).data.code).toBe("StorageUnavailable");
        return new Promise<null>((resolve) => setTimeout(() => resolve(null), 100));
      });
    }
    expect(backend.output.join("\n")).toMatch(/Saving to .*full\.json works again/);
    await client.close();

    // What was acknowledged before and after survives a crash.
    await backend.kill();
    backend = await startLocalConvex(options);
    client = new ConvexClient(backend.url);
    client.setAuth(() => issuer.token("kim"));
    const jobs = await client.query(api.generationJobs.getRecentJobs, {});
    expect(jobs.map((job) => job._id).sort()).toEqual([before, after].sort());
    await client.close();
    expect(await backend.close()).toBe(0);
  }, 30_000);
});
