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
});
