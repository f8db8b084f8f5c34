/**
 * `npm run generate -- "topic"`: runs one generation job headless, on the
 * in-memory backend (local-convex's engine, in this process), with the model
 * the seam picks (the offline sample model unless a key is set), and prints
 * the job's progress and each question the moment it is saved.
 *
 *   npm run generate -- "NATO alphabet"
 *   npm run generate -- --json "Give me 5 questions on React hooks"
 *
 * Exits 0 when the job completes, 1 otherwise. Nothing is stored on disk.
 */
import path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import type { Value } from "convex/values";
import type { PublicJob, QuestionDoc } from "../lib/validators";
import { loadEngine } from "local-convex";
import { isFinishedStatus } from "../lib/jobs";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { json: { type: "boolean", default: false }, help: { type: "boolean", default: false } },
});
const prompt = positionals.join(" ");
if (values.help || prompt.trim() === "") {
  console.log('Usage: npm run generate -- [--json] "what you want to learn"');
  process.exit(values.help ? 0 : 2);
}

// A development tool: with no model configured, use the offline sample model.
process.env.ENABLE_SAMPLE_MODEL ??= "1";
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
// Scheduled functions share the same slots as in a backend (LOCAL_CONVEX_MAX_SCHEDULED_CONCURRENCY, default 10).
const engine = await loadEngine({ projectDir: root });
const identity = {
  subject: "generate-cli",
  issuer: "https://generate.local",
  tokenIdentifier: "https://generate.local|generate-cli",
  name: "npm run generate",
};

/** Calls a public function as the CLI's user; throws the function's error message. */
async function call<T>(udfPath: string, args: Record<string, Value>): Promise<T> {
  const outcome = await engine.call({
    udfPath,
    args,
    identity,
    caller: "client",
    origin: "generate",
    shouldLog: () => false,
  });
  if (!outcome.ok) throw new Error(messageOf(outcome.errorData) ?? outcome.errorMessage);
  return outcome.value as T;
}

function messageOf(data: Value | undefined): string | undefined {
  return typeof data === "object" && data !== null && "message" in data && typeof data.message === "string"
    ? data.message
    : undefined;
}

const say = (line: string) => {
  if (!values.json) console.log(line);
};

const model = await call<{ kind: string; name: string } | null>("generationJobs:getModelInfo", {});
say(
  `Model: ${model?.name ?? "none"}${model?.kind === "sample" ? " (set GOOGLE_GENERATIVE_AI_API_KEY for real questions)" : ""}`,
);

let jobId: string;
try {
  jobId = await call<string>("generationJobs:createJob", { prompt });
} catch (error) {
  console.error(`Could not start the job: ${(error as Error).message}`);
  process.exit(1);
}
say(`Job ${jobId} started.`);

const started = Date.now();
let lastStatus = "";
let printed = 0;
let refreshing: Promise<void> | null = null;
let again = false;

const finished = new Promise<PublicJob>((resolve) => {
  /** Reads the job and its questions and prints what changed; one read at a time. */
  const refresh = () => {
    if (refreshing) {
      again = true;
      return;
    }
    refreshing = (async () => {
      do {
        again = false;
        const job = await call<PublicJob | null>("generationJobs:getJobById", { jobId });
        if (!job) continue;
        const status = describe(job);
        if (status !== lastStatus) say(`  … ${(lastStatus = status)}`);
        const questions = await call<QuestionDoc[]>("myQuestions:listJobQuestions", { jobId });
        for (const question of questions.slice(printed)) say(formatQuestion(++printed, question));
        if (isFinishedStatus(job.status)) resolve(job);
      } while (again);
      refreshing = null;
    })();
  };
  engine.onCommit(refresh);
  refresh();
});

const job = await finished;
const questions = await call<QuestionDoc[]>("myQuestions:listJobQuestions", { jobId });
const seconds = ((Date.now() - started) / 1000).toFixed(1);
if (values.json) {
  console.log(JSON.stringify({ job, questions }, null, 2));
} else if (job.status === "completed") {
  say(`✓ Completed: ${job.questionsSaved} questions on "${job.topic}" in ${seconds} s.`);
} else {
  say(
    `✗ ${job.status}${job.errorCode ? ` (${job.errorCode})` : ""}: ${job.errorMessage ?? ""} ${job.questionsSaved} questions kept.`,
  );
}
process.exit(job.status === "completed" ? 0 : 1);

function describe(job: PublicJob): string {
  if (job.status === "queued") return "queued";
  if (job.status === "pending") return "starting";
  if (job.status !== "processing") return job.status;
  if (job.phase === "planning") return "planning the questions";
  return `${job.phase}: "${job.topic}", ${job.questionsSaved} of ${job.estimatedTotal} saved`;
}

function formatQuestion(n: number, q: QuestionDoc): string {
  const options =
    q.type === "true-false" ? "" : `\n     ${q.options.map((o) => (o === q.correctAnswer ? `[${o}]` : o)).join(" · ")}`;
  const answer = q.type === "true-false" ? ` → ${q.correctAnswer}` : "";
  return `  ${String(n).padStart(2)}. ${q.question}${answer}  (${q.type}, ${q.difficulty})${options}`;
}
