/**
 * `npm run generate`: runs one generation job headless, on the in-memory
 * backend (local-convex's engine, in this process), with the model the seam
 * picks (the offline sample model unless a key is set), and prints the job's
 * progress and each question the moment it is saved.
 *
 *   npm run generate -- "NATO alphabet"
 *   npm run generate -- --json "Give me 5 questions on React hooks"
 *   npm run generate -- --source notes.pdf [--count N] [--json] ["what to focus on"]
 *
 * With `--source FILE` (a .md, .txt or .pdf, read with the web app's own code,
 * PDF.js included) the job runs over that material, section by section, and
 * each question says where it comes from; with `--json` it prints one JSON line
 * per question: the question, its section, its quote and whether the quote was
 * verified (found in its section of the file's text, here, as on the server).
 *
 * Exits 0 when the job completes, 1 otherwise, 2 on bad input (a file refused,
 * a count out of bounds). Nothing is stored on disk.
 */
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { fileURLToPath } from "node:url";
import type { Value } from "convex/values";
import type { PublicJob, QuestionDoc } from "../lib/validators";
import { loadEngine } from "local-convex";
import { JOB_CONFIG } from "../lib/constants/jobs";
import { isFinishedStatus, placeLabel, sectionLabel } from "../lib/jobs";
import { findQuote } from "../lib/quotes";
import { sectionSource } from "../lib/sections";
import { readSourceBytes } from "../lib/sourceFile";
import { suggestedQuestionCount } from "../lib/sourcePlan";
import { uploadSource, type ExtractedSource } from "../lib/sources";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    json: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
    source: { type: "string" },
    count: { type: "string" },
  },
});
const prompt = positionals.join(" ");
const USAGE = [
  'Usage: npm run generate -- [--json] "what you want to learn"',
  '       npm run generate -- --source FILE [--count N] [--json] ["what to focus on"]',
].join("\n");
if (values.help || (prompt.trim() === "" && values.source === undefined)) {
  console.log(USAGE);
  process.exit(values.help ? 0 : 2);
}

/** Bad input: says why on stderr, exits 2. */
function refuse(message: string): never {
  console.error(message);
  process.exit(2);
}

const material = values.source === undefined ? null : await readMaterial(values.source);
const count = values.count === undefined ? null : Number(values.count);
if (count !== null && material === null) refuse("--count goes with --source (a prompt's job plans its own count).");
if (
  count !== null &&
  (!Number.isInteger(count) || count < JOB_CONFIG.MIN_QUESTIONS || count > JOB_CONFIG.MAX_QUESTIONS)
)
  refuse(`--count: ask for ${JOB_CONFIG.MIN_QUESTIONS} to ${JOB_CONFIG.MAX_QUESTIONS} questions.`);

/** The file as a source, read as the web app reads it (a PDF through PDF.js), or a refusal. */
async function readMaterial(file: string): Promise<ExtractedSource> {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    refuse(`Cannot read ${file}.`);
  }
  const reading = await readSourceBytes(
    { name: path.basename(file), type: "", size, bytes: () => Promise.resolve(new Uint8Array(readFileSync(file))) },
    () => import("pdfjs-dist/legacy/build/pdf.mjs"),
  );
  if (!reading.ok) refuse(`${file}: ${reading.refusal.message}`);
  return reading.source;
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
  jobId =
    material === null ? await call<string>("generationJobs:createJob", { prompt }) : await startSourceJob(material);
} catch (error) {
  console.error(`Could not start the job: ${(error as Error).message}`);
  process.exit(1);
}
say(`Job ${jobId} started.`);

/** Stores the material as the web app does (`uploadSource`), then starts a job over it. */
async function startSourceJob(source: ExtractedSource): Promise<string> {
  const { sourceId } = await uploadSource(
    {
      begin: (args) => call<{ sourceId: string; ready: boolean }>("sources:beginSource", args),
      append: (args) => call<null>("sources:appendSourceChunks", args),
      finish: (args) => call<unknown>("sources:finishSource", args),
    },
    source,
  );
  const questionCount = count ?? suggestedQuestionCount(source.text.length);
  say(
    `Material: ${source.name} (${source.text.length.toLocaleString("en-US")} characters${source.pageCount ? `, ${source.pageCount} pages` : ""}); ${questionCount} questions.`,
  );
  return await call<string>("generationJobs:createSourceJob", {
    sourceId,
    questionCount,
    ...(prompt.trim() !== "" ? { prompt } : {}),
  });
}

/** The material's sections, as the server made them: each question's quote is checked against its own. */
const sections = material ? sectionSource(material.text, material.kind) : [];

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
        for (const question of questions.slice(printed)) {
          printed++;
          if (material && values.json) console.log(JSON.stringify(questionLine(printed, question)));
          else say(formatQuestion(printed, question));
        }
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
if (values.json && material === null) {
  console.log(JSON.stringify({ job, questions }, null, 2));
} else if (values.json) {
  if (job.status !== "completed") console.error(`${job.status}${job.errorCode ? ` (${job.errorCode})` : ""}`);
} else if (job.status === "completed") {
  say(`✓ Completed: ${job.questionsSaved} questions on "${job.topic}" in ${seconds} s.`);
} else {
  say(
    `✗ ${job.status}${job.errorCode ? ` (${job.errorCode})` : ""}: ${job.errorMessage ?? ""} ${job.questionsSaved} questions kept.`,
  );
}
process.exit(job.status === "completed" ? 0 : 1);

function describe(job: PublicJob): string {
  if (job.source && !isFinishedStatus(job.status) && job.status !== "paused") {
    const place = placeLabel(job.source);
    return `${sectionLabel(job.source).toLowerCase()}${place ? ` (${place})` : ""}, ${job.questionsSaved} of ${job.estimatedTotal} saved`;
  }
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
  const line = `  ${String(n).padStart(2)}. ${q.question}${answer}  (${q.type}, ${q.difficulty})${options}`;
  if (!q.source) return line;
  const { quote, verified } = questionLine(n, q);
  const support = quote === null ? "general knowledge (not from the material)" : `“${quote.replace(/\s+/g, " ")}”`;
  return `${line}\n     source: ${support}${quote !== null && !verified ? " (NOT VERIFIED)" : ""}`;
}

/** A question as `--source --json` prints it: where it comes from, its quote, and whether the quote is verified. */
function questionLine(n: number, q: QuestionDoc) {
  const from = q.source;
  const place = from ? sections[from.sectionIndex] : undefined;
  const sectionText = place && material ? material.text.slice(place.start, place.end) : "";
  const quote = from?.quote?.text ?? null;
  const match = quote === null ? null : findQuote(sectionText, quote);
  return {
    n,
    question: q.question,
    type: q.type,
    options: q.options,
    correctAnswer: q.correctAnswer,
    explanation: q.explanation,
    difficulty: q.difficulty,
    section: from
      ? {
          index: from.sectionIndex,
          heading: from.heading ?? null,
          pageStart: from.pageStart ?? null,
          pageEnd: from.pageEnd ?? null,
        }
      : null,
    quote,
    verified: match !== null && sectionText.slice(match.start, match.end) === quote,
    generalKnowledge: from !== undefined && quote === null,
  };
}
