/**
 * `processJob`: the background action that runs one attempt of a job with ONE
 * model call, whose answer is the plan (topic, count) and then the questions:
 * reader (`AnswerReader`) → checker (`QuestionIntake`, the quality gate) →
 * support (`SupportCheck`: a source's quotes) → batcher (`Batcher`) → saver
 * (`BatchSaver`). The last batch completes the job; when the gate rejected
 * questions, one more call asks for replacements first (`rewriteRejected`).
 * A job over a learner's source runs one step of its plan per run, one
 * section per call (`sectionCall`), each with its own rewrite when needed; its
 * last batch moves the job on to the next section. A batch may also make the
 * job make way for another learner's first job (`saveBatch`): the attempt
 * stops there, like a paused one, and the job goes on later as a new attempt.
 *
 * Writes nothing itself: every write is a mutation (`jobTransitions.ts`,
 * `batches.saveBatch`, the ledger of `admission.ts`) that checks the job's
 * status and attempt in its own transaction. Scheduled functions run without
 * auth: `userId` comes in args. If the action dies, the sweeper
 * (`maintenance.recoverStuckJobs`) fails the job as INTERRUPTED.
 */
import { v } from "convex/values";
import { JOB_CONFIG } from "../lib/constants/jobs";
import type { QuestionToSave, TokenUsage } from "../lib/validators";
import { internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import { internalAction, type ActionCtx } from "./_generated/server";
import type { StartedJob } from "./jobTransitions";
import { AnswerReader } from "./lib/ai/answerStream";
import { ModelAnswer } from "./lib/ai/generate";
import { chooseModel, type ModelChoice } from "./lib/ai/models";
import { settlePlan } from "./lib/ai/prompts";
import { promptCall, sectionCall, type AttemptCall } from "./lib/attemptCall";
import { Batcher } from "./lib/batching";
import { BatchSaver, type SaveProgress } from "./lib/batchSaver";
import { classifyError, InvalidOutputError } from "./lib/classifyError";
import { QuestionIntake } from "./lib/questionIntake";
import { addUsage, gateReport, rewriteRejected } from "./lib/questionRewrite";
import { redactSecrets } from "./lib/redact";

/** Runs one attempt of a job. Scheduled when the job is dispatched from the queue into the pool (`transition`). */
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
    const call = job.section ? await sectionCall(ctx, userId, { ...job, section: job.section }) : promptCall(job);
    if (call === null) {
      // Never expected: a source is not deleted while a job over it may run (`sources.deleteSource`).
      console.error(`processJob ${jobId}: its source's section is gone`);
      await ctx.runMutation(internal.jobTransitions.failJob, { jobId, errorCode: "UNKNOWN", attempt: job.attempt });
      return null;
    }
    const outcome = await runAttempt(ctx, { jobId, userId, job, choice }, call);
    if (outcome.kind === "failed") {
      const { code, message } = classifyError(outcome.error);
      console.error(`processJob ${jobId} failed (${code}): ${redactSecrets(message)}`);
      if (code === "RATE_LIMIT") {
        // The shared quota let it through, yet the provider said 429: back off and queue it again.
        await ctx.runMutation(internal.jobTransitions.requeueJob, {
          jobId,
          attempt: job.attempt,
          usage: outcome.usage,
        });
        return null;
      }
      await ctx.runMutation(internal.jobTransitions.failJob, {
        jobId,
        errorCode: code,
        attempt: job.attempt,
        usage: outcome.usage,
      });
    } else if (outcome.kind === "stopped") {
      await ctx.runMutation(internal.admission.recordUsage, { jobId, usage: outcome.usage });
    }
    return null;
  },
});

type Attempt = { jobId: Id<"generationJobs">; userId: string; job: StartedJob; choice: ModelChoice };

/** A step that made no call used no tokens. */
const NO_TOKENS: TokenUsage = { inputTokens: 0, outputTokens: 0, estimated: false };

/** How an attempt ended: completed (by its last batch), stopped (the job was
 * paused, cancelled or moved on under it, or made way), or failed with `error`; with the
 * tokens it used where no transition recorded them. */
type Outcome =
  | { kind: "completed" }
  | { kind: "stopped"; usage: TokenUsage }
  | { kind: "failed"; error: unknown; usage: TokenUsage };

/**
 * Streams the answer and saves the questions as they complete. Never throws:
 * a failure comes back as an outcome, after what was complete before it has
 * been saved.
 */
