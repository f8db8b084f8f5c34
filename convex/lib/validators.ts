/**
 * Validators shared by the schema, function `args`/`returns` and the web app.
 * Every literal union of the job system is defined here once; TypeScript
 * types are derived from these (see `types/generation-jobs.ts`).
 */
import { literals } from "convex-helpers/validators";
import { zodToConvex } from "convex-helpers/server/zod4";
import { v, type Infer } from "convex/values";
import { z } from "zod";

// ── Job lifecycle ───────────────────────────────────────────────────────────

export const JOB_STATUSES = [
  "pending",
  "processing",
  "completed",
  "failed",
  "cancelled",
] as const;
export const vJobStatus = literals(...JOB_STATUSES);
export type JobStatus = Infer<typeof vJobStatus>;

/** Statuses that count against the per-user concurrency limit. */
export const ACTIVE_JOB_STATUSES = ["pending", "processing"] as const satisfies readonly JobStatus[];

export const JOB_PHASES = ["clarifying", "generating", "finalizing"] as const;
export const vJobPhase = literals(...JOB_PHASES);
export type JobPhase = Infer<typeof vJobPhase>;

/** Why a job failed. `retryable` on the job says whether Retry is offered. */
export const ERROR_CODES = [
  "RATE_LIMIT", // the model provider said 429: retryable
  "API_KEY", // 401/403: a configuration problem, not retryable
  "NETWORK", // connection dropped or timed out: retryable
  "INVALID_OUTPUT", // the model's output did not match the schema: retryable
  "CONTENT_BLOCKED", // the provider's safety filter refused the prompt or stopped the answer: not retryable
  "INTERRUPTED", // the action died (crash, deploy, timeout): retryable
  "MODEL_NOT_CONFIGURED", // the deployment has no model set up: not retryable
  "UNKNOWN", // anything else: not retryable
] as const;
export const vErrorCode = literals(...ERROR_CODES);
export type ErrorCode = Infer<typeof vErrorCode>;

/** Kinds of background job. Only question generation exists today; the field
 * lets other kinds share the table, the panel and the engine later. */
export const vJobKind = literals("questions");
export type JobKind = Infer<typeof vJobKind>;

/** Which model produced a job's questions (shown on the card). Scripted test
 * models speak the OpenAI-compatible protocol or pose as the sample model. */
export const MODEL_KINDS = ["gemini", "openai-compatible", "sample"] as const;
export const vModelKind = literals(...MODEL_KINDS);
export type ModelKind = Infer<typeof vModelKind>;

// ── Questions ───────────────────────────────────────────────────────────────

export const QUESTION_TYPES = ["multiple-choice", "true-false"] as const;
export const DIFFICULTIES = ["easy", "medium", "hard"] as const;

/**
 * The shape the model must produce for each question (the contract of
 * `streamText` + `Output.array`). Only complete elements that parse against it
 * are saved; `normalizeQuestion` then checks what JSON Schema cannot express.
 */
export const generatedQuestionSchema = z.object({
  question: z.string().min(1).max(1000).describe("The question, one sentence or two."),
  type: z.enum(QUESTION_TYPES),
  options: z
    .array(z.string().min(1).max(300))
    .min(2)
    .max(6)
    .describe('For true-false exactly ["True", "False"]; for multiple-choice 4 options.'),
  correctAnswer: z.string().min(1).max(300).describe("Exactly one of the options."),
  explanation: z.string().max(2000).describe("Why the answer is right, in one or two sentences."),
  difficulty: z.enum(DIFFICULTIES),
});
export type GeneratedQuestion = z.infer<typeof generatedQuestionSchema>;

/** The same shape as a Convex validator, for `saveBatch`'s args and the schema. */
export const vGeneratedQuestion = zodToConvex(generatedQuestionSchema);

export const CARD_STATES = ["new", "learning", "review", "relearning"] as const;
export const vCardState = literals(...CARD_STATES);
export type CardState = Infer<typeof vCardState>;

/** An FSRS card (ts-fsrs `Card`), stored on each question. Times in ms. */
export const vCard = v.object({
  state: vCardState,
  due: v.number(),
  stability: v.number(),
  difficulty: v.number(),
  elapsedDays: v.number(),
  scheduledDays: v.number(),
  learningSteps: v.number(),
  reps: v.number(),
  lapses: v.number(),
  lastReview: v.optional(v.number()),
});
export type CardFields = Infer<typeof vCard>;

export const REVIEW_RATINGS = ["again", "hard", "good", "easy"] as const;
export const vReviewRating = literals(...REVIEW_RATINGS);
export type ReviewRating = Infer<typeof vReviewRating>;

// ── Documents ───────────────────────────────────────────────────────────────

/** Fields of a job its owner sees. The table adds private bookkeeping
 * (`userId`, `questionIds`, `ipAddress`, `idempotencyKey`, `scheduledFunctionId`). */
export const publicJobFields = {
  kind: vJobKind,
  prompt: v.string(),
  status: vJobStatus,
  phase: vJobPhase,
  /** Complete questions the model has produced so far (saved, or rejected as invalid or duplicate). */
  questionsGenerated: v.number(),
  questionsSaved: v.number(),
  estimatedTotal: v.optional(v.number()),
  topic: v.optional(v.string()),
  durationMs: v.optional(v.number()),
  errorMessage: v.optional(v.string()),
  errorCode: v.optional(vErrorCode),
  retryable: v.optional(v.boolean()),
  createdAt: v.number(),
  /** When the latest attempt started processing. */
  startedAt: v.optional(v.number()),
  completedAt: v.optional(v.number()),
  /** Heartbeat: set on creation, on every state change and on every batch. */
  lastProgressAt: v.number(),
  /** 1 on creation, +1 per retry. */
  attempts: v.number(),
  /** The model that ran the latest attempt. */
  model: v.optional(vModelKind),
};
export const vPublicJob = v.object({
  _id: v.id("generationJobs"),
  _creationTime: v.number(),
  ...publicJobFields,
});
export type PublicJob = Infer<typeof vPublicJob>;

export const questionFields = {
  userId: v.string(),
  ...vGeneratedQuestion.fields,
  topic: v.string(),
  generationJobId: v.optional(v.id("generationJobs")),
  createdAt: v.number(),
  card: vCard,
};
export const vQuestion = v.object({
  _id: v.id("questions"),
  _creationTime: v.number(),
  ...questionFields,
});
export type QuestionDoc = Infer<typeof vQuestion>;
