/**
 * `npm run bench:backend`: what a small acknowledged write costs on
 * local-convex with a data file, over the official WebSocket client.
 *
 * Starts a backend on a scratch data file, lets one job finish (so there are
 * questions), then times `SAMPLES` sequential `recordReview` mutations (one
 * patch each) and `CREATE_SAMPLES` `createJob` + `cancelJob` pairs, from
 * the client's call to its promise resolving (the backend's answer and the
 * Transition that follows it). Prints p50/p95 per mutation.
 *
 *   npx tsx local-convex/latencyBench.ts [--samples 400] [--in-memory]
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { ConvexClient } from "convex/browser";
import { api } from "../convex/_generated/api";
import { startLocalConvex } from "./index";
import { startTestIssuer } from "./test/issuer";
import { quantile } from "./test/quantile";

const { values } = parseArgs({
  options: { samples: { type: "string", default: "400" }, "in-memory": { type: "boolean", default: false } },
});
const SAMPLES = Number(values.samples);
/** createJob is rate limited per user (a burst of 6): one fresh user per pair. */
const CREATE_SAMPLES = Math.max(10, Math.round(SAMPLES / 8));

const format = (ms: number) => `${ms.toFixed(2)} ms`;

async function timed<T>(samples: number[], call: () => Promise<T>): Promise<T> {
  const started = performance.now();
  const result = await call();
  samples.push(performance.now() - started);
  return result;
}

const dir = mkdtempSync(path.join(tmpdir(), "local-convex-bench-"));
const issuer = await startTestIssuer();
const backend = await startLocalConvex({
  dataFile: values["in-memory"] ? null : path.join(dir, "data.json"),
  env: { LOCAL_AUTH_ISSUER: issuer.issuer, ENABLE_SAMPLE_MODEL: "1", SAMPLE_MODEL_CHUNK_DELAY_MS: "1" },
});
const clients: ConvexClient[] = [];
const clientAs = (user: string) => {
  const client = new ConvexClient(backend.url);
  client.setAuth(() => issuer.token(user));
  clients.push(client);
  return client;
};

try {
  const reviewer = clientAs("bench-reviewer");
  const jobId = await reviewer.mutation(api.generationJobs.createJob, { prompt: "NATO alphabet" });
  const questions = await new Promise<Array<{ _id: string }>>((resolve) => {
    const stop = reviewer.onUpdate(api.generationJobs.getJobById, { jobId }, (job) => {
      if (job?.status !== "completed") return;
      queueMicrotask(() => stop());
      resolve(reviewer.query(api.myQuestions.listJobQuestions, { jobId }));
    });
  });

  const review: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const question = questions[i % questions.length]!;
    await timed(review, () => reviewer.mutation(api.review.recordReview, { questionId: question._id, rating: "good" }));
  }

  const create: number[] = [];
  const cancel: number[] = [];
  for (let i = 0; i < CREATE_SAMPLES; i++) {
    const client = clientAs(`bench-creator-${i}`);
    await client.query(api.generationJobs.getActiveJobs, {}); // connected and signed in before timing
    const id = await timed(create, () => client.mutation(api.generationJobs.createJob, { prompt: `Bench topic ${i}` }));
    await timed(cancel, () => client.mutation(api.generationJobs.cancelJob, { jobId: id }));
  }

  console.log(
    `local-convex mutation latency (data file, official client, ${SAMPLES} reviews, ${CREATE_SAMPLES} create+cancel)`,
  );
  for (const [name, samples] of [
    ["recordReview", review],
    ["createJob", create],
    ["cancelJob", cancel],
  ] as const) {
    console.log(`  ${name.padEnd(13)} p50 ${format(quantile(samples, 0.5))}  p95 ${format(quantile(samples, 0.95))}`);
  }
} finally {
  await Promise.all(clients.map((client) => client.close()));
  await backend.close();
  await issuer.close();
  rmSync(dir, { recursive: true, force: true });
}
