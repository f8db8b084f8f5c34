/**
 * Validators of the job system's data, shared by the schema, the functions'
 * `args`/`returns` and the web app. Every literal union is defined here once,
 * and TypeScript types are derived from these.
 *
 * Only `convex/values` validators: no zod, nothing from `convex/`, so the web
 * app imports this file without pulling server code into the browser. The
 * model's zod contract (`convex/lib/ai/questionSchema.ts`) is checked against
 * `vGeneratedQuestion` by a test.
 */
import { literals } from "convex-helpers/validators";
import { v, type Infer } from "convex/values";

// ── Job lifecycle ───────────────────────────────────────────────────────────

export const JOB_STATUSES = ["queued", "pending", "processing", "paused", "completed", "failed", "cancelled"] as const;
export const vJobStatus = literals(...JOB_STATUSES);
export type JobStatus = Infer<typeof vJobStatus>;

/** Statuses that count against the per-user concurrency limit: waiting for the
 * pool, or holding a slot of it. A `paused` job does not: it runs nothing until
 * it is resumed (which counts again). */
export const ACTIVE_JOB_STATUSES = ["queued", "pending", "processing"] as const satisfies readonly JobStatus[];

/** Statuses that hold a slot of the generation pool (`MAX_PARALLEL_GENERATIONS`):
 * dispatched with its action scheduled, or running. */
export const RUNNING_JOB_STATUSES = ["pending", "processing"] as const satisfies readonly JobStatus[];

/** What a processing job is doing: writing its plan (topic, count), its questions, or its last batch. */
export const JOB_PHASES = ["planning", "generating", "finalizing"] as const;
export const vJobPhase = literals(...JOB_PHASES);
export type JobPhase = Infer<typeof vJobPhase>;
/** The planning phase's name before it was renamed: only on jobs stored before then, until
 * `migrations.renamePlanningPhase` has run (`vStoredJobPhase` is what the schema accepts). */
export const LEGACY_PLANNING_PHASE = "clarifying";
export const vStoredJobPhase = v.union(vJobPhase, v.literal(LEGACY_PLANNING_PHASE));

