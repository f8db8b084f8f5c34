/**
 * One abusive client cannot starve the others, nor take the memory, the
 * sockets or the turns. While a bystander (the official client, in this
 * process) subscribes, mutates and opens new connections, an abuser on the
 * same machine (`test/abuser.ts`, in a process of its own) floods one
 * backend (on a data file) with, all at once (`FLOOD`):
 *
 * - oversized frames (past `MAX_FRAME_BYTES`) on 12 sockets, and a frame just
 *   under it whose function name is huge;
 * - 5,000 subscriptions on one socket (1,000 are accepted), invalidated
 *   over and over by its own jobs' progress;
 * - a burst of refused calls: 2,000 parallel HTTP mutations and 2,000
 *   WebSocket mutations of a function that does not exist, and 40 frames
 *   naming a 2 MB function (the first one ends that socket);
 * - one user's ~550 kB page (seeded here) subscribed 100 times on each of
 *   40 sockets that never read, while its jobs keep changing the page;
 * - one user with 100 sockets, and 150 sockets that never send anything;
 * - one user with 50 sessions, each sending a stream of mutations;
 * - slowloris: 100 signed-out HTTP requests whose headers or body trickle in;
 * - 500 HTTP requests with its token and something after it.
 *
 * Asserted: the bystander's operations (mutations, each answered and
 * visible in its subscription, new subscriptions' first results, new
 * connections' first results) have a p95 ≤ `P95_LIMIT_MS`, over at least 200
 * of them taken while the flood lasts (on a machine so busy that the same
 * operations without any flood already take more than a fifth of that, the
 * bound is `BASELINE_FACTOR` times their p95 then: starvation means seconds
 * either way), and it sees no error; the backend's memory (VmRSS) stays
 * under its ceiling (`DEFAULT_MAX_MEMORY_BYTES`); what the abuser got is the
 * limits' refusals, and a signed-out query during the slowloris is served;
 * nothing of the refused calls reaches the data file.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { ConvexClient } from "convex/browser";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { api } from "../convex/_generated/api";
import { startLocalConvex, type LocalConvexProcess } from "./index";
import {
  DEFAULT_MAX_MEMORY_BYTES,
  MAX_FUNCTION_NAME_LENGTH,
  MAX_QUERIES_PER_SOCKET,
  MAX_SOCKETS_PER_CLIENT,
} from "./limits";
import { FLOOD, type FloodReport, type FloodTokens } from "./test/abuser";
import { startTestIssuer, type TestIssuer } from "./test/issuer";
import { quantile } from "./test/quantile";
import { seedBigPage } from "./test/seed";

/** The bystander's timed mutations: at least this many, and on until the flood is over (at most `MAX_BYSTANDER_MUTATIONS`)... */
const MIN_BYSTANDER_MUTATIONS = 150;
const MAX_BYSTANDER_MUTATIONS = 2000;
/** ...and one new subscription every `SUBSCRIBE_EVERY` of them, one new connection every `CONNECT_EVERY`. */
const SUBSCRIBE_EVERY = 3;
const CONNECT_EVERY = 10;
/** What the issue asks for. */
const P95_LIMIT_MS = 250;
/** Operations timed before the flood, for the machine's own baseline... */
const BASELINE_OPERATIONS = 60;
/** ...which the flood may slow by at most this factor (when that is above `P95_LIMIT_MS`). */
const BASELINE_FACTOR = 5;

const ABUSER = fileURLToPath(new URL("./test/abuser.ts", import.meta.url));

let issuer: TestIssuer;
let backend: LocalConvexProcess;
let dir: string;
let dataFile: string;
let seededBytes: number;

beforeAll(async () => {
  issuer = await startTestIssuer();
  dir = mkdtempSync(path.join(tmpdir(), "local-convex-flood-"));
  dataFile = path.join(dir, "data.json");
  seedBigPage(dataFile, `${issuer.issuer}|pages`);
  seededBytes = statSync(dataFile).size;
  backend = await startLocalConvex({
    dataFile,
    env: { LOCAL_AUTH_ISSUER: issuer.issuer, ENABLE_SAMPLE_MODEL: "1", SAMPLE_MODEL_CHUNK_DELAY_MS: "2" },
  });
}, 30_000);

