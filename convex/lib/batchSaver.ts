/**
 * The saver of an attempt: its one line to the job. It saves batches through
 * `batches.saveBatch` (each carrying the attempt), keeps count of what the job
 * holds, and, between saves, asks whether the job is still running this
 * attempt (`jobTransitions.isAttemptRunning`) at least every
 * `STOP_CHECK_INTERVAL_MS`, so a paused or cancelled job's stream is stopped
 * in time whether or not the model is talking. It keeps the questions
 * `saveBatch` refused as duplicates of the learner's (`refused`), for the
 * attempt's rewrite.
 */
import type { FunctionArgs, FunctionReturnType } from "convex/server";
import { JOB_CONFIG } from "../../lib/constants/jobs";
import type { QuestionToSave, TokenUsage } from "../../lib/validators";
import { internal } from "../_generated/api";
import type { Id } from "../_generated/dataModel";
import type { RejectedQuestion } from "./questionIntake";

type SaveBatch = typeof internal.batches.saveBatch;
type IsAttemptRunning = typeof internal.jobTransitions.isAttemptRunning;

/** What the saver needs of an action's context (an `ActionCtx`, or a fake in unit tests). */
export type SaverCtx = {
  runMutation: (ref: SaveBatch, args: FunctionArgs<SaveBatch>) => Promise<FunctionReturnType<SaveBatch>>;
  runQuery: (ref: IsAttemptRunning, args: FunctionArgs<IsAttemptRunning>) => Promise<boolean>;
};

export type SaverJob = {
  jobId: Id<"generationJobs">;
  userId: string;
  attempt: number;
  /** Questions the job held when the attempt started. */
  questionsSaved: number;
  /** A job over a learner's source: the step (section) this action writes; its writes carry it too. */
  step?: number;
  /** Counts the job had when this action started, to which this one's are added (a source's later
   * steps; by default a retry's count starts from the questions saved). */
  generatedBefore?: number;
  skippedBefore?: number;
};

/** Progress that rides on a save: the plan once made, what the model wrote, and, on the last one, the end. */
export type SaveProgress = {
  plan: { topic: string; questionCount: number } | null;
  generated: number;
  skipped: number;
  /** The attempt's last batch: the job completes with these tokens (a source's step: the job moves on
   * to its next section, or completes after the last)... */
  finish?: TokenUsage;
  /** ...unless a question of the batch is refused (then the attempt asks for replacements first). */
  unlessRefused?: boolean;
  /** What the gate rejected since the last report (`saveBatch`'s `gate`). */
  gate?: FunctionArgs<SaveBatch>["gate"];
};

export class BatchSaver {
  /** Questions the job holds, as the last save answered. */
  savedTotal: number;
  /** Whether the last save ended the attempt: its `finish` was written (the job completed, or a job over a
   * source moved on to its next section). */
  finished = false;
  /** Whether the last save made the job make way for another learner's first job (`saveBatch`): the
   * attempt ends there, and the job goes on as a new one when its turn comes. */
  madeWay = false;
  /** Questions `saveBatch` refused (duplicates of the learner's), in order. */
  readonly refused: RejectedQuestion[] = [];
  private lastContactAt: number;

  constructor(
    private readonly ctx: SaverCtx,
    private readonly job: SaverJob,
    now: number,
    private readonly checkIntervalMs: number = JOB_CONFIG.STOP_CHECK_INTERVAL_MS,
  ) {
    this.savedTotal = job.questionsSaved;
    this.lastContactAt = now;
  }

  get savedByAttempt(): number {
    return this.savedTotal - this.job.questionsSaved;
  }

  /**
   * Saves `questions` with `progress` (an empty batch is a heartbeat). Returns
   * whether the job took it and still runs this attempt: false once it is no
   * longer running it (paused, cancelled, failed, or moved on: then nothing was
   * written), and false after a batch that was saved and made the job make way
   * (`madeWay`). Refused questions are added to `refused`.
   */
  async save(questions: QuestionToSave[], progress: SaveProgress): Promise<boolean> {
    const { jobId, userId, attempt, questionsSaved, step, generatedBefore, skippedBefore } = this.job;
    const { plan, finish, unlessRefused, gate } = progress;
    const result = await this.ctx.runMutation(internal.batches.saveBatch, {
      jobId,
      userId,
      questions,
      batchStart: this.savedTotal,
      attempt,
      ...(step !== undefined ? { step } : {}),
      ...(plan ? { plan: { topic: plan.topic, estimatedTotal: plan.questionCount } } : {}),
      questionsGenerated: (generatedBefore ?? questionsSaved) + progress.generated,
      questionsSkipped: (skippedBefore ?? 0) + progress.skipped,
      ...(finish ? { finish: { usage: finish, ...(unlessRefused ? { unlessRefused } : {}) } } : {}),
      ...(gate ? { gate } : {}),
    });
    this.lastContactAt = Date.now();
    this.savedTotal = result.questionsSaved;
    this.finished = result.accepted && finish !== undefined && !(unlessRefused && result.refused.length > 0);
    this.madeWay = result.accepted && finish === undefined && result.status === "queued";
    for (const { index, flaws } of result.refused) {
      const { flaws: _advice, ...question } = questions[index]!;
      this.refused.push({ question, flaws });
    }
    return result.accepted && !this.madeWay;
  }

  /** Milliseconds until the job should be asked again whether it still runs this attempt. */
  msUntilCheck(now: number): number {
    return Math.max(0, this.lastContactAt + this.checkIntervalMs - now);
  }

  /** Whether the job still runs this attempt (a read, no write). */
  async isRunning(): Promise<boolean> {
    const { jobId, attempt, step } = this.job;
    const running = await this.ctx.runQuery(internal.jobTransitions.isAttemptRunning, {
      jobId,
      attempt,
      ...(step !== undefined ? { step } : {}),
    });
    this.lastContactAt = Date.now();
    return running;
  }
}