/** Why a job failed. `retryable` on the job says whether Retry is offered. */
export const ERROR_CODES = [
  "RATE_LIMIT", // the model provider said 429: retryable
  "API_KEY", // 401/403: a configuration problem, not retryable
  "NETWORK", // connection dropped or timed out: retryable
  "INVALID_OUTPUT", // the model's output did not match the schema: retryable
  "CONTENT_BLOCKED", // the provider's safety filter refused the prompt or stopped the answer: not retryable
  "INTERRUPTED", // the action died (crash, deploy, timeout): retryable
  "MODEL_NOT_CONFIGURED", // the deployment has no model set up: not retryable
  "BUDGET_EXCEEDED", // the user's daily token budget ran out during the attempt: continued after it resets
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

/** What a question says: the part a learner edits and the database keeps. */
export const questionContentFields = {
  question: v.string(),
  type: literals(...QUESTION_TYPES),
  options: v.array(v.string()),
  correctAnswer: v.string(),
  explanation: v.string(),
  difficulty: literals(...DIFFICULTIES),
};
export const vQuestionContent = v.object(questionContentFields);
export type QuestionContent = Infer<typeof vQuestionContent>;

/**
 * A question as the model writes it. The model's zod contract (with its
 * length limits and descriptions) must match it:
 * `convex/lib/ai/questionSchema.test.ts`. A question written from a section of
 * the learner's source also says what supports its answer: the words of the
 * section it rests on (`quote`, checked against the section before it is
 * kept), or that it rests on general knowledge instead.
 */
export const vGeneratedQuestion = v.object({
  ...questionContentFields,
  quote: v.optional(v.string()),
  generalKnowledge: v.optional(v.boolean()),
});
export type GeneratedQuestion = Infer<typeof vGeneratedQuestion>;

/**
 * Where a question written from a learner's source comes from: the source, its
 * section and that section's place (heading, pages), and the verified quote
 * with some of the section around it (`quoteInContext`), kept on the question
 * so it shows even after the source is deleted. No `quote`: the question rests
 * on general knowledge, and is never shown as sourced.
 */
export const vQuestionSource = v.object({
  sourceId: v.id("sources"),
  /** The source's name when the question was written (a file name, or pasted text's first line). */
  name: v.string(),
  sectionIndex: v.number(),
  heading: v.optional(v.string()),
  pageStart: v.optional(v.number()),
  pageEnd: v.optional(v.number()),
  quote: v.optional(
    v.object({
      /** The quoted words exactly as the section has them. */
      text: v.string(),
      /** Up to `QUOTE_CONTEXT_CHARS` of the section before and after them, cut at word boundaries. */
      before: v.string(),
      after: v.string(),
      /** Whether the section goes on beyond `before` / `after`. */
      cutBefore: v.boolean(),
      cutAfter: v.boolean(),
    }),
  ),
});
export type QuestionSource = Infer<typeof vQuestionSource>;

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

// ── Question flaws ──────────────────────────────────────────────────────────

/** Item-writing flaws the question checker reports (`lib/questionFlaws.ts` says what each means and how severe it is). */
export const QUESTION_FLAW_CODES = [
  "ANSWER_IN_STEM",
  "LONGEST_ANSWER",
  "ALL_OR_NONE_OF_THE_ABOVE",
  "NEGATIVE_STEM",
  "ABSOLUTE_TERMS",
  "GRAMMAR_CUE",
  "DUPLICATE_OPTIONS",
  "VAGUE_TERMS",
  "EXPLANATION_MISMATCH",
  "DUPLICATE_QUESTION",
] as const;
export const vQuestionFlawCode = literals(...QUESTION_FLAW_CODES);
export type QuestionFlawCode = Infer<typeof vQuestionFlawCode>;

/** A flaw found in a question, with the reason shown to the learner (`QuestionFlaw` without its severity). */
export const vFlawNote = v.object({ code: vQuestionFlawCode, reason: v.string() });
export type FlawNote = Infer<typeof vFlawNote>;

/** A question that passed the quality gate's checks, with the mild flaws it is saved marked with (none: clean). */
export const vGatedQuestion = v.object({ ...vGeneratedQuestion.fields, flaws: v.optional(v.array(vFlawNote)) });
export type GatedQuestion = Infer<typeof vGatedQuestion>;

/** A question as a running attempt saves it (`saveBatch`): what it says, from a source where from, and the
 * mild flaws the gate found (saved marked with them: "Needs a look"). */
export const vQuestionToSave = v.object({
  ...questionContentFields,
  source: v.optional(vQuestionSource),
  flaws: v.optional(v.array(vFlawNote)),
});
export type QuestionToSave = Infer<typeof vQuestionToSave>;

/** What became of a question the gate rejected: replaced by the attempt's one rewrite, or dropped. */
export const GATE_OUTCOMES = ["rewritten", "dropped"] as const;

/** One question the gate rejected, as the job page lists it (a job keeps the last `MAX_GATE_NOTES`). */
export const vGateNote = v.object({
  /** The rejected question's text. */
  question: v.string(),
  flaws: v.array(vFlawNote),
  outcome: literals(...GATE_OUTCOMES),
  /** The text of the question that replaced it (`rewritten` only). */
  replacement: v.optional(v.string()),
});
export type GateNote = Infer<typeof vGateNote>;

/**
 * What an attempt tells `saveBatch` the gate rejected: each question with its flaws and, when the
 * rewrite wrote one in its place, that question's index in the batch (it counts as rewritten once
 * saved; otherwise the rejected question is dropped).
 */
export const vGateReport = v.object({
  rejected: v.array(v.object({ question: v.string(), flaws: v.array(vFlawNote), replacement: v.optional(v.number()) })),
});
export type GateReport = Infer<typeof vGateReport>;

/** What the quality gate did in a job, over all its attempts. */
export const vQualityGateRecord = v.object({
  /** Rejected questions replaced by a rewrite. */
  rewritten: v.number(),
  /** Rejected questions not replaced (the rewrite failed the gate too, or none could be asked for). */
  dropped: v.number(),
  /** Questions saved with mild flaws ("Needs a look"). */
  marked: v.number(),
  notes: v.array(vGateNote),
});
export type QualityGateRecord = Infer<typeof vQualityGateRecord>;

// ── Documents ───────────────────────────────────────────────────────────────

/** Tokens a model call used, as the provider reported them, or estimated from
 * the text (about 4 characters a token) when it reported none (an aborted
 * stream, a provider without usage). */
export const vTokenUsage = v.object({
  inputTokens: v.number(),
  outputTokens: v.number(),
  estimated: v.boolean(),
});
export type TokenUsage = Infer<typeof vTokenUsage>;

/** How an attempt ended (`requeued`: the provider was rate limited, so the job went back to the queue;
 * `yielded`: it made way for another learner's first job and went back to the queue). */
export const ATTEMPT_OUTCOMES = ["completed", "failed", "cancelled", "paused", "requeued", "yielded"] as const;
export type AttemptOutcome = (typeof ATTEMPT_OUTCOMES)[number];

/** One attempt of a job (its first run, and each retry): kept on the job,
 * the latest `MAX_ATTEMPT_HISTORY`, so the timeline shows every failure. */
export const vAttemptRecord = v.object({
  attempt: v.number(),
  startedAt: v.number(),
  endedAt: v.optional(v.number()),
  outcome: v.optional(literals(...ATTEMPT_OUTCOMES)),
  errorCode: v.optional(vErrorCode),
  /** The job's saved questions when the attempt ended. */
  questionsSaved: v.optional(v.number()),
  inputTokens: v.optional(v.number()),
  outputTokens: v.optional(v.number()),
});
export type AttemptRecord = Infer<typeof vAttemptRecord>;

/**
 * A job over a learner's source, as its owner sees it: the source, and where
 * the job is in its plan. `steps` counts the sections it writes questions from
 * (those the spread gave at least one); `step` is the one it is on, from 1, and
 * `heading`/pages say where that section is.
 */
export const vJobSource = v.object({
  sourceId: v.id("sources"),
  name: v.string(),
  step: v.number(),
  steps: v.number(),
  heading: v.optional(v.string()),
  pageStart: v.optional(v.number()),
  pageEnd: v.optional(v.number()),
});
export type JobSource = Infer<typeof vJobSource>;

/**
 * A job's plan over its source (kept on the job, not shown): one step per
 * section that gets questions, in the source's order, with how many it gets
 * (`spreadQuestions`), its length (for estimates) and its place; the job holds
 * `base` plus the questions of steps 0..k once step k is done.
 */
export const vSourcePlanStep = v.object({
  section: v.number(),
  questions: v.number(),
  chars: v.number(),
  heading: v.optional(v.string()),
  pageStart: v.optional(v.number()),
  pageEnd: v.optional(v.number()),
});
export type SourcePlanStep = Infer<typeof vSourcePlanStep>;
export const vSourcePlan = v.object({
  steps: v.array(vSourcePlanStep),
  /** Questions the job held when this plan began (0, or when "more" extended it). */
  base: v.number(),
  /** The step being written, from 0. */
  step: v.number(),
});
export type SourcePlan = Infer<typeof vSourcePlan>;

/** Fields of a job its owner sees. The table adds private bookkeeping
 * (`userId`, `idempotencyKey`, `scheduledFunctionId`). */
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
  /** When the job last joined the queue (created, resumed, retried, extended or requeued). */
  queuedAt: v.optional(v.number()),
  /** When the latest attempt started processing. */
  startedAt: v.optional(v.number()),
  completedAt: v.optional(v.number()),
  /** Heartbeat: set on creation, on every state change and on every batch. */
  lastProgressAt: v.number(),
  /** 1 on creation, +1 per retry, resume, continue or "more". */
  attempts: v.number(),
  /** The model that ran the latest attempt. */
  model: v.optional(vModelKind),
  /** Complete questions the model wrote that were unusable (schema, or an answer not among the options). */
  questionsSkipped: v.optional(v.number()),
  /** Tokens of all attempts; `usageEstimated` when any of them was estimated. */
  inputTokens: v.optional(v.number()),
  outputTokens: v.optional(v.number()),
  usageEstimated: v.optional(v.boolean()),
  /** The latest attempts, oldest first. */
  attemptHistory: v.optional(v.array(vAttemptRecord)),
  /** What the quality gate rejected, rewrote and marked (absent until it did something). */
  qualityGate: v.optional(vQualityGateRecord),
  /** A job over a learner's source: which, and which of its sections it is writing ("section 3 of 12"). */
  source: v.optional(vJobSource),
};
export const vPublicJob = v.object({
  _id: v.id("generationJobs"),
  _creationTime: v.number(),
  ...publicJobFields,
});
export type PublicJob = Infer<typeof vPublicJob>;

