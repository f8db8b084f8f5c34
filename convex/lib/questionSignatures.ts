/**
 * The duplicate finder's index in the database: each live question's MinHash band keys
 * (`duplicateBandKeys`, `lib/questionDuplicates.ts`) as rows of `questionSignatures`, and the
 * lookup of the learner's questions that ask what a new or edited one asks, within a
 * transaction's limits (`DUPLICATE_BAND_COUNT` indexed reads of at most
 * `DUPLICATE_BAND_READ_LIMIT` rows, then at most `DUPLICATE_CANDIDATE_LIMIT` questions,
 * those sharing the most keys).
 *
 * Tables: reads and writes `questionSignatures`; reads `questions` and patches their
 * `signatureVersion`.
 */
import {
  DUPLICATE_BAND_COUNT,
  DUPLICATE_BAND_READ_LIMIT,
  DUPLICATE_SIGNATURE_VERSION,
  duplicateBandKeys,
  findDuplicateQuestion,
  mostSharedCandidates,
  type ComparableQuestion,
} from "../../lib/questionDuplicates";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";

/** Rows a question can have: its keys, and those of one older version not yet replaced. */
const MAX_ROWS_PER_QUESTION = 2 * DUPLICATE_BAND_COUNT;

/**
 * The owner's live question that `question` duplicates, or null. `keys` are its band keys
 * (`duplicateBandKeys`); `exclude` is a question not to compare with (the one being edited).
 */
export async function findOwnedDuplicate(
  ctx: QueryCtx,
  userId: string,
  question: ComparableQuestion,
  keys: readonly string[],
  exclude?: Id<"questions">,
): Promise<Doc<"questions"> | null> {
  const rows = await Promise.all(
    keys.map((bandKey) =>
      ctx.db
        .query("questionSignatures")
        .withIndex("by_user_band", (q) => q.eq("userId", userId).eq("bandKey", bandKey))
        .take(DUPLICATE_BAND_READ_LIMIT),
    ),
  );
  const ids = mostSharedCandidates(
    rows.map((under) => under.map((row) => row.questionId).filter((id) => id !== exclude)),
  );
  const candidates: Doc<"questions">[] = [];
  for (const id of ids) {
    const candidate = await ctx.db.get("questions", id);
    if (candidate && candidate.userId === userId && candidate.deletedAt === undefined) candidates.push(candidate);
  }
  return findDuplicateQuestion(question, candidates)?.duplicateOf ?? null;
}

/** Stores the band keys of a question just inserted with `signatureVersion` set. */
export async function addSignatures(
  ctx: MutationCtx,
  userId: string,
  questionId: Id<"questions">,
  keys: readonly string[],
): Promise<void> {
  for (const bandKey of keys) await ctx.db.insert("questionSignatures", { userId, questionId, bandKey });
}

/** Deletes a question's rows (it was deleted, or its text changed); returns how many there were. */
export async function removeSignatures(ctx: MutationCtx, questionId: Id<"questions">): Promise<number> {
  const rows = await ctx.db
    .query("questionSignatures")
    .withIndex("by_question", (q) => q.eq("questionId", questionId))
    .take(MAX_ROWS_PER_QUESTION);
  for (const row of rows) await ctx.db.delete("questionSignatures", row._id);
  return rows.length;
}

/**
 * Makes a question's rows match it as it is now (after an edit, a restore, or for the backfill):
 * the old rows go, the current keys are written while it is live, and it is stamped with
 * `DUPLICATE_SIGNATURE_VERSION`. `fields` are what the caller is about to patch in (an edit's
 * new text), so the keys are those of the question as saved.
 */
export async function resignQuestion(
  ctx: MutationCtx,
  question: Doc<"questions">,
  fields: Partial<Doc<"questions">> = {},
): Promise<void> {
  const next = { ...question, ...fields };
  await removeSignatures(ctx, question._id);
  if (next.deletedAt === undefined) await addSignatures(ctx, next.userId, question._id, duplicateBandKeys(next));
  if (question.signatureVersion !== DUPLICATE_SIGNATURE_VERSION)
    await ctx.db.patch("questions", question._id, { signatureVersion: DUPLICATE_SIGNATURE_VERSION });
}
