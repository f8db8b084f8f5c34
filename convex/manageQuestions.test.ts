/** Owning questions (`manageQuestions.ts`): edit, soft delete + undo, suspend, flag, in bulk, owner-checked,
 * within Convex's transaction limits for a 10,000-question user; and the purge of deleted ones by `cleanup`. */
import { describe, expect, test, vi } from "vitest";
import { DAY_MS, JOB_CONFIG } from "../lib/constants/jobs";
import { newCard } from "../lib/fsrs";
import type { GeneratedQuestion } from "../lib/validators";
import { DUPLICATE_BAND_COUNT, DUPLICATE_SIGNATURE_VERSION, duplicateBandKeys } from "../lib/questionDuplicates";
import { findQuestionFlaws } from "../lib/questionFlaws";
import { makeQuestion } from "../tests/support/scriptedModels";
import { api, internal } from "./_generated/api";
import type { Id } from "./_generated/dataModel";
import {
  asUser,
  errorOf,
  initConvexTest,
  NOW,
  seedQuestions,
  tokenIdentifier,
  useFakeClock,
  type TestConvex,
} from "./test.setup";

const ALICE = tokenIdentifier("alice");
const page = { numItems: 100, cursor: null };

useFakeClock();

const listed = async (t: TestConvex, filter: { topic?: string; jobId?: string } = {}) =>
  (await asUser(t, "alice").query(api.myQuestions.listMyQuestions, { paginationOpts: page, ...filter })).page;
const dueNow = async (t: TestConvex) =>
  (await asUser(t, "alice").query(api.review.getReviewQueue, { now: Date.now() + 60_000 })).dueCount;
const idsOf = async (t: TestConvex) => (await listed(t)).map((q) => q._id as string);

/** `count` questions of alice's under `topic`, inserted directly, `perRun` per transaction. */
async function insertMany(t: TestConvex, count: number, topic: string, perRun = 1000) {
  for (let start = 0; start < count; start += perRun) {
    await t.run(async (ctx) => {
      for (let i = start; i < Math.min(count, start + perRun); i++) {
        await ctx.db.insert("questions", {
          ...makeQuestion(i),
          userId: ALICE,
          topic,
          createdAt: NOW - count + i,
          card: newCard(NOW - 1000),
        });
      }
    });
  }
}

/** One question of alice's, and `tryEdit(patch)`: the error of editing it into `base` with `patch`. */
async function editable(base: GeneratedQuestion = makeQuestion(0)) {
  const t = initConvexTest();
  await seedQuestions(t, 1);
  const [question] = await listed(t);
  const alice = asUser(t, "alice");
  const tryEdit = (patch: Partial<GeneratedQuestion>) =>
    errorOf(
      alice.mutation(api.manageQuestions.editQuestion, {
        questionId: question!._id,
        question: { ...base, ...patch },
      }),
    );
  return { t, question: question!, alice, tryEdit };
}