export const questionFields = {
  userId: v.string(),
  ...questionContentFields,
  /** Written from a learner's source: where from (the verified quote, or general knowledge). */
  source: v.optional(vQuestionSource),
  topic: v.string(),
  generationJobId: v.optional(v.id("generationJobs")),
  createdAt: v.number(),
  card: vCard,
  /** When its owner deleted it (soft delete, undoable); purged by `cleanup` after
   * `DELETED_QUESTION_RETENTION_DAYS`. Absent on a live question (indexes match on absence). */
  deletedAt: v.optional(v.number()),
  /** Never due while set. Always `true` or absent, so indexes can match on absence. */
  suspended: v.optional(v.literal(true)),
  /** Flagged as wrong during review ("This question is wrong"); cleared by an edit. */
  flag: v.optional(v.object({ reason: v.optional(v.string()), flaggedAt: v.number() })),
  /** When its owner last edited it. */
  editedAt: v.optional(v.number()),
  /** The mild item-writing flaws it was saved with (`lib/questionFlaws.ts`), each with its reason. */
  flaws: v.optional(v.array(vFlawNote)),
  /** "Needs a look": set exactly when `flaws` has any. Always `true` or absent, so an index can match on it. */
  needsLook: v.optional(v.literal(true)),
  /** The `DUPLICATE_SIGNATURE_VERSION` of its rows in `questionSignatures` (kept while it is live); absent on
   * questions saved before them, until `migrations.backfillQuestionSignatures` has visited it. */
  signatureVersion: v.optional(v.number()),
};
/** Derived from the text on every insert and edit (`searchFields`, `convex/lib/searchFields.ts`): the words of
 * its text, options and explanation for the search index; the key duplicates are found by; the version of
 * both (`migrations.backfillSearchFields` fills in older questions). Absent only on questions from before them.
 * Server-side only: they repeat the text, so a client never gets them (`withoutSearchFields`). */
