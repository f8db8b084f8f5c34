/**
 * `processJob`: the background action that runs one attempt of a job, with
 * ONE model call that writes the plan (topic, question count) and then the
 * questions.
 *
 *   startJob (pending → processing)
 *   → stream the answer: the plan as soon as it is written, then each
 *     question once the next one begins; each is checked (schema, answer
 *     among the options), deduplicated, buffered and saved through
 *     `questions.saveBatch` (the first at once, then small batches: see
 *     `lib/batching.ts`; the plan rides on the first save). A question that
 *     fails the checks is skipped and counted, never fatal.
 *   → the last batch completes the job in the same transaction, with the
 *     attempt's token usage; or failJob with a classified error (what was
 *     saved is kept). A batch that finds the job no longer processing
 *     (cancelled, paused) or moved on to a newer attempt (resumed) aborts the
 *     model stream: each write carries the attempt.
 *
 * Reads and writes nothing itself: every write is a mutation of
 * `jobTransitions.ts` or `saveBatch` that checks the job's status in its own
 * transaction. If the action dies (crash, deploy, timeout),
 * `maintenance.recoverStuckJobs` fails the job as INTERRUPTED. Scheduled
 * functions run without auth: `userId` comes in args.
 */
import { v } from "convex/values";
import { JOB_CONFIG } from "../lib/constants/jobs";
import type { GeneratedQuestion, TokenUsage } from "../lib/validators";
import { internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { internalAction, type ActionCtx } from "./_generated/server";
import type { StartedJob } from "./jobTransitions";
import { chooseModel, type ModelChoice } from "./lib/ai/models";
import { GENERATION_SYSTEM_PROMPT, generationPrompt, settlePlan, type Plan } from "./lib/ai/prompts";
import { AnswerReader, UsageMeter } from "./lib/ai/answerStream";
import { streamAnswer } from "./lib/ai/generate";
import { isSaveDue, msUntilSaveDue, type BatchState } from "./lib/batching";
import { classifyError, InvalidOutputError } from "./lib/classifyError";
import { checkQuestion, questionKey } from "./lib/questionQuality";
import { redactSecrets } from "./lib/redact";

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
    const outcome = await runAttempt(ctx, { jobId, userId, job, choice });
    if (outcome.kind === "failed") {
      const { code, message } = classifyError(outcome.error);
      console.error(`processJob ${jobId} failed (${code}): ${redactSecrets(message)}`);
      await ctx.runMutation(internal.jobTransitions.failJob, {
        jobId,
        errorCode: code,
        attempt: job.attempt,
        ...usageArg(outcome.usage),
      });
    } else if (outcome.kind === "stopped" && outcome.usage) {
      await ctx.runMutation(internal.jobTransitions.recordUsage, { jobId, usage: outcome.usage });
    }
    return null;
  },
});

type Attempt = { jobId: Id<"generationJobs">; userId: string; job: StartedJob; choice: ModelChoice };

/** How an attempt ended: completed (by its last batch), stopped (the job was
 * cancelled or paused under it), or failed with `error`; with the tokens it used. */
type Outcome =
  | { kind: "completed" }
  | { kind: "stopped"; usage: TokenUsage | null }
  | { kind: "failed"; error: unknown; usage: TokenUsage | null };

const TIMER = Symbol("timer");

/**
 * Streams the answer and saves the questions as they complete. Never throws:
 * a failure comes back as an outcome, after what was complete before it has
 * been saved.
 */
