/**
 * The duplicate finder's index in the database: each live question's MinHash band keys
 * (`duplicateBandKeys`, `lib/questionDuplicates.ts`) as rows of `questionSignatures`, and the
 * lookup of the learner's questions that ask what a new or edited one asks, within a
 * transaction's limits (`DUPLICATE_BAND_COUNT` indexed reads of at most
 * `DUPLICATE_BAND_READ_LIMIT` rows, then at most `DUPLICATE_CANDIDATE_LIMIT` questions,
 * those sharing the most keys).
 *
 * `gateOwnQuestion` is the quality gate on a question the learner writes (an
 * edit, or one added by hand), with that lookup.
 *
 * A question's `signatureVersion` says it has been signed: while it is live it has the rows
 * of that version; a deleted one has none (its delete removed them, a restore writes them
 * again), so the purge has nothing to remove. A question without it (saved before the index)
 * has no rows until `migrations.backfillQuestionSignatures` signs it. Each helper reads
 * before it writes: the offline backend answers an indexed read from its sorted index only
 * while the transaction has not written to that table.
 *
 * Tables: reads and writes `questionSignatures`; reads `questions` and patches their
 * `signatureVersion`.
 */
import { appError } from "../../lib/errors";
import {
  DUPLICATE_BAND_COUNT,
  DUPLICATE_BAND_READ_LIMIT,
  DUPLICATE_SIGNATURE_VERSION,
  duplicateBandKeys,
  findDuplicateQuestion,
  mostSharedCandidates,
  type ComparableQuestion,
} from "../../lib/questionDuplicates";
import {
  duplicateQuestionReason,
  findQuestionFlaws,
  gateVerdict,
  type CheckableQuestion,
} from "../../lib/questionFlaws";
import type { FlawNote } from "../../lib/validators";
import type { Doc, Id } from "../_generated/dataModel";
import type { MutationCtx, QueryCtx } from "../_generated/server";

/** Rows a question can have: the keys of the version it was signed with. */
const MAX_ROWS_PER_QUESTION = DUPLICATE_BAND_COUNT;

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

/**
 * The quality gate on a question the learner writes (an edit, or one added by hand): one with a severe
 * item-writing flaw, or that asks what another of their live questions asks (`exclude`: the one being
 * edited), is refused with `QUESTION_FLAWED` (each reason in `flaws`). Otherwise its band keys (to
 * sign it with, once written) and the mild flaws to mark it with (none: it is clean). Reads only.
 */
export async function gateOwnQuestion(
  ctx: QueryCtx,
  userId: string,
  question: CheckableQuestion,
  exclude?: Id<"questions">,
): Promise<{ keys: string[]; advice: FlawNote[] }> {
  const keys = duplicateBandKeys(question);
  const duplicate = await findOwnedDuplicate(ctx, userId, question, keys, exclude);
  const verdict = gateVerdict([
    ...findQuestionFlaws(question),
    ...(duplicate
      ? [
          {
            code: "DUPLICATE_QUESTION" as const,
            severity: "severe" as const,
            reason: duplicateQuestionReason(duplicate),
          },
        ]
      : []),
  ]);
  if ("rejected" in verdict)
    throw appError("QUESTION_FLAWED", verdict.rejected.map((flaw) => flaw.reason).join(" "), {
      flaws: verdict.rejected,
    });
  return { keys, advice: verdict.advice };
}

/** Stores the band keys of a live question (inserted, edited or restored) signed with the current version. */
export async function addSignatures(
  ctx: MutationCtx,
  userId: string,
  questionId: Id<"questions">,
  keys: readonly string[],
): Promise<void> {
  for (const bandKey of keys) await ctx.db.insert("questionSignatures", { userId, questionId, bandKey });
}

/** Deletes the rows of `questions` (they are being deleted, or their text changes): all read first, then deleted. */
export async function removeSignatures(ctx: MutationCtx, questions: readonly Doc<"questions">[]): Promise<void> {
  const signed = questions.filter((question) => question.signatureVersion !== undefined && !question.deletedAt);
  const rows = await Promise.all(
    signed.map((question) =>
      ctx.db
        .query("questionSignatures")
        .withIndex("by_question", (q) => q.eq("questionId", question._id))
        .take(MAX_ROWS_PER_QUESTION),
    ),
  );
  for (const row of rows.flat()) await ctx.db.delete("questionSignatures", row._id);
}

/** A live question's rows made current: the old ones go, its keys are written, it is stamped (the backfill). */
export async function resignQuestion(ctx: MutationCtx, question: Doc<"questions">): Promise<void> {
  await removeSignatures(ctx, [question]);
  if (question.deletedAt === undefined)
    await addSignatures(ctx, question.userId, question._id, duplicateBandKeys(question));
  await ctx.db.patch("questions", question._id, { signatureVersion: DUPLICATE_SIGNATURE_VERSION });
}

/** A restored question's rows written again, if it had been signed (an unsigned one waits for the backfill). */
export async function restoreSignatures(ctx: MutationCtx, question: Doc<"questions">): Promise<void> {
  if (question.signatureVersion === undefined) return;
  await addSignatures(ctx, question.userId, question._id, duplicateBandKeys(question));
  if (question.signatureVersion !== DUPLICATE_SIGNATURE_VERSION)
    await ctx.db.patch("questions", question._id, { signatureVersion: DUPLICATE_SIGNATURE_VERSION });
}