async function runAttempt(
  ctx: ActionCtx,
  { jobId, userId, job, choice }: Attempt,
  { known, prompt, sourced, support, ...call }: AttemptCall,
): Promise<Outcome> {
  const saver = new BatchSaver(
    ctx,
    { jobId, userId, attempt: job.attempt, questionsSaved: job.questionsSaved, ...call.saver },
    Date.now(),
  );
  const done = call.target ?? known?.questionCount;
  if (done !== undefined && job.questionsSaved >= done) {
    // A retry (or a source's step) with nothing left to write.
    if (call.saver.step === undefined) {
      await ctx.runMutation(internal.jobTransitions.completeJob, { jobId, attempt: job.attempt });
      return { kind: "completed" };
    }
    const finished = await saver.save([], { plan: known, generated: 0, skipped: 0, finish: NO_TOKENS });
    return finished ? { kind: "completed" } : { kind: "stopped", usage: NO_TOKENS };
  }

  const answer = new ModelAnswer(choice, prompt, { maxTokens: job.tokenAllowance, sourced });
  const reader = new AnswerReader();
  const intake = new QuestionIntake(job.existingQuestions);
  const batcher = new Batcher(Date.now());
  let plan = known;
  const target = () => call.target ?? plan?.questionCount ?? JOB_CONFIG.MAX_QUESTIONS;
  const skipped = () => intake.skipped + support.unsupported;
  const take = (elements: unknown[]) => batcher.add(support.keep(intake.take(elements)), Date.now());
  const save = async (finish?: TokenUsage, extra: Pick<SaveProgress, "unlessRefused" | "gate"> = {}) => {
    const accepted = await saver.save(batcher.drain(), {
      plan,
      generated: intake.generated,
      skipped: skipped(),
      ...(finish ? { finish } : {}),
      ...extra,
    });
    batcher.saved(Date.now());
    return accepted;
  };
  const stop = (): Outcome => {
    answer.abort();
    return { kind: "stopped", usage: answer.estimatedUsage() };
  };

  let failure: unknown = null;
  try {
    for (;;) {
      if (saver.savedTotal + batcher.size >= target()) {
        await answer.finishEarly();
        break;
      }
      if (batcher.msUntilDue(saver.savedByAttempt, Date.now()) === 0) {
        if (!(await save())) return stop();
      } else if (saver.msUntilCheck(Date.now()) === 0 && !(await saver.isRunning())) {
        return stop();
      }
      const now = Date.now();
      const step = await answer.next(Math.min(batcher.msUntilDue(saver.savedByAttempt, now), saver.msUntilCheck(now)));
      if (step.kind === "wait") continue;
      if (step.kind === "done") {
        const final = await answer.final();
        plan ??= settlePlan(reader.plan(final), job.prompt);
        take(reader.rest(final));
        break;
      }
      const parts = reader.read(step.value);
      if (parts.plan && !plan) plan = settlePlan(parts.plan, job.prompt);
      if (parts.questions.length > 0) {
        plan ??= settlePlan(undefined, job.prompt); // questions before any plan: read one off the request
        take(parts.questions);
      }
    }
  } catch (error) {
    failure = answer.failure(error);
  } finally {
    answer.close();
  }

  let usage = await answer.usage();
  batcher.limit(target() - saver.savedTotal);
  const invalidOutput = () => {
    const usable = saver.savedByAttempt + batcher.size;
    if (usable > 0 && skipped() <= usable) return null;
    return new InvalidOutputError(
      usable === 0
        ? "The model produced no usable questions."
        : `Most questions were unusable (${skipped()} of ${skipped() + usable}).`,
    );
  };
  if (failure !== null) {
    const { report } = gateReport([...intake.rejected, ...saver.refused], []);
    if ((batcher.size > 0 || report) && !(await save(undefined, { gate: report }))) return { kind: "stopped", usage };
    return { kind: "failed", error: failure, usage };
  }
  // The last batch completes the job (or a source's step), unless the gate has rejected questions (or
  // `saveBatch` refuses some of it): then ONE more call asks for their replacements, and the batch after it
  // completes the job. If the job was stopped meanwhile, the tokens still count.
  if (intake.rejected.length === 0 && saver.refused.length === 0 && invalidOutput() === null) {
    if (!(await save(usage, { unlessRefused: true }))) return { kind: "stopped", usage };
    if (saver.finished) return { kind: "completed" };
  } else if (batcher.size > 0 && !(await save())) return { kind: "stopped", usage };
  const rejected = [...intake.rejected, ...saver.refused];
  const allowance = job.tokenAllowance - usage.inputTokens - usage.outputTokens;
  const room = target() - saver.savedTotal;
  let replacements: Array<QuestionToSave | null> = [];
  if (rejected.length > 0 && room > 0 && allowance > 0) {
    const settled = plan ?? settlePlan(undefined, job.prompt);
    const rewrite = await rewriteRejected(
      {
        choice,
        prompt: (rewriting) => call.rewritePrompt(rewriting, intake.taken, settled),
        sourced,
        rejected: rejected.slice(0, room),
        maxTokens: allowance,
      },
      { intake, support },
      saver,
    );
    usage = addUsage(usage, rewrite.usage);
    if (rewrite.kind === "stopped") return { kind: "stopped", usage };
    replacements = rewrite.replacements;
  }
  const { batch, report } = gateReport(rejected, replacements);
  batcher.add(batch, Date.now());
  failure = invalidOutput();
  if ((failure === null || batcher.size > 0 || report) && !(await save(failure ? undefined : usage, { gate: report })))
    return { kind: "stopped", usage };
  return failure === null ? { kind: "completed" } : { kind: "failed", error: failure, usage };
}