describe("editQuestion", () => {
  test("replaces the question, checked like a generated one, and clears a flag; keeps the schedule", async () => {
    const t = initConvexTest();
    await seedQuestions(t, 1);
    const [question] = await listed(t);
    const alice = asUser(t, "alice");
    await alice.mutation(api.manageQuestions.flagQuestion, { questionId: question!._id, reason: "typo" });
    const edit: GeneratedQuestion = {
      question: "  Which planet is red? ",
      type: "multiple-choice",
      options: ["Mars", "Venus", "Earth"],
      correctAnswer: "mars",
      explanation: "Iron oxide.",
      difficulty: "medium",
    };
    await alice.mutation(api.manageQuestions.editQuestion, { questionId: question!._id, question: edit });
    const [edited] = await listed(t);
    expect(edited).toMatchObject({
      question: "Which planet is red?",
      options: ["Mars", "Venus", "Earth"],
      correctAnswer: "Mars",
      difficulty: "medium",
      editedAt: Date.now(),
      card: question!.card,
    });
    expect(edited!.flag).toBeUndefined();
  });

  test("refuses an answer that is not an option, an empty question and a single option, with a clear reason", async () => {
    const { t, question, tryEdit } = await editable();
    expect(await tryEdit({ correctAnswer: "Nope" })).toMatchObject({
      code: "INVALID_ARGUMENT",
      message: expect.stringContaining("must be one of the options") as string,
    });
    expect(await tryEdit({ question: "" })).toEqual({
      code: "INVALID_ARGUMENT",
      message: "The question can't be empty.",
    });
    expect(await tryEdit({ options: ["Option 0"] })).toEqual({
      code: "INVALID_ARGUMENT",
      message: "A question needs at least two options.",
    });
    expect(await tryEdit({ question: "x".repeat(1001) })).toEqual({
      code: "INVALID_ARGUMENT",
      message: "The question is too long.",
    });
    expect((await listed(t))[0]).toEqual(question);
  });

  test("refuses text that shows nothing: zero-width and other format characters, control characters, lone surrogates", async () => {
    const base = makeQuestion(0);
    const { t, question, tryEdit } = await editable(base);
    const invisible = "\u200B\u200C\u200D\u2060";
    const cases: [Partial<GeneratedQuestion>, string][] = [
      [{ question: invisible }, "The question has only invisible characters (like zero-width spaces)."],
      [{ question: "\u2800\u3164 \u00AD" }, "The question has only invisible characters (like zero-width spaces)."],
      [{ question: "What\u0000 is this?" }, "The question contains a control character (U+0000); remove it."],
      [
        { question: "Broken \uD800 text?" },
        "The question contains a broken character (half of a surrogate pair); remove it.",
      ],
      [{ explanation: invisible }, "The explanation has only invisible characters (like zero-width spaces)."],
      [{ explanation: "Because\u001B[31m" }, "The explanation contains a control character (U+001B); remove it."],
      [
        { options: [base.options[0]!, invisible, ...base.options.slice(2)] },
        "Option 2 has only invisible characters (like zero-width spaces).",
      ],
      [
        { options: [base.options[0]!, "\uDC00", ...base.options.slice(2)] },
        "Option 2 contains a broken character (half of a surrogate pair); remove it.",
      ],
      [{ correctAnswer: invisible }, "Choose which option is the right answer."],
    ];
    for (const [patch, message] of cases) expect(await tryEdit(patch)).toEqual({ code: "INVALID_ARGUMENT", message });
    expect((await listed(t))[0]).toEqual(question);
  });

  test("never changes an edit silently: case-twin options, a blank option and a multi-line option are refused; line breaks are kept", async () => {
    const base: GeneratedQuestion = {
      question: "Capital of France?",
      type: "multiple-choice",
      options: ["Paris", "Lyon", "paris", "Nice"],
      correctAnswer: "Lyon",
      explanation: "",
      difficulty: "easy",
    };
    const { t, question, alice, tryEdit } = await editable(base);
    expect(await tryEdit({})).toEqual({
      code: "INVALID_ARGUMENT",
      message: 'Options 1 and 3 differ only in case ("Paris", "paris"); change or remove one.',
    });
    expect(await tryEdit({ options: ["Paris", "Lyon", " Paris ", "Nice"] })).toEqual({
      code: "INVALID_ARGUMENT",
      message: 'Options 1 and 3 are both "Paris"; change or remove one.',
    });
    expect(await tryEdit({ options: ["Paris", "Lyon", "   ", "Nice"] })).toEqual({
      code: "INVALID_ARGUMENT",
      message: "Option 3 can't be empty.",
    });
    expect(await tryEdit({ options: ["Paris", "Lyon", "Ni\nce"] })).toEqual({
      code: "INVALID_ARGUMENT",
      message: "Option 3 has a line break; an option is one line.",
    });
    expect(await tryEdit({ options: ["Paris", "Lyon", "Nice"], correctAnswer: "" })).toEqual({
      code: "INVALID_ARGUMENT",
      message: "Choose which option is the right answer.",
    });
    expect((await listed(t))[0]).toEqual(question);

    await alice.mutation(api.manageQuestions.editQuestion, {
      questionId: question._id,
      question: {
        ...base,
        question: "Capital of France?\r\n\n\nPick one.  ",
        options: ["Paris", "Lyon", "Marseille", "Nice"],
        correctAnswer: "Paris",
        explanation: "Line one.\nLine two.",
      },
    });
    expect((await listed(t))[0]).toMatchObject({
      question: "Capital of France?\n\nPick one.",
      options: ["Paris", "Lyon", "Marseille", "Nice"],
      correctAnswer: "Paris",
      explanation: "Line one.\nLine two.",
    });
  });

  test("owner only: someone else's, a deleted or a malformed id is NOT_FOUND; signed out is UNAUTHENTICATED", async () => {
    const t = initConvexTest();
    await seedQuestions(t, 2);
    const [first, second] = await listed(t);
    const args = { questionId: first!._id as string, question: makeQuestion(2) };
    expect((await errorOf(asUser(t, "bob").mutation(api.manageQuestions.editQuestion, args))).code).toBe("NOT_FOUND");
    expect((await errorOf(t.mutation(api.manageQuestions.editQuestion, args))).code).toBe("UNAUTHENTICATED");
    expect(
      (await errorOf(asUser(t, "alice").mutation(api.manageQuestions.editQuestion, { ...args, questionId: "nope" })))
        .code,
    ).toBe("NOT_FOUND");
    await asUser(t, "alice").mutation(api.manageQuestions.deleteQuestions, {
      scope: { kind: "questions", ids: [second!._id] },
    });
    expect(
      (
        await errorOf(
          asUser(t, "alice").mutation(api.manageQuestions.editQuestion, { ...args, questionId: second!._id }),
        )
      ).code,
    ).toBe("NOT_FOUND");
    expect((await listed(t))[0]).toEqual(first);
  });
});

