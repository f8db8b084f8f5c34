/**
 * My Questions: what the web app reads of the caller's questions (a view:
 * all, due, flagged, suspended or "Needs a look", of one topic or job, in an order; all those
 * written from one source; or a search over their text, options and
 * explanations) and their topics.
 *
 * Tables: reads `questions` (through the indexes of `lib/questionListing.ts`,
 * and the `search_text` search index) and `topics`, a bounded page at a time.
 * Writes nothing.
 */
import { paginationOptsValidator, paginationResultValidator } from "convex/server";
import { v } from "convex/values";
import { JOB_CONFIG } from "../lib/constants/jobs";
import { appError } from "../lib/errors";
import { filterProblem, matchesShow } from "../lib/questionFilters";
import { matchesSearchTerms, searchTerms } from "../lib/questionSearch";
import { vQuestion, vQuestionShow, vQuestionSort } from "../lib/validators";
import { NOT_A_CURSOR, userQuery } from "./lib/functions";
import { jobQuestions, viewQuery } from "./lib/questionListing";
import { withoutSearchFields } from "./lib/searchFields";

/**
 * The caller's live questions (not deleted ones) of a view, a page at a time (at most `MAX_PAGE_SIZE`): `show`
 * (default all; `due` needs `now`, the client's clock), one `topic`, one job's (`jobId`; read whole, at most
 * `MAX_QUESTIONS`) or those written from one of their sources (`sourceId`: all of them), in `sort` order
 * (default newest first; a view that doesn't offer it uses its own). New questions of a running job appear live.
 * Signed-out callers get an empty page; a filter `filterProblem` refuses is INVALID_ARGUMENT.
 */
export const listMyQuestions = userQuery({
  args: {
    paginationOpts: paginationOptsValidator,
    topic: v.optional(v.string()),
    jobId: v.optional(v.string()),
    sourceId: v.optional(v.string()),
    show: v.optional(vQuestionShow),
    sort: v.optional(vQuestionSort),
    now: v.optional(v.number()),
  },
  returns: paginationResultValidator(vQuestion),
  handler: async (ctx, { paginationOpts, topic, jobId: rawJobId, sourceId, show, sort, now = Date.now() }) => {
    const empty = { page: [], isDone: true, continueCursor: "" };
    const { userId } = ctx;
    if (userId === null) return empty;
    const problem = filterProblem({ topic, jobId: rawJobId, sourceId, show });
    if (problem) throw appError("INVALID_ARGUMENT", problem);
    if (rawJobId !== undefined) {
      // A job's questions are one page (at most MAX_QUESTIONS): it gives out no cursor.
      if (paginationOpts.cursor !== null)
        throw appError("INVALID_ARGUMENT", `Invalid argument \`paginationOpts.cursor\`: ${NOT_A_CURSOR}`);
      const jobId = ctx.db.normalizeId("generationJobs", rawJobId);
      if (jobId === null) return empty;
      const page = await jobQuestions(ctx.db, userId, jobId, { show, topic }, sort, now);
      return { ...empty, page: page.map(withoutSearchFields) };
    }
    const numItems = Math.max(1, Math.min(paginationOpts.numItems, JOB_CONFIG.MAX_PAGE_SIZE));
    const result = await viewQuery(ctx.db, userId, { show, topic, sourceId }, sort, now).paginate({
      ...paginationOpts,
      numItems,
    });
    return { ...result, page: result.page.map(withoutSearchFields) };
  },
});

/**
 * The caller's live questions whose text, options or explanation hold every word of `search` (the last one as
 * typed so far), most relevant first: at most `MAX_SEARCH_RESULTS`, from the `SEARCH_SCAN_LIMIT` best matches of
 * the search index, within a view's `show`, `topic` or job (filtered in the index), or source (among those
 * matches). `more` says some matches were left out (the search can be narrowed). Signed-out callers and
 * searches without words get nothing.
 */
export const searchMyQuestions = userQuery({
  args: {
    search: v.string(),
    topic: v.optional(v.string()),
    jobId: v.optional(v.string()),
    sourceId: v.optional(v.string()),
    show: v.optional(vQuestionShow),
    now: v.optional(v.number()),
  },
  returns: v.object({ questions: v.array(vQuestion), more: v.boolean() }),
  handler: async (ctx, { search, topic, jobId: rawJobId, sourceId, show = "all", now = Date.now() }) => {
    const none = { questions: [], more: false };
    const { userId } = ctx;
    const terms = searchTerms(search);
    if (userId === null || terms.length === 0) return none;
    const jobId = rawJobId === undefined ? undefined : ctx.db.normalizeId("generationJobs", rawJobId);
    if (jobId === null) return none;
    const scanned = await ctx.db
      .query("questions")
      .withSearchIndex("search_text", (q) => {
        let query = q.search("searchText", terms.join(" ")).eq("userId", userId).eq("deletedAt", undefined);
        if (topic !== undefined) query = query.eq("topic", topic);
        if (jobId !== undefined) query = query.eq("generationJobId", jobId);
        if (show === "suspended") query = query.eq("suspended", true);
        if (show === "due") query = query.eq("suspended", undefined);
        return query;
      })
      .take(JOB_CONFIG.SEARCH_SCAN_LIMIT);
    const matches = scanned.filter(
      (question) =>
        matchesSearchTerms(question.searchText ?? "", terms) &&
        matchesShow(question, show, now) &&
        (sourceId === undefined || question.source?.sourceId === sourceId),
    );
    return {
      questions: matches.slice(0, JOB_CONFIG.MAX_SEARCH_RESULTS).map(withoutSearchFields),
      more: matches.length > JOB_CONFIG.MAX_SEARCH_RESULTS || scanned.length === JOB_CONFIG.SEARCH_SCAN_LIMIT,
    };
  },
});

/** The questions one of the caller's jobs has saved so far and not deleted, in the order they
 * were generated (a job holds at most `MAX_QUESTIONS`). Empty if the job is not theirs. */
export const listJobQuestions = userQuery({
  args: { jobId: v.string() },
  returns: v.array(vQuestion),
  handler: async (ctx, args) => {
    const { userId } = ctx;
    const jobId = ctx.db.normalizeId("generationJobs", args.jobId);
    if (userId === null || jobId === null) return [];
    const questions = await ctx.db
      .query("questions")
      .withIndex("by_user_job", (q) => q.eq("userId", userId).eq("generationJobId", jobId))
      // eslint-disable-next-line @convex-dev/no-filter-in-query -- bounded: a job holds at most MAX_QUESTIONS
      .filter((q) => q.eq(q.field("deletedAt"), undefined))
      .take(JOB_CONFIG.MAX_QUESTIONS);
    return questions.map(withoutSearchFields);
  },
});

/** Topics the caller has generated questions for, most recently used first (at most `MAX_TOPICS_LISTED`). */
export const listMyTopics = userQuery({
  args: {},
  returns: v.array(v.object({ name: v.string(), lastUsedAt: v.number() })),
  handler: async (ctx) => {
    const { userId } = ctx;
    if (userId === null) return [];
    const topics = await ctx.db
      .query("topics")
      .withIndex("by_user_last_used", (q) => q.eq("userId", userId))
      .order("desc")
      .take(JOB_CONFIG.MAX_TOPICS_LISTED);
    return topics.map(({ name, lastUsedAt }) => ({ name, lastUsedAt }));
  },
});