afterAll(async () => {
  await backend?.close();
  await issuer?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Samples the backend's resident memory (VmRSS) until stopped; returns the highest seen. */
function watchMemory(pid: number): { stop: () => number } {
  let peak = 0;
  const sample = () => {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      if (match) peak = Math.max(peak, Number(match[1]) * 1024);
    } catch {
      // the process has exited
    }
  };
  sample();
  const timer = setInterval(sample, 20);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

/** Runs the abuser against the backend, in its own process; resolves with its report. */
async function runAbuser(): Promise<FloodReport> {
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
  const tokens: FloodTokens = {
    abuser: await issuer.token("abuser"),
    pages: await issuer.token("pages"),
    hoarder: await issuer.token("hoarder"),
    sessions: await issuer.token("sessions"),
  };
  const child = spawn(process.execPath, ["--import", tsx, ABUSER], {
    env: { ...process.env, ABUSER_URL: backend.url, ABUSER_TOKENS: JSON.stringify(tokens) },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  if (code !== 0) throw new Error(`the abuser failed (${code}):\n${output}`);
  return JSON.parse(output.trim().split("\n").at(-1)!) as FloodReport;
}

describe("flood", () => {
  test("one abusive client (oversized frames, subscriptions, refused calls, unread big pages, sockets, sessions, slowloris, header variants) does not starve a bystander", async () => {
    // The bystander: signed in, with a finished job whose questions it reviews.
    const bystander = new ConvexClient(backend.url);
    bystander.setAuth(() => issuer.token("bystander"));
    const errors: string[] = [];
    const jobId = await bystander.mutation(api.generationJobs.createJob, { prompt: "NATO alphabet" });
    await new Promise<void>((resolve) => {
      const stop = bystander.onUpdate(api.generationJobs.getJobById, { jobId }, (job) => {
        if (job?.status !== "completed") return;
        queueMicrotask(() => stop());
        resolve();
      });
    });
    const questions = await bystander.query(api.myQuestions.listJobQuestions, { jobId });
    bystander.onUpdate(
      api.myQuestions.listMyQuestions,
      { paginationOpts: { numItems: 20, cursor: null } },
      () => {},
      (error) => errors.push(error.message),
    );

    /** One timed review (answered and visible) and, every `SUBSCRIBE_EVERY`-th time, one new subscription's first result; every `CONNECT_EVERY`-th, a new connection's. */
    const operate = async (i: number, mutationMs: number[], subscribeMs: number[], connectMs: number[]) => {
      const started = performance.now();
      try {
        await bystander.mutation(api.review.recordReview, {
          questionId: questions[i % questions.length]!._id,
          rating: "good",
        });
      } catch (error) {
        errors.push((error as Error).message);
      }
      mutationMs.push(performance.now() - started);
      if (i % SUBSCRIBE_EVERY === 0) {
        const subscribed = performance.now();
        await new Promise<void>((resolve) => {
          const stop = bystander.onUpdate(
            api.generationJobs.getRecentJobs,
            { limit: 1 + (i % 50) },
            () => {
              queueMicrotask(() => stop());
              resolve();
            },
            (error) => {
              errors.push(error.message);
              resolve();
            },
          );
        });
        subscribeMs.push(performance.now() - subscribed);
      }
      if (i % CONNECT_EVERY === 0) {
        const connected = performance.now();
        const fresh = new ConvexClient(backend.url);
        fresh.setAuth(() => issuer.token("bystander"));
        try {
          await fresh.query(api.generationJobs.getRecentJobs, { limit: 1 });
        } catch (error) {
          errors.push((error as Error).message);
        }
        connectMs.push(performance.now() - connected);
        await fresh.close();
      }
    };

    const baseline: number[] = [];
    for (let i = 0; i < BASELINE_OPERATIONS; i++) await operate(i, baseline, baseline, baseline);
    const p95Limit = Math.max(P95_LIMIT_MS, BASELINE_FACTOR * quantile(baseline, 0.95));

    const memory = watchMemory(backend.process.pid!);
    const floodStarted = performance.now();
    let floodMs: number | null = null;
    const flooding = runAbuser().finally(() => (floodMs = performance.now() - floodStarted));
    const mutationMs: number[] = [];
    const subscribeMs: number[] = [];
    const connectMs: number[] = [];
    for (let i = 0; i < MAX_BYSTANDER_MUTATIONS && (floodMs === null || i < MIN_BYSTANDER_MUTATIONS); i++) {
      await operate(i, mutationMs, subscribeMs, connectMs);
    }
    const abuse = await flooding;
    const peakBytes = memory.stop();
    await bystander.close();

    const all = [...mutationMs, ...subscribeMs, ...connectMs];
    const stats = (samples: number[]) =>
      `${quantile(samples, 0.5).toFixed(1)}/${quantile(samples, 0.95).toFixed(1)}/${Math.max(...samples).toFixed(0)} ms (${samples.length})`;
    console.log(
      `flood (${((floodMs ?? 0) / 1000).toFixed(1)} s): bystander without a flood ${stats(baseline)}, p95 bound ${p95Limit.toFixed(0)} ms; during it p50/p95/max ${stats(all)}: mutations ${stats(mutationMs)}, new subscriptions ${stats(subscribeMs)}, new connections ${stats(connectMs)}; ` +
        `backend peak RSS ${(peakBytes / 1024 / 1024).toFixed(0)} MB; oversized frames closed with ${[...new Set(abuse.oversizedCloseCodes)].join("/")}; ` +
        `refused HTTP by status ${JSON.stringify(abuse.refusedHttp)}, refused over WS ${abuse.refusedWs}; hoarder's sockets closed ${JSON.stringify(abuse.hoardedClosed)}; ` +
        `idle sockets closed ${JSON.stringify(abuse.idleClosed)}; signed-out queries during the slowloris ${JSON.stringify(abuse.slowProbes)}; ` +
        `header variants ${JSON.stringify(abuse.variants)}; session mutations answered ${abuse.sessionAnswers}; parts over at (ms) ${JSON.stringify(abuse.doneAtMs)}`,
    );
    const warnings = backend.output.filter((line) => /took .* s \(fdatasync\)/.test(line));
    if (warnings.length > 0) console.log(`backend warnings during the flood:\n${warnings.join("\n")}`);
    expect(errors).toEqual([]);
    expect(quantile(all, 0.95)).toBeLessThanOrEqual(p95Limit);
    expect(peakBytes).toBeLessThan(DEFAULT_MAX_MEMORY_BYTES);
    expect(backend.output.join("\n")).not.toMatch(/closing the connections of the client holding the most/); // the per-client limits sufficed
    // Closed at the frame's header (1009), or, on a machine so slow that it has not arrived within IDENTIFY_WITHIN_MS, as one more socket of its address (1013).
    expect(
      abuse.oversizedCloseCodes
        .slice(0, FLOOD.oversizedSockets)
        .every((code) => code === 1009 || code === 1013 || code === -1),
    ).toBe(true);
    // FatalError, then closed (or, as above, 1013 on a machine too slow to get the frame in within IDENTIFY_WITHIN_MS).
    expect(
      abuse.oversizedCloseCodes.slice(FLOOD.oversizedSockets).every((code) => code === 1005 || code === 1013),
    ).toBe(true);
    // Each refused call that got an answer got a function error (200) or 429 (the abuser's own connections may time out).
    expect(Object.keys(abuse.refusedHttp).filter((status) => !["200", "429", "failed"].includes(status))).toEqual([]);
    expect(abuse.refusedWs).toBe(FLOOD.refusedWsCalls);
    expect(abuse.longNameError).toMatch(
      new RegExp(
        `^Function name too long: \\d+ characters, the limit is ${MAX_FUNCTION_NAME_LENGTH} \\('${FLOOD.marker}yyy`,
      ),
    );
    expect(abuse.longNameError.length).toBeLessThan(400);
    for (const socket of abuse.subscriptions) {
      expect(socket).toMatchObject({
        results: FLOOD.subscriptionsPerSocket,
        refused: FLOOD.subscriptionsPerSocket - MAX_QUERIES_PER_SOCKET,
      });
      expect(socket.refusal).toMatch(/^TooManyQueries/);
    }
    // One user's sockets past its cap are closed, and only those; idle sockets give way; slow senders hold nothing.
    expect(abuse.hoardedClosed).toEqual({
      [`1013 TooManySockets: this client already has ${MAX_SOCKETS_PER_CLIENT} open connections`]:
        FLOOD.hoardedSockets - MAX_SOCKETS_PER_CLIENT,
    });
    expect(abuse.idleClosed).toEqual({ 1013: FLOOD.idleSockets - MAX_SOCKETS_PER_CLIENT });
    expect(abuse.slowProbes.every((status) => status === 200)).toBe(true);
    // Every header variant that got an answer was refused (the abuser's own connections may time out).
    expect(Object.keys(abuse.variants).filter((status) => !["401", "failed"].includes(status))).toEqual([]);
    expect(abuse.variantMessage).toMatch(/one token and nothing after it/);
    expect(abuse.sessionAnswers).toBe(FLOOD.sessions * FLOOD.mutationsPerSession);

    // Nothing of the refused calls is stored: a graceful stop writes everything to the snapshot.
    expect(await backend.close()).toBe(0);
    const stored = readFileSync(dataFile, "utf8");
    expect(stored).not.toContain(FLOOD.marker);
    // The seed, the jobs' questions, and a review log row (under 1 kB) for each of the bystander's ratings.
    expect(stored.length).toBeLessThan(seededBytes + 256 * 1024 + MAX_BYSTANDER_MUTATIONS * 1024);
  }, 120_000);
});