describe("editQuestion: the quality gate", () => {
  const rowsOf = (t: TestConvex, questionId: string) =>
    t.run(async (ctx) =>
      (
        await ctx.db
          .query("questionSignatures")
          .withIndex("by_question", (q) => q.eq("questionId", questionId as Id<"questions">))
          .collect()
      ).map((row) => row.bandKey),
    );

  test("a severe flaw, or asking what another of the learner's questions asks, is refused with each reason; the question is unchanged", async () => {
    const t = initConvexTest();
    await seedQuestions(t, 2);
    const [second, first] = await listed(t);
    const alice = asUser(t, "alice");
    const edit = (question: GeneratedQuestion) =>
      errorOf(alice.mutation(api.manageQuestions.editQuestion, { questionId: first!._id, question }));
    const base = makeQuestion(0, { question: first!.question });

    const allOfTheAbove = { ...base, options: ["Option A", "Option B", "All of the above"] };
    const [reason] = findQuestionFlaws(allOfTheAbove).map((flaw) => flaw.reason);
    expect(await edit(allOfTheAbove)).toEqual({
      code: "QUESTION_FLAWED",
      message: reason,
      flaws: [{ code: "ALL_OR_NONE_OF_THE_ABOVE", reason }],
    });
    const duplicate = await edit({ ...makeQuestion(1), question: `${second!.question.toUpperCase()}!` });
    expect(duplicate).toMatchObject({
      code: "QUESTION_FLAWED",
      flaws: [
        { code: "DUPLICATE_QUESTION", reason: `You already have a question that asks this: "${second!.question}"` },
      ],
    });
    expect((await listed(t))[1]).toEqual(first);
    // Its own text is not a duplicate of itself.
    await alice.mutation(api.manageQuestions.editQuestion, {
      questionId: first!._id,
      question: { ...base, explanation: "A better explanation of Option A." },
    });
    expect((await listed(t))[1]).toMatchObject({ explanation: "A better explanation of Option A." });
  });

  test('mild flaws are saved as its "Needs a look" mark, a clean edit clears it; its signatures follow its text', async () => {
    const { t, question, alice } = await editable();
    const vague = makeQuestion(0, { question: "Which option is usually the right one?" });
    await alice.mutation(api.manageQuestions.editQuestion, { questionId: question._id, question: vague });
    expect((await listed(t))[0]).toMatchObject({ needsLook: true, flaws: [{ code: "VAGUE_TERMS" }] });
    expect(await rowsOf(t, question._id)).toEqual(duplicateBandKeys(vague));

    // "Keep as it is" clears the mark and keeps the question; an edit checks it again.
    await alice.mutation(api.manageQuestions.clearQuestionAdvice, { questionId: question._id });
    expect((await listed(t))[0]).toMatchObject({ question: vague.question });
    expect((await listed(t))[0]).not.toHaveProperty("needsLook");
    await alice.mutation(api.manageQuestions.editQuestion, { questionId: question._id, question: vague });
    expect((await listed(t))[0]).toMatchObject({ needsLook: true });

    const clean = makeQuestion(0, { question: "Which option is the right one here?" });
    await alice.mutation(api.manageQuestions.editQuestion, { questionId: question._id, question: clean });
    const [edited] = await listed(t);
    expect(edited).not.toHaveProperty("needsLook");
    expect(edited).not.toHaveProperty("flaws");
    expect(await rowsOf(t, question._id)).toEqual(duplicateBandKeys(clean));
  });

  test("a deleted question's signatures go (its paraphrase is no duplicate), undo brings them back, the purge leaves none", async () => {
    const t = initConvexTest();
    await seedQuestions(t, 1);
    const [question] = await listed(t);
    const alice = asUser(t, "alice");
    const scope = { kind: "questions" as const, ids: [question!._id] };
    const { deletedAt } = await alice.mutation(api.manageQuestions.deleteQuestions, { scope });
    expect(await rowsOf(t, question!._id)).toEqual([]);
    await alice.mutation(api.manageQuestions.restoreQuestions, { scope, deletedAt });
    expect(await rowsOf(t, question!._id)).toEqual(duplicateBandKeys(question!));

    await alice.mutation(api.manageQuestions.deleteQuestions, { scope });
    vi.setSystemTime(Date.now() + JOB_CONFIG.DELETED_QUESTION_RETENTION_DAYS * DAY_MS + 1);
    await t.mutation(internal.maintenance.cleanup, {});
    const rows = await t.run(async (ctx) => (await ctx.db.query("questionSignatures").collect()).length);
    expect(rows).toBe(0);
  });
});

