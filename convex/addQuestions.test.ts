/** Adding questions (`addQuestions.ts`): by hand and from a file, checked like an edit, duplicates skipped, an
 * import whole or not at all, within one transaction's limits on a 10,000-question user. */
import { describe, expect, test, vi } from "vitest";
import { JOB_CONFIG } from "../lib/constants/jobs";
import { newCard } from "../lib/fsrs";
import type { GeneratedQuestion, ImportRow } from "../lib/validators";
import { makeQuestion } from "../tests/support/scriptedModels";
import { api } from "./_generated/api";
import { searchFields } from "./lib/searchFields";
import { asUser, errorOf, initConvexTest, NOW, tokenIdentifier, useFakeClock, type TestConvex } from "./test.setup";

const ALICE = tokenIdentifier("alice");

useFakeClock();

const capital: GeneratedQuestion = {
  question: "  What is the capital of France? ",
  type: "multiple-choice",
  options: ["Paris", "Lyon", "Nice"],
  correctAnswer: "paris",
  explanation: "Since 987.",
  difficulty: "easy",
};

const listed = async (t: TestConvex) =>
  (
    await asUser(t, "alice").query(api.myQuestions.listMyQuestions, {
      paginationOpts: { numItems: JOB_CONFIG.MAX_PAGE_SIZE, cursor: null },
    })
  ).page;
const topicsOf = async (t: TestConvex) =>
  (await asUser(t, "alice").query(api.myQuestions.listMyTopics, {})).map((topic) => topic.name);

describe("createQuestion", () => {
  test("adds a new card, checked and tidied like an edit, searchable, in a topic that joins one of the same key", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    await alice.mutation(api.addQuestions.createQuestion, { question: makeQuestion(0), topic: "European capitals" });
    const id = await alice.mutation(api.addQuestions.createQuestion, {
      question: capital,
      topic: " european   CAPITALS ",
    });
    const [added] = await listed(t);
    expect(added).toMatchObject({
      _id: id,
      question: "What is the capital of France?",
      correctAnswer: "Paris",
      topic: "European capitals",
      createdAt: NOW,
      card: newCard(NOW),
    });
    expect(added!.generationJobId).toBeUndefined();
    // Stored with its search fields; a client never gets them.
    expect(added).not.toHaveProperty("searchText");
    expect(await t.run((ctx) => ctx.db.get("questions", id))).toMatchObject(
      searchFields({ ...capital, question: "What is the capital of France?" }),
    );
    expect(await topicsOf(t)).toEqual(["European capitals"]);
    const found = await alice.query(api.myQuestions.searchMyQuestions, { search: "capital fran" });
    expect(found.questions.map((q) => q._id)).toEqual([id]);
    // A new topic is created as typed.
    await alice.mutation(api.addQuestions.createQuestion, { question: makeQuestion(2), topic: "Rivers" });
    expect(await topicsOf(t)).toEqual(["Rivers", "European capitals"]);
  });

  test("refuses, saying why: a bad question, no topic, a question already owned (a deleted one is no duplicate)", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    const add = (question: GeneratedQuestion, topic = "Geography") =>
      errorOf(alice.mutation(api.addQuestions.createQuestion, { question, topic }));
    expect(await add({ ...capital, correctAnswer: "Marseille" })).toMatchObject({
      code: "INVALID_ARGUMENT",
      message: "The answer must be one of the options.",
    });
    expect(await add({ ...capital, question: "   " })).toMatchObject({ message: "The question can't be empty." });
    expect(await add(capital, "  ")).toMatchObject({ message: "Give the topic a name." });
    const id = await alice.mutation(api.addQuestions.createQuestion, { question: capital, topic: "Geography" });
    expect(await add({ ...capital, question: "what is the capital of france" }, "Other")).toEqual({
      code: "INVALID_ARGUMENT",
      message: "You already have this question (in “Geography”).",
    });
    await alice.mutation(api.manageQuestions.deleteQuestions, { scope: { kind: "questions", ids: [id] } });
    await alice.mutation(api.addQuestions.createQuestion, { question: capital, topic: "Geography" });
    expect(await listed(t)).toHaveLength(1);
    // Bob's questions are his own: alice's text is no duplicate of his.
    await asUser(t, "bob").mutation(api.addQuestions.createQuestion, { question: capital, topic: "Geography" });
  });
});

describe("createQuestion through the quality gate", () => {
  test("a severe flaw or a paraphrase of an owned question is refused with its reasons; a mild one is saved marked; it is signed", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    const add = (question: GeneratedQuestion) =>
      alice.mutation(api.addQuestions.createQuestion, { question, topic: "Geography" });
    expect(await errorOf(add({ ...capital, options: ["Paris", "Lyon", "All of the above"] }))).toMatchObject({
      code: "QUESTION_FLAWED",
      flaws: [{ code: "ALL_OR_NONE_OF_THE_ABOVE" }],
    });
    const id = await add(capital);
    // Not the same text (that is refused before), but the same question reworded.
    expect(await errorOf(add({ ...capital, question: "Which city is the capital of France?" }))).toMatchObject({
      code: "QUESTION_FLAWED",
      flaws: [
        {
          code: "DUPLICATE_QUESTION",
          reason: 'You already have a question that asks this: "What is the capital of France?"',
        },
      ],
    });
    const vague = await add({
      ...capital,
      question: "Which river generally floods Paris?",
      options: ["Seine", "Loire", "Rhône"],
      correctAnswer: "Seine",
    });
    const saved = await listed(t);
    expect(saved.find((q) => q._id === vague)).toMatchObject({ needsLook: true, flaws: [{ code: "VAGUE_TERMS" }] });
    expect(saved.find((q) => q._id === id)).not.toHaveProperty("needsLook");
    expect(saved).toHaveLength(2);
    // Signed: a job's paraphrase of it is refused too.
    const signatures = await t.run(async (ctx) =>
      (await ctx.db.query("questionSignatures").collect()).filter((row) => row.questionId === id),
    );
    expect(signatures.length).toBeGreaterThan(0);
  });

  test("an import is signed right after it lands, so a hand-added paraphrase of an imported question is refused", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    await alice.mutation(api.addQuestions.importQuestions, {
      rows: [{ line: 2, question: capital }],
      topic: "Geography",
    });
    await t.finishAllScheduledFunctions(vi.runAllTimers);
    expect(
      await errorOf(
        alice.mutation(api.addQuestions.createQuestion, {
          question: { ...capital, question: "Which city is the capital of France?" },
          topic: "Geography",
        }),
      ),
    ).toMatchObject({ code: "QUESTION_FLAWED", flaws: [{ code: "DUPLICATE_QUESTION" }] });
  });
});

