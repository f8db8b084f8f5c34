/**
 * `processJob`: the background action that runs one attempt of a job.
 *
 *   startJob (pending → processing)
 *   → clarify: topic and question count (skipped on a retry that knows them)
 *   → updateProgress (phase "generating")
 *   → stream: each complete, valid, new question is buffered and saved through
 *     `questions.saveBatch` (first one at once, then small batches; see
 *     `lib/batching.ts`). A batch that finds the job no longer processing
 *     aborts the model stream.
 *   → completeJob, or failJob with a classified error (partial results kept).
 *
 * The action never writes to the database itself: every write is a mutation
 * that checks the job's status in its own transaction. If the action dies
 * (crash, deploy, timeout), `maintenance.recoverStuckJobs` fails the job as
 * INTERRUPTED. Scheduled functions run without auth: `userId` comes in args.
 */
import { Output, streamText } from "ai";
import { v } from "convex/values";
import { internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { internalAction, type ActionCtx } from "./_generated/server";
import { redactSecrets } from "./lib/redact";
import { isSaveDue, msUntilSaveDue, type BatchState } from "./lib/batching";
import { classifyError, InvalidOutputError } from "./lib/classifyError";
import { chooseModel, type ModelChoice } from "./lib/ai/models";
import { clarifyIntent, GENERATION_SYSTEM_PROMPT, generationPrompt } from "./lib/ai/prompts";
import { normalizeQuestion, questionKey } from "./lib/questionQuality";
import type { GeneratedQuestion } from "../lib/validators";
import { generatedQuestionSchema } from "./lib/ai/questionSchema";
import type { StartedJob } from "./jobTransitions";
import { JOB_CONFIG } from "../lib/constants/jobs";

/** Runs one attempt of a job. Scheduled by `createJob` and `retryJob`. */
export const processJob = internalAction({
  args: { jobId: v.id("generationJobs"), userId: v.string() },
  returns: v.null(),
  handler: async (ctx, { jobId, userId }) => {
    const choice = chooseModel();
    if (choice === null) {
      console.error(`processJob ${jobId}: no model is configured (see convex/lib/ai/models.ts)`);
      await ctx.runMutation(internal.jobTransitions.failJob, { jobId, errorCode: "MODEL_NOT_CONFIGURED" });
      return null;
    }
    const job = await ctx.runMutation(internal.jobTransitions.startJob, { jobId, userId, model: choice.kind });
    if (job === null) return null; // cancelled (or already taken) before it started
    try {
      const outcome = await runAttempt(ctx, { jobId, userId, job, choice });
      if (outcome === "completed") await ctx.runMutation(internal.jobTransitions.completeJob, { jobId });
    } catch (error) {
      const { code, message } = classifyError(error);
      console.error(`processJob ${jobId} failed (${code}): ${redactSecrets(message)}`);
      await ctx.runMutation(internal.jobTransitions.failJob, { jobId, errorCode: code });
    }
    return null;
  },
});

type Attempt = { jobId: Id<"generationJobs">; userId: string; job: StartedJob; choice: ModelChoice };

/** "completed", or "stopped" when the job stopped being ours (cancelled). Throws on failure. */
async function runAttempt(ctx: ActionCtx, { jobId, userId, job, choice }: Attempt): Promise<"completed" | "stopped"> {
  let { topic, estimatedTotal } = job;
  let focus = "";
  if (topic === undefined || estimatedTotal === undefined) {
    const intent = await clarifyIntent(choice, job.prompt);
    ({ topic, focus } = intent);
    estimatedTotal = intent.questionCount;
  }
  const active = await ctx.runMutation(internal.jobTransitions.updateProgress, {
    jobId,
    phase: "generating",
    topic,
    estimatedTotal,
  });
  if (!active) return "stopped";
  if (job.questionsSaved >= estimatedTotal) return "completed"; // a retry with nothing left to generate

  const saved = await streamAndSave(ctx, {
    jobId,
    userId,
    topic,
    target: estimatedTotal,
    alreadySaved: job.questionsSaved,
    prompt: generationPrompt({
      topic,
      focus,
      count: estimatedTotal - job.questionsSaved,
      request: job.prompt,
      avoid: job.existingQuestions,
    }),
    avoid: job.existingQuestions,
    choice,
  });
  if (saved === "stopped") return "stopped";
  if (saved === 0) throw new InvalidOutputError("The model produced no usable questions.");
  return "completed";
}

type StreamJob = {
  jobId: Id<"generationJobs">;
  userId: string;
  topic: string;
  /** Questions the job should have in the end. */
  target: number;
  /** Questions earlier attempts saved. */
  alreadySaved: number;
  prompt: string;
  avoid: readonly string[];
  choice: ModelChoice;
};

const TIMER = Symbol("timer");

/**
 * Streams questions from the model and saves them as they complete. Returns
 * the job's total saved count, or "stopped" if a save found the job no longer
 * processing (the stream is then aborted and nothing more is written).
 * Throws the model's error after saving what was complete before it.
 */
async function streamAndSave(ctx: ActionCtx, job: StreamJob): Promise<number | "stopped"> {
  const abort = new AbortController();
  let streamError: unknown = undefined;
  const result = streamText({
    model: job.choice.model,
    maxRetries: job.choice.maxRetries,
    abortSignal: abort.signal,
    timeout: { chunkMs: job.choice.streamIdleTimeoutMs ?? JOB_CONFIG.STREAM_IDLE_TIMEOUT_MS },
    ...(job.choice.providerOptions ? { providerOptions: job.choice.providerOptions } : {}),
    system: GENERATION_SYSTEM_PROMPT,
    prompt: job.prompt,
    output: Output.array({ element: generatedQuestionSchema }),
    // Provider errors (429, 401...) reach us here; the stream itself just ends.
    onError: ({ error }) => {
      streamError ??= error;
    },
  });

  const seen = new Set(job.avoid.map(questionKey));
  let buffer: GeneratedQuestion[] = [];
  let oldestBufferedAt: number | null = null;
  let lastSaveAt = Date.now();
  let generated = 0;
  let savedTotal = job.alreadySaved;
  const batch = (): BatchState => ({ buffered: buffer.length, oldestBufferedAt, lastSaveAt, savedByAttempt: savedTotal - job.alreadySaved });

  /** Saves the buffer (or just beats the heart); false once the job is no longer ours. */
  const save = async (phase?: "finalizing") => {
    const questions = buffer;
    buffer = [];
    oldestBufferedAt = null;
    const res = await ctx.runMutation(internal.questions.saveBatch, {
      jobId: job.jobId,
      userId: job.userId,
      topic: job.topic,
      questions,
      batchStart: savedTotal,
      questionsGenerated: job.alreadySaved + generated,
      ...(phase ? { phase } : {}),
    });
    lastSaveAt = Date.now();
    savedTotal = res.questionsSaved;
    return res.active;
  };

  const elements = result.elementStream[Symbol.asyncIterator]();
  let next = elements.next();
  let failure: unknown = null;
  let reachedTarget = false;
  try {
    for (;;) {
      if (isSaveDue(batch(), Date.now()) && !(await save())) {
        abort.abort();
        return "stopped";
      }
      if (savedTotal + buffer.length >= job.target) {
        reachedTarget = true; // enough questions: stop paying for more
        abort.abort();
        break;
      }
      const step = await raceTimer(next, msUntilSaveDue(batch(), Date.now()));
      if (step === TIMER) continue;
      if (step.done) break;
      next = elements.next();
      generated++;
      const question = normalizeQuestion(step.value);
      const key = question && questionKey(question.question);
      if (question && key && !seen.has(key)) {
        seen.add(key);
        buffer.push(question);
        oldestBufferedAt ??= Date.now();
      }
    }
    if (!reachedTarget) await result.output; // rejects if the output as a whole was malformed
  } catch (error) {
    failure = streamError ?? error;
  } finally {
    next.catch(() => {}); // an abandoned read may reject after the abort
  }

  if (buffer.length > 0 && !(await save(failure === null ? "finalizing" : undefined))) return "stopped";
  if (failure !== null) throw failure instanceof Error ? failure : new Error("The model stream failed.", { cause: failure });
  return savedTotal;
}

/** The iterator's next result, or TIMER if `ms` pass first. */
async function raceTimer<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMER> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([promise, new Promise<typeof TIMER>((resolve) => (timer = setTimeout(() => resolve(TIMER), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}