describe("delete, undo, suspend", () => {
  test("a deleted selection leaves My Questions and review at once; undo brings it back", async () => {
    const t = initConvexTest();
    await seedQuestions(t, 4);
    const [a, b, c, d] = await idsOf(t);
    const alice = asUser(t, "alice");
    const { deletedAt, changed } = await alice.mutation(api.manageQuestions.deleteQuestions, {
      scope: { kind: "questions", ids: [a!, b!] },
    });
    expect(changed).toBe(2);
    expect(await idsOf(t)).toEqual([c, d]);
    expect(await dueNow(t)).toBe(2);
    await expect(alice.mutation(api.review.recordReview, { questionId: a!, rating: "good" })).rejects.toThrow(
      /doesn't exist/,
    );
    expect(
      await alice.mutation(api.manageQuestions.restoreQuestions, {
        scope: { kind: "questions", ids: [a!, b!] },
        deletedAt,
      }),
    ).toEqual({ changed: 2, continuing: false });
    expect(await idsOf(t)).toEqual([a, b, c, d]);
    expect(await dueNow(t)).toBe(4);
  });

  test("suspended questions are listed but never due; unsuspend makes them due again", async () => {
    const t = initConvexTest();
    await seedQuestions(t, 3);
    const [a] = await idsOf(t);
    const alice = asUser(t, "alice");
    await alice.mutation(api.manageQuestions.setQuestionsSuspended, {
      scope: { kind: "questions", ids: [a!] },
      suspended: true,
    });
    expect((await listed(t))[0]!.suspended).toBe(true);
    expect(await dueNow(t)).toBe(2);
    await alice.mutation(api.manageQuestions.setQuestionsSuspended, {
      scope: { kind: "questions", ids: [a!] },
      suspended: false,
    });
    expect((await listed(t))[0]!.suspended).toBeUndefined();
    expect(await dueNow(t)).toBe(3);
  });

  test("a job's questions and a topic's, and nothing else", async () => {
    const t = initConvexTest();
    const dnaJob = await seedQuestions(t, 2, "DNA");
    await seedQuestions(t, 3, "Castles");
    await seedQuestions(t, 1, "Rome");
    const alice = asUser(t, "alice");
    expect(
      await alice.mutation(api.manageQuestions.setQuestionsSuspended, {
        scope: { kind: "job", jobId: dnaJob },
        suspended: true,
      }),
    ).toEqual({ changed: 2, continuing: false });
    expect(await dueNow(t)).toBe(4);
    const { deletedAt } = await alice.mutation(api.manageQuestions.deleteQuestions, {
      scope: { kind: "topic", topic: "Castles" },
    });
    expect((await listed(t)).map((q) => q.topic)).toEqual(["Rome", "DNA", "DNA"]);
    expect(await listed(t, { topic: "Castles" })).toEqual([]);
    expect(await dueNow(t)).toBe(1);
    await alice.mutation(api.manageQuestions.restoreQuestions, {
      scope: { kind: "topic", topic: "Castles" },
      deletedAt,
    });
    expect(await listed(t, { topic: "Castles" })).toHaveLength(3);
  });

  test("undo restores only what that delete removed", async () => {
    const t = initConvexTest();
    await seedQuestions(t, 3);
    const [a, b] = await idsOf(t);
    const alice = asUser(t, "alice");
    const first = await alice.mutation(api.manageQuestions.deleteQuestions, {
      scope: { kind: "questions", ids: [a!] },
    });
    vi.setSystemTime(NOW + 5000);
    await alice.mutation(api.manageQuestions.deleteQuestions, { scope: { kind: "topic", topic: "Topic" } });
    expect(await idsOf(t)).toEqual([]);
    const restored = await alice.mutation(api.manageQuestions.restoreQuestions, {
      scope: { kind: "topic", topic: "Topic" },
      deletedAt: first.deletedAt,
    });
    expect(restored.changed).toBe(1);
    expect(await idsOf(t)).toEqual([a]);
    expect(await idsOf(t)).not.toContain(b);
  });

  test("owner checks and limits: a foreign id fails the whole selection; too many or none is refused", async () => {
    const t = initConvexTest();
    await seedQuestions(t, 2);
    const bobsId = await t.run((ctx) =>
      ctx.db.insert("questions", {
        ...makeQuestion(0),
        userId: tokenIdentifier("bob"),
        topic: "Topic",
        createdAt: NOW,
        card: newCard(NOW),
      }),
    );
    const [a] = await idsOf(t);
    const alice = asUser(t, "alice");
    const del = (ids: string[]) =>
      errorOf(alice.mutation(api.manageQuestions.deleteQuestions, { scope: { kind: "questions", ids } }));
    expect((await del([a!, bobsId])).code).toBe("NOT_FOUND");
    expect(await idsOf(t)).toHaveLength(2);
    expect((await del([])).code).toBe("INVALID_ARGUMENT");
    expect((await del(Array.from({ length: JOB_CONFIG.MAX_SELECTION + 1 }, () => a!))).code).toBe("INVALID_ARGUMENT");
    // Bob's topic and job scopes reach only bob's questions.
    await asUser(t, "bob").mutation(api.manageQuestions.deleteQuestions, { scope: { kind: "topic", topic: "Topic" } });
    expect(await idsOf(t)).toHaveLength(2);
    expect(await t.run((ctx) => ctx.db.get("questions", bobsId))).toMatchObject({ deletedAt: Date.now() });
    expect(
      (await errorOf(t.mutation(api.manageQuestions.deleteQuestions, { scope: { kind: "topic", topic: "Topic" } })))
        .code,
    ).toBe("UNAUTHENTICATED");
    expect(
      (await errorOf(alice.mutation(api.manageQuestions.deleteQuestions, { scope: { kind: "job", jobId: "nope" } })))
        .code,
    ).toBe("NOT_FOUND");
  });
});