export const questionSearchFields = {
  searchText: v.optional(v.string()),
  textKey: v.optional(v.string()),
  searchVersion: v.optional(v.number()),
};
/** A question as a client gets it: the stored one without `questionSearchFields`. */
export const vQuestion = v.object({
  _id: v.id("questions"),
  _creationTime: v.number(),
  ...questionFields,
});
export type QuestionDoc = Infer<typeof vQuestion>;

/**
 * Which questions My Questions shows (`lib/questionFilters.ts` has their labels and orders): all live ones,
 * those due now, those flagged as wrong, the suspended ones, those the quality gate marked "Needs a look". A new kind is one entry here, one in
 * `SHOW_FILTERS` and its index plan in `convex/lib/questionListing.ts`.
 */
export const QUESTION_SHOWS = ["all", "due", "flagged", "suspended", "needs-look"] as const;
export const vQuestionShow = literals(...QUESTION_SHOWS);
export type QuestionShow = Infer<typeof vQuestionShow>;

/** How My Questions orders a list (a search is ordered by relevance). */
export const QUESTION_SORTS = ["newest", "oldest", "due", "topic"] as const;
export const vQuestionSort = literals(...QUESTION_SORTS);
export type QuestionSort = Infer<typeof vQuestionSort>;

/** A My Questions view's filter: what to show (default "all"), optionally only one topic's, one job's, or those
 * written from one of the learner's sources (`sourceId`: all of them, newest or oldest first). */
export const vQuestionFilter = v.object({
  show: v.optional(vQuestionShow),
  topic: v.optional(v.string()),
  jobId: v.optional(v.string()),
  sourceId: v.optional(v.string()),
});
export type QuestionFilter = Infer<typeof vQuestionFilter>;

/** Which of the caller's questions a bulk action, a review session or an export covers:
 * a selection (ids, at most `MAX_SELECTION`), one job's, one topic's, or every one a filter matches. */
export const vQuestionScope = v.union(
  v.object({ kind: v.literal("questions"), ids: v.array(v.string()) }),
  v.object({ kind: v.literal("job"), jobId: v.string() }),
  v.object({ kind: v.literal("topic"), topic: v.string() }),
  v.object({ kind: v.literal("filter"), filter: vQuestionFilter }),
);
export type QuestionScope = Infer<typeof vQuestionScope>;

/** What a bulk action does to the questions of a scope. */
export const BULK_ACTIONS = ["delete", "restore", "suspend", "unsuspend"] as const;
export const vBulkAction = literals(...BULK_ACTIONS);
export type BulkAction = Infer<typeof vBulkAction>;

// ── Review history and settings ─────────────────────────────────────────────