describe("import", () => {
  const row = (line: number, question: GeneratedQuestion, topic?: string): ImportRow => ({
    line,
    question,
    ...(topic !== undefined ? { topic } : {}),
  });

  test("the preview reports what the import then does: added, duplicates (in the file, already owned), bad lines", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    await alice.mutation(api.addQuestions.createQuestion, { question: makeQuestion(0), topic: "Owned" });
    const rows = [
      row(2, capital),
      row(3, makeQuestion(0)), // already owned
      row(4, { ...capital, question: "WHAT is the capital of France??" }), // repeats line 2
      row(5, { ...capital, correctAnswer: "Rome" }),
      row(7, makeQuestion(1), "Logic"),
      row(8, makeQuestion(3), "x".repeat(61)),
    ];
    const preview = await alice.query(api.addQuestions.previewImport, { rows, topic: "geography" });
    expect(preview).toEqual({
      imported: 2,
      duplicates: 2,
      duplicateLines: [3, 4],
      invalid: [
        {
          line: 5,
          problem: "The answer must be one of the options.",
        },
        { line: 8, problem: "A topic name can be at most 60 characters." },
      ],
      topics: ["geography", "Logic"],
    });
    expect(await listed(t)).toHaveLength(1);
    expect(await alice.mutation(api.addQuestions.importQuestions, { rows, topic: "geography" })).toEqual(preview);
    const questions = await listed(t);
    expect(questions.map((q) => [q.question, q.topic])).toEqual(
      expect.arrayContaining([
        ["What is the capital of France?", "geography"],
        ["Scripted question 1: 1 is odd.", "Logic"],
      ]),
    );
    expect(questions).toHaveLength(3);
    expect(await topicsOf(t)).toEqual(expect.arrayContaining(["geography", "Logic", "Owned"]));
    // Importing the same file again adds nothing.
    expect(await alice.mutation(api.addQuestions.importQuestions, { rows, topic: "geography" })).toMatchObject({
      imported: 0,
      duplicates: 4,
    });
  });

  test("all or nothing: an import over a limit is refused whole and writes nothing", async () => {
    const t = initConvexTest();
    const alice = asUser(t, "alice");
    const tooMany = Array.from({ length: JOB_CONFIG.MAX_IMPORT_QUESTIONS + 1 }, (_, i) =>
      row(i + 2, makeQuestion(i, { question: `Q${i}?` })),
    );
    expect(await errorOf(alice.mutation(api.addQuestions.importQuestions, { rows: tooMany, topic: "Big" }))).toEqual({
      code: "INVALID_ARGUMENT",
      message: "One import holds at most 1,000 questions. Split the file.",
    });
    const manyTopics = Array.from({ length: JOB_CONFIG.MAX_IMPORT_TOPICS + 1 }, (_, i) =>
      row(i + 2, makeQuestion(i, { question: `Q${i}?` }), `Topic ${i}`),
    );
    expect(await errorOf(alice.mutation(api.addQuestions.importQuestions, { rows: manyTopics, topic: "Big" }))).toEqual(
      {
        code: "INVALID_ARGUMENT",
        message: "One import can name at most 50 topics; this one names 51. Split the file.",
      },
    );
    expect(await errorOf(alice.mutation(api.addQuestions.importQuestions, { rows: [], topic: "" }))).toMatchObject({
      message: "Give the topic a name.",
    });
    expect(await listed(t)).toEqual([]);
    expect(await topicsOf(t)).toEqual([]);
  });

  test("MAX_IMPORT_QUESTIONS long questions in one transaction, within its limits", async () => {
    const t = initConvexTest();
    await t.run(async (ctx) => {
      for (let i = 0; i < 1000; i++) {
        const question = makeQuestion(i, { question: `Owned question ${i}?` });
        await ctx.db.insert("questions", {
          ...question,
          ...searchFields(question),
          userId: ALICE,
          topic: "Owned",
          createdAt: NOW - i,
          card: newCard(NOW),
        });
      }
    });
    const long = "An explanation long enough to weigh something in the transaction. ".repeat(20);
    const rows = Array.from({ length: JOB_CONFIG.MAX_IMPORT_QUESTIONS }, (_, i) =>
      row(
        i + 2,
        makeQuestion(i, { question: i < 100 ? `Owned question ${i}?` : `Imported question ${i}?`, explanation: long }),
      ),
    );
    const report = await asUser(t, "alice").mutation(api.addQuestions.importQuestions, { rows, topic: "Imported" });
    expect(report).toMatchObject({ imported: 900, duplicates: 100, invalid: [], topics: ["Imported"] });
    const found = await asUser(t, "alice").query(api.myQuestions.searchMyQuestions, {
      search: "999",
    });
    expect(found.questions.map((q) => q.question)).toContain("Imported question 999?");
  }, 120_000);
});