describe("flagQuestion", () => {
  test("suspends the question and keeps the flag and reason; a too-long or invisible reason is refused", async () => {
    const t = initConvexTest();
    await seedQuestions(t, 2);
    const [a] = await idsOf(t);
    const alice = asUser(t, "alice");
    expect(
      (
        await errorOf(
          alice.mutation(api.manageQuestions.flagQuestion, {
            questionId: a!,
            reason: "x".repeat(JOB_CONFIG.MAX_FLAG_REASON_LENGTH + 1),
          }),
        )
      ).code,
    ).toBe("INVALID_ARGUMENT");
    for (const [reason, message] of [
      ["\u200B\u2060\u200D", "The reason has only invisible characters (like zero-width spaces)."],
      ["typo\u0000", "The reason contains a control character (U+0000); remove it."],
      ["typo \uD83D", "The reason contains a broken character (half of a surrogate pair); remove it."],
    ])
      expect(await errorOf(alice.mutation(api.manageQuestions.flagQuestion, { questionId: a!, reason }))).toEqual({
        code: "INVALID_ARGUMENT",
        message,
      });
    expect((await listed(t))[0]!.flag).toBeUndefined();
    await alice.mutation(api.manageQuestions.flagQuestion, { questionId: a!, reason: "  The answer is Paris. " });
    expect((await listed(t))[0]).toMatchObject({
      suspended: true,
      flag: { reason: "The answer is Paris.", flaggedAt: Date.now() },
    });
    expect(await dueNow(t)).toBe(1);
    expect((await errorOf(asUser(t, "bob").mutation(api.manageQuestions.flagQuestion, { questionId: a! }))).code).toBe(
      "NOT_FOUND",
    );
  });
});

