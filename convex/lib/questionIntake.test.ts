import { describe, expect, test } from "vitest";
import { makeQuestion } from "../../tests/support/scriptedModels";
import { QuestionIntake } from "./questionIntake";

describe("QuestionIntake", () => {
  test("keeps usable new questions in order, counting every one the model wrote", () => {
    const intake = new QuestionIntake([]);
    expect(intake.take([makeQuestion(0), makeQuestion(1)])).toEqual([makeQuestion(0), makeQuestion(1)]);
    expect(intake).toMatchObject({ generated: 2, skipped: 0 });
  });

  test("skips and counts unusable ones: wrong shape, or an answer that is not an option", () => {
    const intake = new QuestionIntake([]);
    const notAnOption = { ...makeQuestion(2), correctAnswer: "Nowhere" };
    expect(intake.take([{ question: "half" }, notAnOption, makeQuestion(4)])).toEqual([makeQuestion(4)]);
    expect(intake).toMatchObject({ generated: 3, skipped: 2 });
  });

  test("drops a repeat of a question the job has, or of one taken before (case and punctuation aside), without counting it as skipped", () => {
    const first = makeQuestion(0);
    const intake = new QuestionIntake([first.question.toUpperCase()]);
    expect(intake.take([first])).toEqual([]);
    const second = makeQuestion(2);
    expect(intake.take([second, { ...second, question: `${second.question}!!` }])).toEqual([second]);
    expect(intake).toMatchObject({ generated: 3, skipped: 0 });
  });

  test("the gate: a question with a severe flaw is rejected with its reasons, one with mild flaws kept marked with them", () => {
    const intake = new QuestionIntake([]);
    const allOfTheAbove = { ...makeQuestion(0), options: ["Option A", "Option B", "All of the above"] };
    const vague = makeQuestion(2, { question: "Scripted question 2: which option is usually right?" });
    const kept = intake.take([allOfTheAbove, vague, makeQuestion(4)]);
    expect(kept).toEqual([
      { ...vague, flaws: [{ code: "VAGUE_TERMS", reason: expect.any(String) as string }] },
      makeQuestion(4),
    ]);
    expect(intake.rejected).toEqual([
      { question: allOfTheAbove, flaws: [{ code: "ALL_OR_NONE_OF_THE_ABOVE", reason: expect.any(String) as string }] },
    ]);
    expect(intake).toMatchObject({ generated: 3, skipped: 0, taken: [vague.question, makeQuestion(4).question] });
    // Its rewrite may keep the wording and fix only the flaw.
    expect(intake.take([makeQuestion(0)])).toEqual([makeQuestion(0)]);
  });
});