/** One rating, as the review log keeps it: enough to undo it exactly (`cardBefore`). */
export const reviewLogFields = {
  userId: v.string(),
  questionId: v.id("questions"),
  reviewedAt: v.number(),
  /** The learner's local day of the review ("YYYY-MM-DD", `lib/days.ts`). */
  day: v.string(),
  rating: vReviewRating,
  /** Whether the chosen answer was the right one. */
  correct: v.boolean(),
  /** The card was new: this was its first review (it counts against the day's new cards). */
  wasNew: v.boolean(),
  /** The question's card before the rating; undo puts it back. */
  cardBefore: vCard,
};

/** A learner's totals for one local day (what the statistics page charts). */
export const vReviewDay = v.object({
  day: v.string(),
  /** Ratings given. */
  reviews: v.number(),
  /** Of those, answered right. */
  correct: v.number(),
  /** Of those, first reviews of new cards. */
  newCards: v.number(),
});
export type ReviewDay = Infer<typeof vReviewDay>;

/** What a learner can set. */
export const vStudySettings = v.object({
  /** New questions the review queue introduces per day (0 pauses new cards). */
  newCardsPerDay: v.number(),
});
export type StudySettings = Infer<typeof vStudySettings>;

// ── Sources (a learner's own material) ──────────────────────────────────────

/** What a source was read from: a Markdown file (or pasted Markdown), plain text, or a PDF's text layer. */
export const SOURCE_KINDS = ["markdown", "text", "pdf"] as const;
export const vSourceKind = literals(...SOURCE_KINDS);
export type SourceKind = Infer<typeof vSourceKind>;

/** Where a section of a source is: its heading, its pages (PDFs), and its span of the text (`start` inclusive, `end` exclusive). */
export const sectionPlaceFields = {
  heading: v.optional(v.string()),
  pageStart: v.optional(v.number()),
  pageEnd: v.optional(v.number()),
  start: v.number(),
  end: v.number(),
};
export const vSectionPlace = v.object(sectionPlaceFields);
export type SectionPlace = Infer<typeof vSectionPlace>;

/** A source is `uploading` until `finishSource` has checked its text whole; only then is it `ready` (usable). */
export const SOURCE_STATUSES = ["uploading", "ready"] as const;
export const vSourceStatus = literals(...SOURCE_STATUSES);
export type SourceStatus = Infer<typeof vSourceStatus>;

/** Fields of a source its owner sees (the table adds `userId`, `status`, `chunkCount`). */
export const publicSourceFields = {
  /** A file's name, or the first line of pasted text (`MAX_SOURCE_NAME_LENGTH`). */
  name: v.string(),
  kind: vSourceKind,
  /** SHA-256 of its text (`sourceContentHash`): one source per user and hash. */
  contentHash: v.string(),
  charCount: v.number(),
  /** PDFs only: pages, separated in the text by `PAGE_BREAK`. */
  pageCount: v.optional(v.number()),
  /** 0 until it is ready. */
  sectionCount: v.number(),
  createdAt: v.number(),
  /** When it was last added or reused (begun again with the same text). */
  lastUsedAt: v.number(),
};

export const sourceFields = {
  userId: v.string(),
  ...publicSourceFields,
  status: vSourceStatus,
  /** How many `sourceChunks` hold its text. */
  chunkCount: v.number(),
};

/** A ready source as its owner sees it in a list (its text and sections are read separately). */
export const vSourceSummary = v.object({ _id: v.id("sources"), ...publicSourceFields });
export type SourceSummary = Infer<typeof vSourceSummary>;

/** A ready source with the places of its sections, in order. */
export const vSourceWithSections = v.object({
  _id: v.id("sources"),
  ...publicSourceFields,
  sections: v.array(vSectionPlace),
});
export type SourceWithSections = Infer<typeof vSourceWithSections>;

// ── Adding questions ────────────────────────────────────────────────────────

/** One question read from an import file (`lib/importFile.ts`): the line it starts on, and its topic if the file names one. */
export const vImportRow = v.object({ line: v.number(), question: vGeneratedQuestion, topic: v.optional(v.string()) });
export type ImportRow = Infer<typeof vImportRow>;

/** What an import adds (or would add): questions, duplicates skipped, rows refused with their line and why. */
export const vImportReport = v.object({
  imported: v.number(),
  duplicates: v.number(),
  /** The lines of the duplicates (of an earlier row, or of a question the learner owns). */
  duplicateLines: v.array(v.number()),
  invalid: v.array(v.object({ line: v.number(), problem: v.string() })),
  /** The topics the questions go to, as they are named (an existing topic of the same key keeps its name). */
  topics: v.array(v.string()),
});
export type ImportReport = Infer<typeof vImportReport>;