describe("cleanup purges deleted questions", () => {
  test("past the undo window only; live and recently deleted ones stay", async () => {
    const t = initConvexTest();
    await seedQuestions(t, 3);
    const [a, b] = await idsOf(t);
    const alice = asUser(t, "alice");
    await alice.mutation(api.manageQuestions.deleteQuestions, { scope: { kind: "questions", ids: [a!] } });
    vi.setSystemTime(Date.now() + JOB_CONFIG.DELETED_QUESTION_RETENTION_DAYS * DAY_MS + 1);
    await alice.mutation(api.manageQuestions.deleteQuestions, { scope: { kind: "questions", ids: [b!] } });
    expect(await t.mutation(internal.maintenance.cleanup, {})).toMatchObject({ purgedQuestions: 1, hasMore: false });
    expect(await t.run((ctx) => ctx.db.get("questions", a as Id<"questions">))).toBeNull();
    expect(await t.run((ctx) => ctx.db.get("questions", b as Id<"questions">))).not.toBeNull();
    expect(await listed(t)).toHaveLength(1);
  });
});

describe("a topic's signed questions", () => {
  test("a topic's delete and undo run in bounded steps and keep every question's signatures in step", async () => {
    const t = initConvexTest();
    const COUNT = JOB_CONFIG.SIGNATURE_BATCH_SIZE + 20; // two steps
    await t.run(async (ctx) => {
      for (let i = 0; i < COUNT; i++) {
        const question = makeQuestion(i);
        const questionId = await ctx.db.insert("questions", {
          ...question,
          userId: ALICE,
          topic: "Signed",
          createdAt: NOW + i,
          card: newCard(NOW),
          signatureVersion: DUPLICATE_SIGNATURE_VERSION,
        });
        for (const bandKey of duplicateBandKeys(question))
          await ctx.db.insert("questionSignatures", { userId: ALICE, questionId, bandKey });
      }
    });
    const rows = () => t.run(async (ctx) => (await ctx.db.query("questionSignatures").collect()).length);
    const alice = asUser(t, "alice");
    const scope = { kind: "topic" as const, topic: "Signed" };
    const deleted = await alice.mutation(api.manageQuestions.deleteQuestions, { scope });
    expect(deleted).toMatchObject({ changed: JOB_CONFIG.SIGNATURE_BATCH_SIZE, continuing: true });
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect(await rows()).toBe(0);
    await alice.mutation(api.manageQuestions.restoreQuestions, { scope, deletedAt: deleted.deletedAt });
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect(await rows()).toBe(COUNT * DUPLICATE_BAND_COUNT);
  }, 30_000);
});

