/**
 * Questions a learner adds: one by hand (`createQuestion`, through the quality gate like an edit), or many
 * from a file (`previewImport`, then `importQuestions`), checked like an edit, skipping duplicates of each
 * other and of questions they own.
 *
 * Tables: reads `questions` (`by_user_text_key`), `questionSignatures` and `topics`; inserts `questions` (new
 * FSRS cards; one added by hand with its `questionSignatures`) and upserts `topics`. An import is one
 * transaction: it lands whole or not at all (`MAX_IMPORT_QUESTIONS`); its questions are signed for the
 * duplicate finder right after, by `migrations.backfillQuestionSignatures` (16 rows a question would not fit
 * in the import's transaction).
 */
import { v } from "convex/values";
import { JOB_CONFIG } from "../lib/constants/jobs";
import { appError } from "../lib/errors";
import { newCard } from "../lib/fsrs";
import { importTextBytes } from "../lib/importFile";
import { DUPLICATE_SIGNATURE_VERSION } from "../lib/questionDuplicates";
import { checkTopicName } from "../lib/topics";
import {
  vGeneratedQuestion,
  vImportReport,
  vImportRow,
  type FlawNote,
  type GeneratedQuestion,
  type ImportReport,
  type ImportRow,
} from "../lib/validators";
import { internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import type { MutationCtx, QueryCtx } from "./_generated/server";
import { userMutation, userQuery } from "./lib/functions";
import { checkEditedQuestion, questionKey } from "./lib/questionQuality";
import { addSignatures, gateOwnQuestion } from "./lib/questionSignatures";
import { searchFields } from "./lib/searchFields";
import { resolveTopic, touchTopic } from "./topics";

/**
 * Adds one question by hand to the caller's topic `topic` (one of theirs, case aside, or a new one), checked like
 * an edit (`checkEditedQuestion`). A question they already have (same text, case and punctuation aside) is refused;
 * then the quality gate judges it as it judges an edit (`gateOwnQuestion`): a severe flaw, or a question that asks
 * what one of theirs asks, is refused with `QUESTION_FLAWED`; mild flaws are saved as its "Needs a look" mark.
 */
export const createQuestion = userMutation({
  args: { question: vGeneratedQuestion, topic: v.string() },
  returns: v.id("questions"),
  handler: async (ctx, { question: draft, topic: rawTopic }) => {
    const checked = checkEditedQuestion(draft);
    if ("problem" in checked) throw appError("INVALID_ARGUMENT", checked.problem);
    const topic = await topicFor(ctx, ctx.userId, rawTopic);
    const existing = await ownedWithText(ctx, ctx.userId, checked.question.question);
    if (existing !== null)
      throw appError("INVALID_ARGUMENT", `You already have this question (in “${existing.topic}”).`);
    const gate = await gateOwnQuestion(ctx, ctx.userId, checked.question);
    const [id] = await insertQuestions(ctx, ctx.userId, [{ question: checked.question, topic, gate }]);
    return id!;
  },
});

/** What `importQuestions` would add for these rows, without writing anything (the import dialog's preview). */
export const previewImport = userQuery({
  args: { rows: v.array(vImportRow), topic: v.string() },
  returns: vImportReport,
  handler: async (ctx, { rows, topic }) => {
    if (ctx.userId === null) throw appError("UNAUTHENTICATED", "Please sign in first.");
    const { report } = await planImport(ctx, ctx.userId, rows, topic);
    return report;
  },
});

/**
 * Imports the rows of a file (`lib/importFile.ts`), all in this one transaction: each is checked like an edit
 * (a bad one is listed with its line and left out), duplicates of each other and of the caller's questions are
 * skipped and counted, and the rest are added as new cards, in their row's topic or `topic`. At most
 * `MAX_IMPORT_QUESTIONS` rows, `MAX_IMPORT_TEXT_BYTES` of text and `MAX_IMPORT_TOPICS` topics.
 */
export const importQuestions = userMutation({
  args: { rows: v.array(vImportRow), topic: v.string() },
  returns: vImportReport,
  handler: async (ctx, { rows, topic }) => {
    const { report, questions } = await planImport(ctx, ctx.userId, rows, topic);
    await insertQuestions(ctx, ctx.userId, questions);
    if (questions.length > 0) await ctx.scheduler.runAfter(0, internal.migrations.backfillQuestionSignatures, {});
    return report;
  },
});

/** A question to add, in its topic; `gate`: what the quality gate found (then it is signed and marked). */
type NewQuestion = { question: GeneratedQuestion; topic: string; gate?: { keys: string[]; advice: FlawNote[] } };

/** Which rows an import adds (checked, deduplicated, each with its topic's name), and its report. */
async function planImport(
  ctx: QueryCtx,
  userId: string,
  rows: readonly ImportRow[],
  defaultTopic: string,
): Promise<{ report: ImportReport; questions: NewQuestion[] }> {
  if (rows.length > JOB_CONFIG.MAX_IMPORT_QUESTIONS)
    throw appError(
      "INVALID_ARGUMENT",
      `One import holds at most ${JOB_CONFIG.MAX_IMPORT_QUESTIONS.toLocaleString("en")} questions. Split the file.`,
    );
  if (importTextBytes(rows) > JOB_CONFIG.MAX_IMPORT_TEXT_BYTES)
    throw appError("INVALID_ARGUMENT", "This import holds more text than one import can. Split the file.");
  const fallback = checkTopicName(defaultTopic);
  if ("problem" in fallback) throw appError("INVALID_ARGUMENT", fallback.problem);

  const invalid: ImportReport["invalid"] = [];
  const accepted: { line: number; question: GeneratedQuestion; topic: string }[] = [];
  for (const row of rows) {
    const checked = checkEditedQuestion(row.question);
    const topic = row.topic === undefined ? fallback : checkTopicName(row.topic);
    if ("problem" in checked) invalid.push({ line: row.line, problem: checked.problem });
    else if ("problem" in topic) invalid.push({ line: row.line, problem: topic.problem });
    else accepted.push({ line: row.line, question: checked.question, topic: topic.name });
  }
  const distinctTopics = new Set(accepted.map((row) => row.topic));
  if (distinctTopics.size > JOB_CONFIG.MAX_IMPORT_TOPICS)
    throw appError(
      "INVALID_ARGUMENT",
      `One import can name at most ${JOB_CONFIG.MAX_IMPORT_TOPICS} topics; this one names ${distinctTopics.size}. Split the file.`,
    );
  // Each topic joins the caller's topic of the same key, under that topic's name.
  const names = new Map<string, string>();
  for (const topic of distinctTopics) names.set(topic, await resolveTopic(ctx, userId, topic));

  const seen = new Set<string>();
  const questions: NewQuestion[] = [];
  const duplicateLines: number[] = [];
  for (const row of accepted) {
    const key = questionKey(row.question.question);
    if (seen.has(key) || (await ownedWithText(ctx, userId, row.question.question)) !== null) {
      duplicateLines.push(row.line);
      continue;
    }
    seen.add(key);
    questions.push({ question: row.question, topic: names.get(row.topic)! });
  }
  invalid.sort((a, b) => a.line - b.line);
  const topics = [...new Set(questions.map((q) => q.topic))];
  return {
    report: { imported: questions.length, duplicates: duplicateLines.length, duplicateLines, invalid, topics },
    questions,
  };
}

/** The name a learner's topic goes by: theirs of the same key, or the name as typed (tidied). */
async function topicFor(ctx: QueryCtx, userId: string, name: string): Promise<string> {
  const checked = checkTopicName(name);
  if ("problem" in checked) throw appError("INVALID_ARGUMENT", checked.problem);
  return await resolveTopic(ctx, userId, checked.name);
}

/** The user's live question with the same text (case, spacing and punctuation aside), if any. */
function ownedWithText(ctx: QueryCtx, userId: string, text: string) {
  return ctx.db
    .query("questions")
    .withIndex("by_user_text_key", (q) =>
      q.eq("userId", userId).eq("textKey", questionKey(text)).eq("deletedAt", undefined),
    )
    .first();
}

/** Inserts checked questions as the user's new cards, each topic touched once; a gated one signed and marked. */
async function insertQuestions(
  ctx: MutationCtx,
  userId: string,
  questions: readonly NewQuestion[],
): Promise<Id<"questions">[]> {
  const now = Date.now();
  const card = newCard(now);
  const ids: Id<"questions">[] = [];
  for (const { question, topic, gate } of questions) {
    const marked = gate !== undefined && gate.advice.length > 0;
    const id = await ctx.db.insert("questions", {
      ...question,
      ...searchFields(question),
      userId,
      topic,
      createdAt: now,
      card,
      ...(marked ? { flaws: gate.advice, needsLook: true as const } : {}),
      ...(gate ? { signatureVersion: DUPLICATE_SIGNATURE_VERSION } : {}),
    });
    if (gate) await addSignatures(ctx, userId, id, gate.keys);
    ids.push(id);
  }
  for (const topic of new Set(questions.map((q) => q.topic))) await touchTopic(ctx, userId, topic);
  return ids;
}
