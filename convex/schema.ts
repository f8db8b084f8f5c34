import { defineSchema, defineTable } from "convex/server";
import { v } from "convex/values";
import {
  publicJobFields,
  questionFields,
  questionSearchFields,
  reviewLogFields,
  sectionPlaceFields,
  sourceFields,
  vReviewDay,
  vSourcePlan,
  vStoredJobPhase,
  vStudySettings,
} from "../lib/validators";

/**
 * `userId` everywhere is the caller's `tokenIdentifier` (issuer + subject), so
 * identities from different auth providers can never collide.
 */
export default defineSchema({
  /**
   * One background generation request and its live progress.
   * Inserted by `generationJobs.createJob`; every status change and progress
   * write goes through `jobTransitions.ts` (called by the public API,
   * `aiGeneration.processJob`, `batches.saveBatch` and the sweeper
   * `maintenance.recoverStuckJobs`). Deleted only by `maintenance.cleanup`.
   */
  generationJobs: defineTable({
    userId: v.string(),
    ...publicJobFields,
    /** `publicJobFields.phase`, or its old name on jobs not yet migrated (`migrations.renamePlanningPhase`). */
    phase: vStoredJobPhase,
    idempotencyKey: v.optional(v.string()),
    /** The scheduled `processJob` of the latest attempt; the sweeper reads its state. */
    scheduledFunctionId: v.optional(v.id("_scheduled_functions")),
    /** While an attempt holds a slot of the pool: the tokens it reserved from its user's day
     * (`MAX_ATTEMPT_TOKENS` at most; released when it leaves the pool), and the estimate it took
     * from the model's shared quota. */
    tokenReservation: v.optional(v.object({ day: v.string(), tokens: v.number() })),
    quotaTokens: v.optional(v.number()),
    /** Times the provider's 429 sent the job back to the queue (`MAX_RATE_LIMIT_REQUEUES` at most). */
    rateLimitRequeues: v.optional(v.number()),
    /** Times the job made way for another learner's first job (`MAX_YIELDS_PER_JOB` at most: `makeWayIfWaited`). */
    yields: v.optional(v.number()),
    /** A job over a learner's source (`source`): its sections' plan and the step it is on. Each step is one
     * dispatch of the pool; the job goes back to the queue between steps, its attempt still open. */
    sourcePlan: v.optional(vSourcePlan),
    /** When the current dispatch started processing (a source's step; else the attempt's start): how
     * long it held its slot of the pool. */
    runStartedAt: v.optional(v.number()),
    /** No longer written or read: left on jobs stored before they were dropped, until
     * `renamePlanningPhase` visits the job or `cleanup` deletes it. Remove once none is left. */
    questionIds: v.optional(v.array(v.id("questions"))),
    ipAddress: v.optional(v.string()),
  })
    // getRecentJobs: a user's jobs, newest first.
    .index("by_user_created", ["userId", "createdAt"])
    // Active jobs (badge, concurrency limit) and the panel's status filter.
    .index("by_user_status", ["userId", "status", "createdAt"])
    // cleanup: finished jobs of one status, oldest first.
    .index("by_status_created", ["status", "createdAt"])
    // recoverStuckJobs: active jobs whose heartbeat is old.
    .index("by_status_progress", ["status", "lastProgressAt"])
    // createJob: same idempotency key, same job.
    .index("by_user_idempotency", ["userId", "idempotencyKey"])
    // migrations.renamePlanningPhase: jobs still in the planning phase's old name.
    .index("by_phase", ["phase"])
    // renameTopic, mergeTopic: a topic's jobs move with its questions.
    .index("by_user_topic", ["userId", "topic"])
    // deleteSource: the jobs over a source, by status (one running or paused keeps it).
    .index("by_source_status", ["source.sourceId", "status"]),

  /**
   * A study question with its FSRS card (and its duplicate signatures in `questionSignatures`).
   * Written by `batches.saveBatch` (insert, from a job), `addQuestions.ts`
   * (insert: by hand, imported), `review.recordReview` (the card),
   * `manageQuestions.ts` (edit, soft delete, suspend, flag), `topics.ts` (rename,
   * merge) and `migrations.ts` (topic, search fields, `signatureVersion`). Purged by `maintenance.cleanup` only once
   * soft-deleted; never deleted with their job.
   */
  questions: defineTable({ ...questionFields, ...questionSearchFields })
    // My Questions, newest first.
    .index("by_user_created", ["userId", "createdAt"])
    // My Questions filtered by topic.
    .index("by_user_topic", ["userId", "topic", "createdAt"])
    // A job's questions (job detail, My Questions by job, retry dedup).
    .index("by_user_job", ["userId", "generationJobId", "createdAt"])
    // My Questions without deleted ones (`deletedAt` absent), newest first; a bulk undo (same `deletedAt`).
    .index("by_user_live", ["userId", "deletedAt", "createdAt"])
    .index("by_user_topic_live", ["userId", "topic", "deletedAt", "createdAt"])
    // Review: live, unsuspended questions by due time, all of them or one topic's.
    .index("by_user_review", ["userId", "deletedAt", "suspended", "card.due"])
    .index("by_user_topic_review", ["userId", "topic", "deletedAt", "suspended", "card.due"])
    // cleanup: soft-deleted questions, oldest delete first.
    .index("by_deleted", ["deletedAt"])
    // migrations.backfillQuestionSignatures: questions whose signatures are missing or of an older version.
    .index("by_signature_version", ["signatureVersion"])
    // My Questions filtered by source: live questions written from one source, newest first.
    .index("by_user_source_live", ["userId", "source.sourceId", "deletedAt", "createdAt"])
    // Review with the new-cards limit, and the due forecast: studied and new cards apart, by due time.
    .index("by_user_state_due", ["userId", "deletedAt", "suspended", "card.state", "card.due"])
    .index("by_user_topic_state_due", ["userId", "topic", "deletedAt", "suspended", "card.state", "card.due"])
    // My Questions' other views and orders (`convex/lib/questionListing.ts`): every list is an index range.
    .index("by_user_live_due", ["userId", "deletedAt", "card.due"])
    .index("by_user_live_topic", ["userId", "deletedAt", "topic", "createdAt"])
    .index("by_user_topic_live_due", ["userId", "topic", "deletedAt", "card.due"])
    .index("by_user_flagged", ["userId", "deletedAt", "flag.flaggedAt"])
    .index("by_user_topic_flagged", ["userId", "topic", "deletedAt", "flag.flaggedAt"])
    .index("by_user_suspended", ["userId", "deletedAt", "suspended", "createdAt"])
    .index("by_user_topic_suspended", ["userId", "topic", "deletedAt", "suspended", "createdAt"])
    .index("by_user_needs_look", ["userId", "deletedAt", "needsLook", "createdAt"])
    .index("by_user_topic_needs_look", ["userId", "topic", "deletedAt", "needsLook", "createdAt"])
    // Adding and importing: the caller's live question with the same text (`textKey`), if any.
    .index("by_user_text_key", ["userId", "textKey", "deletedAt"])
    // migrations.backfillSearchFields: questions whose search fields are missing or older than SEARCH_FIELDS_VERSION.
    .index("by_search_version", ["searchVersion"])
    // Search over text, options and explanations, within the caller's live questions.
    .searchIndex("search_text", {
      searchField: "searchText",
      filterFields: ["userId", "deletedAt", "suspended", "topic", "generationJobId"],
    }),

  /**
   * The duplicate finder's index of each live question: one row per MinHash band key
   * (`duplicateBandKeys`, `lib/questionDuplicates.ts`). Kept in step with `questions` by
   * `convex/lib/questionSignatures.ts`: written by `batches.saveBatch` (insert), `addQuestions.createQuestion`
   * (insert), `manageQuestions.ts` (edit, delete, restore) and `migrations.backfillQuestionSignatures`
   * (older and imported questions); deleted
   * with a question's soft delete (so a purged question has none left).
   */
  questionSignatures: defineTable({
    userId: v.string(),
    questionId: v.id("questions"),
    bandKey: v.string(),
  })
    // A new or edited question's candidates: the owner's questions sharing a band key.
    .index("by_user_band", ["userId", "bandKey"])
    // A question's rows (edit, delete).
    .index("by_question", ["questionId"]),

  /**
   * Every rating a learner gave, newest last: undo reads and deletes the latest
   * (`review.undoLastReview`). Inserted by `review.recordReview`.
   */
  reviewLog: defineTable(reviewLogFields).index("by_user_reviewed", ["userId", "reviewedAt"]),

  /**
   * A learner's review totals per local day: the statistics page and today's
   * new-card count read these instead of the log. Kept in step with the log by
   * `review.recordReview` and `review.undoLastReview`.
   */
  reviewDays: defineTable({ userId: v.string(), ...vReviewDay.fields }).index("by_user_day", ["userId", "day"]),

  /** What a learner chose (absent: the defaults). Written by `settings.updateSettings`. */
  userSettings: defineTable({ userId: v.string(), ...vStudySettings.fields }).index("by_user", ["userId"]),

  /**
   * Model tokens a user's finished attempts used, per UTC day: what the daily
   * budget (`JOB_CONFIG.DAILY_TOKEN_BUDGET`) is checked against. Written with
   * an attempt's end (the ledger in `admission.ts`); old days deleted by `cleanup`.
   */
  dailyUsage: defineTable({
    userId: v.string(),
    /** "YYYY-MM-DD", UTC. */
    day: v.string(),
    inputTokens: v.number(),
    outputTokens: v.number(),
    /** Tokens reserved by the user's attempts running now (each `tokenReservation`). */
    reservedTokens: v.optional(v.number()),
  })
    .index("by_user_day", ["userId", "day"])
    .index("by_day", ["day"]),

  /**
   * The generation pool, one row: how many attempts hold a slot (`running`,
   * kept by `transition` as jobs enter and leave `pending`/`processing`), how
   * long attempts take (for the queue's start estimates), the backoff after
   * the provider's 429, and when a dispatch is scheduled. Created on first use.
   */
  generationPool: defineTable({
    running: v.number(),
    /** Average duration of recent attempts (ms, exponential moving average). */
    avgAttemptMs: v.optional(v.number()),
    /** Dispatching pauses until then after a 429; `backoffMs` doubles per 429 and resets after a success. */
    backoffUntil: v.optional(v.number()),
    backoffMs: v.optional(v.number()),
    /** When the scheduled `generationQueue.dispatch` runs (quota or backoff wait), if one is scheduled: at most one is. */
    dispatchAt: v.optional(v.number()),
    /** That scheduled dispatch, so an earlier one can replace it. */
    dispatchId: v.optional(v.id("_scheduled_functions")),
    /** The last time `running` changed or a job was dispatched (the sweeper reconciles a pool stuck longer). */
    changedAt: v.number(),
  }),

  /**
   * Jobs waiting for the pool, one row per `queued` job (inserted and deleted by
   * `transition`), in dispatch order: `round` is how many other jobs its user
   * had queued or running when it joined (round robin by user; at least 1 for a
   * job that made way: it has run), then `queuedAt`.
   */
  generationQueue: defineTable({
    jobId: v.id("generationJobs"),
    userId: v.string(),
    round: v.number(),
    queuedAt: v.number(),
  })
    .index("by_order", ["round", "queuedAt"])
    .index("by_job", ["jobId"]),

  /**
   * The topics a user has questions in (the My Questions filter).
   * Upserted by `batches.saveBatch` with a job's first saved question and by
   * `addQuestions.ts`; renamed and merged by their owner (`topics.ts`);
   * merged by `migrations.mergeTopics` (one row per `key`).
   */
  topics: defineTable({
    userId: v.string(),
    name: v.string(),
    lastUsedAt: v.number(),
    /** `topicKey(name)` (`lib/topics.ts`): a new job's topic joins the user's topic with the same key.
     * Absent on topics from before it existed, until `migrations.mergeTopics` has run (started by
     * `migrations.startPendingMigrations`, hourly, while any is left). */
    key: v.optional(v.string()),
  })
    .index("by_user_name", ["userId", "name"])
    .index("by_user_last_used", ["userId", "lastUsedAt"])
    .index("by_user_key", ["userId", "key"])
    .index("by_key", ["key"]),

  /**
   * A learner's own material (notes, a Markdown or text file, a PDF's text), once per user and text
   * (`contentHash`). Written by `sources.ts` only: begun `uploading` (`beginSource`), `ready` once
   * `finishSource` has checked the text whole and written its sections; deleted by `deleteSource`, or
   * by `discardDraft` when an upload is abandoned. Only ready sources are listed or read.
   */
  sources: defineTable(sourceFields)
    // One source per user and text; a user's sources (the per-user limit).
    .index("by_user_hash", ["userId", "contentHash"])
    // The caller's ready sources, most recently used first.
    .index("by_user_status_used", ["userId", "status", "lastUsedAt"]),

  /**
   * A source's text in pieces within the document size limit (`SOURCE_CHUNK_CHARS`), written by
   * `sources.appendSourceChunks` (by `index`, so a retried upload rewrites them) and given their `start`
   * offset by `finishSource`. Deleted with their source.
   */
  sourceChunks: defineTable({
    sourceId: v.id("sources"),
    index: v.number(),
    text: v.string(),
    /** Offset of the chunk's first character in the source's text; set when the source is finished. */
    start: v.optional(v.number()),
  })
    .index("by_source_index", ["sourceId", "index"])
    // The chunks holding a span of the text (a section).
    .index("by_source_start", ["sourceId", "start"]),

  /** The places of a ready source's sections (`sectionSource`), written by `sources.finishSource`; deleted with their source. */
  sourceSections: defineTable({
    sourceId: v.id("sources"),
    index: v.number(),
    ...sectionPlaceFields,
  }).index("by_source_index", ["sourceId", "index"]),
});
