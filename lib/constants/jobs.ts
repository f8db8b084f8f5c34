/**
 * Limits and timings of the background question generation jobs, in one place.
 *
 * Read by the Convex functions (`convex/`) and by the web app (`components/`),
 * so a limit shown in the UI is always the limit the server enforces.
 * Each value says why it is what it is; CLAUDE.md lists where each one acts.
 */

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

export const JOB_CONFIG = {
  // ── Creating jobs ────────────────────────────────────────────────────────
  /** Jobs one user may have `pending` or `processing` at once. Counts both,
   * so a burst of creates cannot slip past while the first ones are queued. */
  MAX_CONCURRENT_PER_USER: 3,
  /** Shortest prompt that can name a topic ("C++", "DNA"). Counted after trimming. */
  MIN_PROMPT_LENGTH: 3,
  /** Longest prompt: room for pasted notes, small enough to keep a job doc light. */
  MAX_PROMPT_LENGTH: 5000,
  /** How long the form waits for `createJob` to answer before it says the
   * server can't be reached (the prompt is kept; the request, if it still
   * goes through, uses the same idempotency key as a retry would). */
  START_TIMEOUT_MS: 10 * SECOND,
  /** Longest client idempotency key (a UUID is 36). */
  MAX_IDEMPOTENCY_KEY_LENGTH: 128,
  /**
   * Per-user token bucket (`@convex-dev/rate-limiter`) on attempts started
   * (create, retry, resume, continue, more): a burst of `capacity`, refilled at `rate` per
   * `period`. Each job costs one model call, so this caps spend per user at
   * `rate` jobs per `period` while never getting in the way of normal study.
   * Rejected calls roll back and consume nothing.
   */
  RATE_LIMIT: { kind: "token bucket", rate: 20, period: HOUR, capacity: 6 },
  /**
   * Model tokens (input + output) one user may spend per UTC day. A
   * 20-question job uses a few thousand, so this only stops runaway use; it
   * is checked whenever an attempt starts (create, retry, resume, continue,
   * more), against what earlier attempts used (`dailyUsage`).
   */
  DAILY_TOKEN_BUDGET: 1_000_000,
  /** The most one attempt may spend: what it reserves from its user's day when
   * it starts (released when it ends, its real use counted instead), and the
   * cap of its model call (input plus `maxOutputTokens`). A 50-question attempt
   * uses about a third of it, so it never gets in the way; together with the
   * reservation it keeps a day from overshooting `DAILY_TOKEN_BUDGET`. */
  MAX_ATTEMPT_TOKENS: 30_000,

  // ── Sharing the deployment (the generation pool and the model's quota) ───
  /**
   * Attempts that may run at once across all users, unless the deployment sets
   * `MAX_PARALLEL_GENERATIONS`. Convex runs 10 scheduled functions at once on
   * Starter and self-hosted (300 on Professional), and a running attempt holds
   * one for its whole stream; 8 leaves 2 for the crons, bulk continuations and
   * component workers, so maintenance never waits behind generation.
   */
  DEFAULT_MAX_PARALLEL_GENERATIONS: 8,
  /** The model provider's quota shared by every user, unless the deployment
   * sets `MODEL_REQUESTS_PER_MINUTE` / `MODEL_TOKENS_PER_MINUTE`: Gemini 2.5
   * Flash's first paid tier allows 1,000 requests and 1,000,000 tokens a minute
   * (the free tier 10 and 250,000: set them lower there). An attempt makes one
   * request and takes its estimated tokens before it is dispatched; a job that
   * must wait stays queued. */
  DEFAULT_MODEL_REQUESTS_PER_MINUTE: 1000,
  DEFAULT_MODEL_TOKENS_PER_MINUTE: 1_000_000,
  /** Output tokens one question takes, for estimates before the call (a
   * question with four options and an explanation is 80-150). */
  TOKENS_PER_QUESTION_ESTIMATE: 150,
  /** After the provider answers 429 despite the quota, dispatching pauses for
   * this long, doubling on each further 429 up to the maximum, and resets
   * after an attempt completes; the rate-limited job goes back to the queue. */
  RATE_LIMIT_BACKOFF_MS: { initial: 5 * SECOND, max: 2 * MINUTE },
  /** Times a job goes back to the queue for the provider's 429 before it fails with RATE_LIMIT. */
  MAX_RATE_LIMIT_REQUEUES: 5,
  /**
   * Making way (`makesWay` in lib/queue.ts): while a learner's first job waits
   * for a full pool, a running job whose learner already has questions from it
   * gives up its slot at its next saved batch and goes back to the queue
   * behind every first job, to go on from where it stopped. It costs the job
   * one more model call, so a job makes way at most `MAX_YIELDS_PER_JOB`
   * times, and only with at least `MIN_QUESTIONS_LEFT_TO_YIELD` questions
   * still to write (fewer end sooner than a new call would start).
   */
  MAX_YIELDS_PER_JOB: 1,
  MIN_QUESTIONS_LEFT_TO_YIELD: 5,
  /** A queued job's place is counted exactly up to this; beyond, "100+ in line". */
  MAX_QUEUE_PLACE_COUNTED: 100,
  /** How long an attempt is taken to run before any has finished (the queue's
   * start estimates use the observed average after that). */
  DEFAULT_ATTEMPT_MS: 20 * SECOND,

  // ── Generating ───────────────────────────────────────────────────────────
  /** Bounds of the question count a job's plan may pick. */
  MIN_QUESTIONS: 5,
  MAX_QUESTIONS: 50,
  /** Questions a completed job's "more" adds to it (`extendJob`), up to `MAX_QUESTIONS`. */
  MORE_QUESTIONS_COUNT: 10,
  /** Used when the model gives no usable estimate. */
  DEFAULT_QUESTIONS: 10,
  /** A topic's name is a short title: it fits a filter menu and a card. */
  MAX_TOPIC_LENGTH: 60,
  /**
   * Saving: the first question is saved the moment it is complete; after
   * that, questions are saved in batches of up to `BATCH_SIZE`, or as soon as
   * the oldest unsaved one has waited `BATCH_MAX_WAIT_MS`. One mutation per
   * batch (not per question) keeps a job's function calls to a handful plus
   * one per batch (`npm run bench` measures them; README, "Benchmark").
   */
  BATCH_SIZE: 5,
  BATCH_MAX_WAIT_MS: 1500,
  /** With no question to save for this long, the action still calls
   * `saveBatch` (empty) to record a heartbeat and check for cancellation. */
  HEARTBEAT_INTERVAL_MS: 10 * SECOND,
  /** Between saves, a running attempt asks this often whether its job was
   * paused or cancelled (a query reading one document, no write), so the
   * model stream of a stopped job ends within a second whether or not the
   * model is talking. */
  STOP_CHECK_INTERVAL_MS: 800,
  /** A running job the UI has heard nothing from for this long (two missed
   * heartbeats) is shown as stalled ("no progress for 40 s") instead of
   * counting down: its action or the server may be gone. */
  STALLED_PROGRESS_AFTER_MS: 20 * SECOND,
  /** Once a job has its questions, how long the stream may take to finish on
   * its own (so the provider reports the tokens used) before it is aborted. */
  STREAM_FINISH_GRACE_MS: 2 * SECOND,
  /** Abort the model stream when no chunk arrives for this long (a hung
   * connection fails as NETWORK, retryable, instead of waiting forever). */
  STREAM_IDLE_TIMEOUT_MS: 30 * SECOND,
  /** Retries of one model call by the AI SDK (backoff 2 s, 4 s) before the
   * job fails with a classified, retryable error. */
  MODEL_MAX_RETRIES: 2,

  // ── Recovering ───────────────────────────────────────────────────────────
  /** An active job with no heartbeat for this long is checked by the
   * sweeper: if its action is no longer running, it fails as INTERRUPTED. */
  STALE_JOB_AFTER_MS: 2 * MINUTE,
  /** A running job whose action is known to be gone (failed, cancelled: a crash, a deploy) is failed
   * once it has missed two heartbeats (`HEARTBEAT_INTERVAL_MS`), so its slot of the pool frees soon. */
  DEAD_ACTION_AFTER_MS: 20 * SECOND,
  /** Convex stops any action after 10 minutes; a job silent for longer than
   * that cannot have a live action, whatever its scheduler state says. */
  ACTION_TIMEOUT_MS: 10 * MINUTE,
  /** Stuck jobs failed per sweeper run (more are taken on the next run). */
  RECOVERY_BATCH_SIZE: 100,

  // ── History ──────────────────────────────────────────────────────────────
  /** Completed and cancelled jobs are deleted after this many days
   * (their questions are kept). */
  COMPLETED_JOB_RETENTION_DAYS: 7,
  /** Failed and paused jobs stay longer so a user can still read what went
   * wrong, or resume. */
  FAILED_JOB_RETENTION_DAYS: 30,
  /** Jobs deleted per cleanup transaction. A job doc is at most ~12 KB
   * (5,000-char prompt, 50 question ids), so 500 stay far inside Convex's
   * per-transaction limits (16 MiB, 16,000 writes, 32,000 reads). */
  CLEANUP_BATCH_SIZE: 500,
  /** Attempts kept in a job's history (its timeline). */
  MAX_ATTEMPT_HISTORY: 5,
  /** Days a user's daily token totals are kept. */
  USAGE_RETENTION_DAYS: 30,
  /** Jobs shown in the background tasks panel. */
  RECENT_JOBS_DEFAULT_LIMIT: 20,
  RECENT_JOBS_MAX_LIMIT: 50,

  // ── Reading questions ────────────────────────────────────────────────────
  /** Largest page of questions a query returns. */
  MAX_PAGE_SIZE: 100,
  /** Longest page cursor a paginated query accepts: a cursor is a position in an index
   * (a user id, a topic and a few ids: hundreds of characters), so anything longer is not one. */
  MAX_CURSOR_LENGTH: 8192,
  /** Topics listed in My Questions' filter, most recently used first. */
  MAX_TOPICS_LISTED: 100,
  /** Due questions counted exactly up to this; the UI shows "99+" beyond. */
  MAX_DUE_COUNT: 99,
  /** Questions offered by "Practice anyway" when nothing is due, soonest due first. */
  PRACTICE_SESSION_SIZE: 20,

  // ── Reviewing ────────────────────────────────────────────────────────────
  /** New questions the review queue introduces per day unless the learner
   * chooses otherwise (Anki's default): one 50-question job then becomes a
   * few days of study instead of 50 cards due at once, and the reviews they
   * bring back (each new card returns several times in its first weeks) stay
   * a steady few minutes a day. */
  NEW_CARDS_PER_DAY_DEFAULT: 20,
  /** The most a learner may choose: beyond this the reviews new cards bring
   * back each day would outgrow any study session. 0 pauses new cards. */
  NEW_CARDS_PER_DAY_MAX: 500,
  /** How long after a rating "Undo" may take it back: long enough to notice a
   * slip, short enough that the undone card's schedule is still today's. */
  UNDO_REVIEW_WINDOW_MS: 10 * MINUTE,
  /** Days of review history the statistics page shows (its heatmap year). */
  STATS_HISTORY_DAYS: 365,
  /** Days ahead the due forecast covers. */
  FORECAST_DAYS: 30,
  /** Studied cards the due forecast reads at most (a question is ~1 KB, so a
   * few MB; a learner with more due in the next month sees "at least"). */
  FORECAST_MAX_CARDS: 5000,

  // ── Owning questions ─────────────────────────────────────────────────────
  /** Questions one selection may hold (a page of My Questions at most). */
  MAX_SELECTION: 100,
  /** Questions a bulk action (delete, suspend, …) of a topic changes per
   * transaction; a larger topic continues in scheduled steps. A question doc
   * is at most ~5 KB, so a batch stays far inside Convex's per-transaction limits. */
  BULK_BATCH_SIZE: 500,
  /** Deleted questions can be restored (undo) until the daily cleanup purges
   * them, this many days after the delete. */
  DELETED_QUESTION_RETENTION_DAYS: 1,
  /** Longest reason a learner may give when flagging a question as wrong. */
  MAX_FLAG_REASON_LENGTH: 500,

  // ── The quality gate ─────────────────────────────────────────────────────
  /** Questions whose duplicate signatures (`DUPLICATE_BAND_COUNT` rows each, `questionSignatures`) one
   * transaction writes or deletes: a topic's or a view's delete or restore, and the signature backfill. 200 × 16 =
   * 3,200 rows, well inside Convex's 16,000 writes per transaction. */
  SIGNATURE_BATCH_SIZE: 200,
  /** Rejected questions a job lists with their reasons (the latest; the counts cover all). Keeps a job's
   * document small, since the task panel reads many. */
  MAX_GATE_NOTES: 20,

  // ── Adding questions ─────────────────────────────────────────────────────
  /**
   * Questions one import may hold. An import is written in one transaction, so it lands whole or not at
   * all; 1,000 questions cost 1,000 duplicate look-ups and 1,000 inserts, far inside Convex's 4,096 index
   * reads and 16,000 writes. A larger file is split by the learner (the import dialog says so).
   */
  MAX_IMPORT_QUESTIONS: 1000,
  /** Text one import may hold (UTF-8 bytes of the questions, options, answers and explanations). A question
   * is stored with its search text, about twice its size, so an import writes at most ~9 MiB of the
   * transaction's 16 MiB, whatever the script. */
  MAX_IMPORT_TEXT_BYTES: 4 * 1024 * 1024,
  /** Largest file the import dialog reads. */
  MAX_IMPORT_FILE_BYTES: 8 * 1024 * 1024,
  /** Topics one import may name (each is looked up and upserted in the import's transaction). */
  MAX_IMPORT_TOPICS: 50,

  // ── Searching ────────────────────────────────────────────────────────────
  /** Matches a search shows, best first: as many as one selection holds, so "select all" covers them all. */
  MAX_SEARCH_RESULTS: 100,
  /** Results read from the search index per search, before the filters the index can't apply (all words,
   * due, flagged). Convex scans at most 1,024; the best matches come first. */
  SEARCH_SCAN_LIMIT: 256,
  /** Longest search text; Convex reads at most 16 terms of it (`MAX_SEARCH_TERMS`). */
  MAX_SEARCH_LENGTH: 200,
  MAX_SEARCH_TERMS: 16,
} as const;

export const DAY_MS = 24 * HOUR;