async function runAttempt(ctx: ActionCtx, { jobId, userId, job, choice }: Attempt): Promise<Outcome> {
  const known: Plan | null =
    job.topic !== undefined && job.estimatedTotal !== undefined
      ? { topic: job.topic, questionCount: job.estimatedTotal }
      : null;
  if (known && job.questionsSaved >= known.questionCount) {
    // A retry with nothing left to write.
    await ctx.runMutation(internal.jobTransitions.completeJob, { jobId, attempt: job.attempt });
    return { kind: "completed" };
  }
  const prompt = generationPrompt({
    request: job.prompt,
    ...(known ? { plan: known, count: known.questionCount - job.questionsSaved } : {}),
    avoid: job.existingQuestions,
  });

  const abort = new AbortController();
  const meter = new UsageMeter(GENERATION_SYSTEM_PROMPT + prompt);
  let answered = false;
  const { result, streamError } = streamAnswer(choice, prompt, {
    abortSignal: abort.signal,
    onChunk: (chunk) => {
      answered = true;
      meter.observe(chunk);
    },
  });
  // The SDK's idle timeout starts at the first chunk; a server that never
  // answers at all is given up on after the same time.
  const idleMs = choice.streamIdleTimeoutMs ?? JOB_CONFIG.STREAM_IDLE_TIMEOUT_MS;
  const silentUntil = Date.now() + idleMs;

  let plan = known;
  const reader = new AnswerReader();
  const seen = new Set(job.existingQuestions.map(questionKey));
  let buffer: GeneratedQuestion[] = [];
  let oldestBufferedAt: number | null = null;
  let lastSaveAt = Date.now();
  let generated = 0;
  let skipped = 0;
  let savedTotal = job.questionsSaved;
  const savedByAttempt = () => savedTotal - job.questionsSaved;
  const batch = (): BatchState => ({
    buffered: buffer.length,
    oldestBufferedAt,
    lastSaveAt,
    savedByAttempt: savedByAttempt(),
  });

  /** Saves the buffer (or just beats the heart); false once the job is no longer ours. */
  const save = async (finish?: TokenUsage) => {
    const questions = buffer;
    buffer = [];
    oldestBufferedAt = null;
    const res = await ctx.runMutation(internal.questions.saveBatch, {
      jobId,
      userId,
      questions,
      batchStart: savedTotal,
      attempt: job.attempt,
      ...(plan ? { plan: { topic: plan.topic, estimatedTotal: plan.questionCount } } : {}),
      questionsGenerated: job.questionsSaved + generated,
      questionsSkipped: skipped,
      ...(finish ? { finish: { usage: finish } } : {}),
    });
    lastSaveAt = Date.now();
    savedTotal = res.questionsSaved;
    return res.active;
  };

  /** Checks and buffers the questions `elements` (complete ones, in order). */
  const take = (elements: unknown[]) => {
    for (const element of elements) {
      generated++;
      const question = checkQuestion(element);
      if (!question) {
        skipped++;
        continue;
      }
      const key = questionKey(question.question);
      if (key && !seen.has(key)) {
        seen.add(key);
        buffer.push(question);
        oldestBufferedAt ??= Date.now();
      }
    }
  };
  const target = () => (plan ? plan.questionCount : JOB_CONFIG.MAX_QUESTIONS);

  const partials = result.partialOutputStream[Symbol.asyncIterator]();
  let next = partials.next();
  let failure: unknown = null;
  let reachedTarget = false;
  try {
    for (;;) {
      if (savedTotal + buffer.length >= target()) {
        reachedTarget = true;
        break;
      }
      if (isSaveDue(batch(), Date.now()) && !(await save())) {
        abort.abort();
        return { kind: "stopped", usage: meter.usage(null) };
      }
      if (!answered && Date.now() >= silentUntil) {
        abort.abort(new DOMException(`No answer from the model within ${idleMs}ms`, "TimeoutError"));
      }
      const wait = answered
        ? msUntilSaveDue(batch(), Date.now())
        : Math.min(msUntilSaveDue(batch(), Date.now()), silentUntil - Date.now());
      const step = await raceTimer(next, Math.max(0, wait));
      if (step === TIMER) continue;
      if (step.done) break;
      next = partials.next();
      const parts = reader.read(step.value);
      if (parts.plan && !plan) plan = settlePlan(parts.plan, job.prompt);
      if (parts.questions.length > 0) {
        plan ??= settlePlan(undefined, job.prompt); // questions before any plan: read one off the request
        take(parts.questions);
      }
    }
    if (reachedTarget) {
      // Enough questions: let the stream end by itself (so the provider reports
      // its usage), but stop paying for more after a short grace.
      await raceTimer(
        Promise.resolve(result.finishReason).catch(() => null),
        JOB_CONFIG.STREAM_FINISH_GRACE_MS,
      );
      abort.abort();
    } else {
      const final = await result.output; // rejects if the answer is not JSON at all, or was blocked
      plan ??= settlePlan(reader.plan(final), job.prompt);
      take(reader.rest(final));
    }
  } catch (error) {
    failure = streamError() ?? error;
  } finally {
    next.catch(() => {}); // an abandoned read may reject after the abort
  }

  const usage = meter.usage(await settledUsage(result.totalUsage));
  const keep = Math.max(0, target() - savedTotal);
  buffer = buffer.slice(0, keep);
  const usable = savedByAttempt() + buffer.length;
  if (failure === null && (usable === 0 || skipped > usable)) {
    failure = new InvalidOutputError(
      usable === 0
        ? "The model produced no usable questions."
        : `Most questions were unusable (${skipped} of ${skipped + usable}).`,
    );
  }
  if (failure !== null) {
    if (buffer.length > 0 && !(await save())) return { kind: "stopped", usage };
    return { kind: "failed", error: failure, usage };
  }
  await save(usage); // the last batch completes the job
  return { kind: "completed" };
}

/** The provider's reported usage once the stream has finished; null if it was aborted or failed. */
async function settledUsage(totalUsage: PromiseLike<{ inputTokens?: number; outputTokens?: number }>) {
  try {
    const usage = await raceTimer(Promise.resolve(totalUsage), JOB_CONFIG.STREAM_FINISH_GRACE_MS);
    return usage === TIMER ? null : usage;
  } catch {
    return null;
  }
}

function usageArg(usage: TokenUsage | null) {
  return usage ? { usage } : {};
}

/** The promise's value, or TIMER if `ms` pass first. */
async function raceTimer<T>(promise: Promise<T>, ms: number): Promise<T | typeof TIMER> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<typeof TIMER>((resolve) => (timer = setTimeout(() => resolve(TIMER), ms))),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