describe("10,000 questions for one user", () => {
  test("a topic's delete, undo, suspend and purge run in bounded transactions; pages read only their page", async () => {
    const t = initConvexTest();
    const COUNT = 10_000;
    await insertMany(t, COUNT, "Big");
    await insertMany(t, 3, "Small");
    const alice = asUser(t, "alice");
    // Every new card may be due at once (the daily limit is tested in review.test.ts).
    await alice.mutation(api.settings.updateSettings, { newCardsPerDay: JOB_CONFIG.NEW_CARDS_PER_DAY_MAX });
    const first = await alice.query(api.myQuestions.listMyQuestions, { paginationOpts: page, topic: "Big" });
    expect(first.page).toHaveLength(100);

    const deleted = await alice.mutation(api.manageQuestions.deleteQuestions, {
      scope: { kind: "topic", topic: "Big" },
    });
    expect(deleted).toMatchObject({ changed: JOB_CONFIG.SIGNATURE_BATCH_SIZE, continuing: true });
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect(await listed(t, { topic: "Big" })).toEqual([]);
    expect((await listed(t)).map((q) => q.topic)).toEqual(["Small", "Small", "Small"]);
    expect(await dueNow(t)).toBe(3);

    await alice.mutation(api.manageQuestions.restoreQuestions, {
      scope: { kind: "topic", topic: "Big" },
      deletedAt: deleted.deletedAt,
    });
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect(await alice.query(api.review.getReviewQueue, { now: NOW, topic: "Big" })).toMatchObject({
      dueCount: JOB_CONFIG.MAX_DUE_COUNT,
      dueCountIsCapped: true,
    });

    await alice.mutation(api.manageQuestions.setQuestionsSuspended, {
      scope: { kind: "topic", topic: "Big" },
      suspended: true,
    });
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect(await alice.query(api.review.getReviewQueue, { now: NOW, topic: "Big" })).toMatchObject({
      dueCount: 0,
      hasQuestions: false,
    });
    expect(await dueNow(t)).toBe(3);

    // Delete again, then the daily cleanup purges them CLEANUP_BATCH_SIZE at a time.
    await alice.mutation(api.manageQuestions.deleteQuestions, { scope: { kind: "topic", topic: "Big" } });
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    vi.setSystemTime(Date.now() + JOB_CONFIG.DELETED_QUESTION_RETENTION_DAYS * DAY_MS + 1);
    expect(await t.mutation(internal.maintenance.cleanup, {})).toMatchObject({
      purgedQuestions: JOB_CONFIG.CLEANUP_BATCH_SIZE,
      hasMore: true,
    });
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    const left = await t.run(async (ctx) => (await ctx.db.query("questions").take(COUNT)).length);
    expect(left).toBe(3);
  }, 120_000);
});
